"""Back-test across a scheme change (``kpisim calibrate kpis=HISTORY.csv
predict_after=PERIOD``): a history with a ``scheme`` column is run under its schemes,
the fit sees the periods before the change only, and the periods after it are predicted
with a 90% band whose coverage is checked against a known truth.

The truth: a small centre (12 agents + 1 specialist, 20,000 customers, seed 7) whose
employees weigh pay 1.6 times as much as the default (``behavior.pay_weight=1.6``; the
prior is 0.5-2.0 and the fit cannot see it in a flat-pay history) runs 4 periods of 10
working days under flat pay, then ``aht_pay`` is rolled out on day 40 and it runs 6 more.
Its daily table is summed per period by the formulas of docs/calibrate.md (AHT = handle
seconds / legs, self-coded FCR = coded resolved / answered owned, CSAT = top-2 answers /
answers, quits and mean headcount) into a history CSV with the scheme in force.

The prediction: skill and the attrition base are fitted on periods 1-4 (12 trials, seed
0, so the fit does not replay the truth's noise); 8 seeds (1-8) each run one posterior
draw over all 10 periods, under flat pay then ``aht_pay`` from day 40.  Predicted: 6
periods x 4 KPIs = 24 values.  If the model (with its parameter uncertainty) is right,
each lies in its 90% band with probability 0.9, so the count inside is Binomial(24, 0.9)
(mean 21.6, sd 1.5): the test asks for at least its 2.5% point, 18
(:func:`~sim.calibrate.backtest_kpis.expected_inside`).  The values of one period are
correlated across KPIs, which widens the count's spread; the bound is the binomial one
all the same, stated rather than loosened.  Power: the same seeds run with the schemes
ignored (flat pay throughout) must fall below that bound: AHT pay moves FCR and AHT
beyond the flat-pay band, so the test fails if the scheme column is not applied.  Seeds
are fixed: the test is deterministic.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.backtest_kpis import compare_kpis, csv_text, expected_inside
from sim.calibrate.backtest_run import posterior_draws
from sim.calibrate.cli import main
from sim.calibrate.history import read_history
from sim.calibrate.infer import infer
from sim.calibrate.mapping import DataError
from sim.calibrate.page import prediction_section
from sim.calibrate.simulate import simulate_runs
from sim.config import load_config
from sim.run import run_simulation

CENTRE = {"employees.n": 12, "customers.n": 20_000, "teams.specialists_n": 1}
PERIOD_DAYS = 10
N_FIT, N_PRED = 4, 6
SEEDS = list(range(1, 9))
MAPPING = Path(__file__).resolve().parents[1] / "examples" / "mappings" / "kpisim_calls.yaml"


def _history(daily: pd.DataFrame, schemes: list[str]) -> pd.DataFrame:
    """The run's daily table summed per period of PERIOD_DAYS days, as a history CSV's
    columns (docs/calibrate.md), with the scheme in force each period."""
    g = daily.groupby(daily["day"] // PERIOD_DAYS)
    t = g.sum(numeric_only=True)
    return pd.DataFrame(
        {
            "period": np.arange(1, len(t) + 1),
            "scheme": schemes,
            "aht_s": t["handle_s"] / t["legs"],
            "fcr": t["coded_resolved"] / t["answered_owned"],
            "csat": t["survey_top2"] / t["surveys"],
            "quits": t["quits"],
            "headcount": g["staff"].mean(),
            "calls": t["legs"],
            "surveys": t["surveys"],
        }
    )


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ov = [f"{k}={v}" for k, v in CENTRE.items()]
    cfg = load_config(
        "baseline",
        overrides=[
            *ov,
            "behavior.pay_weight=1.6",
            f"days={PERIOD_DAYS * (N_FIT + N_PRED)}",
            "seed=7",
            "scheme=flat",
            "+scheme@proposal=aht_pay",
            f"rollout_day={PERIOD_DAYS * N_FIT}",
        ],
    )
    daily = run_simulation(cfg, progress=False).daily
    hist = _history(daily, ["flat"] * N_FIT + ["aht_pay"] * N_PRED)
    p = tmp_path_factory.mktemp("truth") / "history.csv"
    hist.to_csv(p, index=False)
    return p


def test_scheme_plan_of_the_history(truth: Path) -> None:
    h = read_history(truth, PERIOD_DAYS)
    assert h.plan is not None and h.plan.change == N_FIT
    assert h.plan.first.name == "flat" and h.plan.after is not None
    assert h.plan.after.name == "aht_pay"
    assert h.plan.rollout_day(h.days, 5) == 5 + PERIOD_DAYS * N_FIT
    assert h.fitted_periods(str(N_FIT)) == N_FIT and h.fitted_periods(None) == h.n
    assert h.head(N_FIT).plan.change is None  # the fit's periods: flat pay only
    with pytest.raises(DataError, match=r"predict_after='10': the KPI history's last"):
        h.fitted_periods("10")
    with pytest.raises(DataError, match=r"predict_after='11': not a period"):
        h.fitted_periods("11")


@pytest.mark.slow
def test_prediction_covers_the_truth(truth: Path) -> None:
    h = read_history(truth, PERIOD_DAYS)
    post = infer(h.head(N_FIT), CENTRE, n_trials=12, seed=0, jobs=2, progress=False)
    draws = posterior_draws(post.samples, len(SEEDS), 0)
    runs = simulate_runs(CENTRE, 1, 0, SEEDS, 2, False, h.days, h.plan, draws)
    kb = compare_kpis(h, [r.kpis for r in runs], N_FIT)
    assert kb.prediction is not None
    p = kb.prediction.set_index("kpi")
    n = int(p.loc["all", "n"])
    assert n == N_PRED * 4  # aht_s, fcr, csat, attrition_annual: all measured
    lo, _ = expected_inside(n)
    assert lo == 18
    assert p.loc["all", "inside"] >= lo, kb.prediction
    # the CSV says which periods were fitted and which predicted, with their scheme
    rows = list(csv.DictReader(io.StringIO(csv_text(kb))))
    per = [r for r in rows if r["scope"] == "period" and r["kpi"] == "aht_s"]
    assert [r["part"] for r in per] == ["fitted"] * N_FIT + ["predicted"] * N_PRED
    assert [r["scheme"] for r in per] == ["flat"] * N_FIT + ["aht_pay"] * N_PRED
    pred = {r["kpi"]: r for r in rows if r["scope"] == "prediction"}
    assert pred["all"]["n_observed"] == str(n) and pred["all"]["fits"] == "true"
    page = prediction_section(kb, True)
    assert "Across the scheme change" in page and "so the prediction holds" in page
    # power: the same draws with the scheme change ignored (flat pay throughout) miss
    flat = simulate_runs(CENTRE, 1, 0, SEEDS, 2, False, h.days, None, draws)
    kf = compare_kpis(h, [r.kpis for r in flat], N_FIT)
    assert kf.prediction is not None
    assert kf.prediction.set_index("kpi").loc["all", "inside"] < lo, kf.prediction
    assert "so the prediction fails" in prediction_section(kf, True)


def _calibrate(tmp_path: Path, history: str, *extra: str) -> list[str]:
    (tmp_path / "h.csv").write_text(history)
    return [
        f"data={tmp_path / 'calls.csv'}",
        f"mapping={tmp_path / 'map.yaml'}",
        "name=t",
        f"out={tmp_path / 'out'}",
        f"kpis={tmp_path / 'h.csv'}",
        *extra,
    ]


@pytest.mark.parametrize(
    "history,extra,needles",
    [
        (
            "period,scheme,fcr\n1,flat,0.7\n2,aht_paid,0.7\n",
            (),
            ["h.csv: column 'scheme', line 3: 'aht_paid' is not a scheme", "aht_pay, "],
        ),
        (
            "period,scheme,fcr\n1,flat,0.7\n2,,0.7\n",
            (),
            ["column 'scheme', line 3: empty"],
        ),
        (
            "period,scheme,fcr\n1,flat,0.7\n2,aht_pay,0.7\n3,flat,0.7\n",
            (),
            ["changes 2 times", "line 3 (flat -> aht_pay)", "line 4 (aht_pay -> flat)"],
        ),
        (
            "period,scheme,fcr\n1,flat,0.7\n2,nope.yaml,0.7\n",
            (),
            ["line 3: 'nope.yaml' is not a scheme"],
        ),
        (
            "period,scheme,fcr\n1,flat,0.7\n2,aht_pay,0.7\n",
            ("predict_after=2",),
            ["predict_after='2': the KPI history's last period"],
        ),
    ],
)
def test_bad_scheme_column_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    history: str,
    extra: tuple[str, ...],
    needles: list[str],
) -> None:
    """The history is read and checked before the data are estimated or anything is
    written: a bad ``scheme`` value ends in exit 2 with one message naming the file,
    the line, the value and what is allowed."""
    (tmp_path / "calls.csv").write_text("x\n1\n")  # never read: the history fails first
    (tmp_path / "map.yaml").write_text(MAPPING.read_text(encoding="utf-8"))
    code = main(_calibrate(tmp_path, history, *extra))
    err = capsys.readouterr().err
    assert code == 2, err
    for n in needles:
        assert n in err, (n, err)
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_scheme_file_in_the_history(tmp_path: Path) -> None:
    """A scheme YAML beside the history is a scheme too; a broken one is named."""
    (tmp_path / "mine.yaml").write_text("name: mine\nbonus_share: 0.05\n")
    (tmp_path / "h.csv").write_text("period,scheme,fcr\n1,flat,0.7\n2,mine.yaml,0.7\n")
    h = read_history(tmp_path / "h.csv", PERIOD_DAYS)
    assert h.plan is not None and h.plan.after is not None
    assert h.plan.after.name == "mine" and h.plan.after.bonus_share == 0.05
    (tmp_path / "mine.yaml").write_text("name: mine\nbonus_shares: 0.05\n")
    with pytest.raises(DataError, match=r"line 3: scheme file .*mine.yaml"):
        read_history(tmp_path / "h.csv", PERIOD_DAYS)
