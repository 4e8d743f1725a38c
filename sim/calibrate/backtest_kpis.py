"""Back-test of the KPI history: the centre's simulated per-period KPIs against the
history's (``kpis=HISTORY.csv``, :mod:`.history`).

Each back-test seed runs over the history's periods (after the warm-up) and is measured
per period as the history measures it (:func:`~.kpi_sim.period_kpis`, the one home of
that measurement).  For each KPI the file has and each period:

* ``sim_mean``: the mean over seeds;
* the band: a 90% prediction interval for one more run, mean +- t(0.95, n-1) x s x
  sqrt(1 + 1/n) with s the seeds' standard deviation and n the number of seeds (normal
  runs: one more draw falls inside with probability 0.9 whatever n; the 5%-95% quantiles
  of 2-5 seeds would cover a new draw only (n-1)/(n+1) of the time);
* ``mae``: mean over periods of |observed - sim_mean|; ``bias``: mean of (sim_mean -
  observed); ``coverage``: the share of measured periods inside the band, flagged below
  :data:`~.backtest.FIT_COVERAGE` as for the interval figures.

If the history were one more run of the model, each period would lie in its band with
probability 0.9; with few periods the coverage is coarse (6 periods: steps of 1/6).

With ``predict_after`` (``n_fit`` periods fitted) the periods after it are a prediction:
the seeds then run posterior draws, so the band is a posterior predictive interval, and
``prediction`` holds per KPI (and ``all`` KPIs pooled) the coverage of the predicted
periods with the range a right model would give 95% of the time (binomial, n values at
0.9: :func:`expected_inside`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .backtest import FIT_COVERAGE, csv_number, csv_table
from .history import KPIS, History

LABELS = {
    "aht_s": "AHT (s)",
    "fcr": "FCR, self-coded (share)",
    "csat": "CSAT, top-2-box (share)",
    "attrition_annual": "attrition (quits / headcount, annualised)",
    "abandon_rate": "abandonment (share of offered)",
    "service_level": "service level (share of offered)",
}
CSV_COLUMNS = (
    "scope",
    "kpi",
    "period",
    "observed",
    "sim_mean",
    "sim_lo",
    "sim_hi",
    "abs_error",
    "coverage",
    "n_observed",
    "fits",
    "scheme",
    "part",
)


@dataclass
class KpiBacktest:
    """Per KPI: the observed values (periods,), the seeds' values (seeds, periods), the
    band, and a summary row (mae, bias, rel_bias, coverage, n_observed, fits).

    ``schemes``: each period's scheme (the history's ``scheme`` column, else None);
    ``n_fit``: periods the fit used (the rest are predicted); ``prediction``: per KPI
    and ``all`` the predicted periods' kpi, n, inside, coverage, mae, bias, expected_lo,
    expected_hi (empty when nothing is predicted)."""

    labels: list[str]
    kpis: list[str]
    obs: dict[str, np.ndarray]
    sim: dict[str, np.ndarray]
    lo: dict[str, np.ndarray]
    hi: dict[str, np.ndarray]
    summary: pd.DataFrame
    schemes: list[str] | None = None
    n_fit: int = 0
    prediction: pd.DataFrame | None = None

    def part(self, i: int) -> str:
        """``fitted`` or ``predicted``: whether period ``i`` (0-based) was fitted.

        Parameters
        ----------
        i : int
            The period's index.
        """
        return "fitted" if i < self.n_fit else "predicted"


def band(sim: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over seeds (rows) and the 90% prediction interval of one more seed.

    Parameters
    ----------
    sim : numpy.ndarray
        One KPI's simulated values, seeds x periods (NaN where a period has none).

    Returns
    -------
    tuple of numpy.ndarray
        Mean, lower and upper end per period, in the KPI's unit.
    """
    n = np.sum(~np.isnan(sim), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(sim, axis=0)
            sd = np.nanstd(sim, axis=0, ddof=1)
        half = stats.t.ppf(0.95, np.maximum(n - 1, 1)) * sd * np.sqrt(1.0 + 1.0 / np.maximum(n, 1))
    half = np.where(n >= 2, half, np.nan)
    return mean, mean - half, mean + half


def expected_inside(n: int, p: float = 0.9) -> tuple[int, int]:
    """How many of ``n`` values a right model puts inside its 90% band, 95% of the time:
    the 2.5% and 97.5% points of Binomial(n, p).

    Parameters
    ----------
    n : int
        Values compared.
    p : float
        The band's coverage.
    """
    lo, hi = stats.binom.ppf([0.025, 0.975], n, p)
    return int(lo), int(hi)


def _prediction(obs: dict, bands: dict, n_fit: int) -> pd.DataFrame:
    """Per KPI and pooled (``all``): the predicted periods' coverage and errors
    (``bands[k]`` = mean, low, high per period)."""
    rows, pooled = [], {"n": 0, "inside": 0}
    for k, (mean, lo, hi) in bands.items():
        o, m, lo, hi = obs[k][n_fit:], mean[n_fit:], lo[n_fit:], hi[n_fit:]
        ok = ~np.isnan(o) & ~np.isnan(lo)
        inside = ok & (o >= np.nan_to_num(lo)) & (o <= np.nan_to_num(hi))
        diff = (m - o)[ok]
        n = int(ok.sum())
        rows.append(
            {
                "kpi": k,
                "n": n,
                "inside": int(inside.sum()),
                "coverage": inside.sum() / n if n else float("nan"),
                "mae": float(np.mean(np.abs(diff))) if n else float("nan"),
                "bias": float(np.mean(diff)) if n else float("nan"),
            }
        )
        pooled["n"] += n
        pooled["inside"] += int(inside.sum())
    n = pooled["n"]
    rows.append(
        {
            "kpi": "all",
            "n": n,
            "inside": pooled["inside"],
            "coverage": pooled["inside"] / n if n else float("nan"),
            "mae": float("nan"),
            "bias": float("nan"),
        }
    )
    out = pd.DataFrame(rows)
    ranges = [expected_inside(int(x)) if x else (0, 0) for x in out["n"]]
    out["expected_lo"] = [a for a, _ in ranges]
    out["expected_hi"] = [b for _, b in ranges]
    return out


def compare_kpis(hist: History, runs: list[dict], n_fit: int | None = None) -> KpiBacktest:
    """Compare the history with the seeds' per-period KPIs.

    Parameters
    ----------
    hist : History
        The centre's KPI history.
    runs : list of dict
        One :func:`~.kpi_sim.period_kpis` dict per seed, over the history's periods.
    n_fit : int, optional
        Periods the fit used (``predict_after``); the later ones are predicted.  None:
        all were fitted.

    Returns
    -------
    KpiBacktest
        Per KPI the observed and simulated values per period, the band and the summary
        (MAE, bias, coverage, ``fits``).
    """
    names = [k for k in KPIS if k in hist.kpis and not np.isnan(hist.kpis[k]).all()]
    obs, sim, lo, hi, rows = {}, {}, {}, {}, []
    for k in names:
        o = np.asarray(hist.kpis[k], float)
        s = np.array([np.asarray(r[k], float) for r in runs])
        mean, lo[k], hi[k] = band(s)
        obs[k], sim[k] = o, s
        ok = ~np.isnan(o) & ~np.isnan(lo[k])
        inside = ok & (o >= np.nan_to_num(lo[k])) & (o <= np.nan_to_num(hi[k]))
        diff = (mean - o)[ok]
        scale = float(np.mean(o[ok])) if ok.any() else float("nan")
        rows.append(
            {
                "kpi": k,
                "mae": float(np.mean(np.abs(diff))) if ok.any() else float("nan"),
                "bias": float(np.mean(diff)) if ok.any() else float("nan"),
                "rel_bias": float(np.mean(diff)) / scale if ok.any() and scale else float("nan"),
                "coverage": float(inside.sum() / max(ok.sum(), 1)),
                "n_observed": int(ok.sum()),
                "observed": scale,
                "sim_mean": float(np.nanmean(mean[ok])) if ok.any() else float("nan"),
            }
        )
    summary = pd.DataFrame(
        rows,
        columns=[
            "kpi",
            "mae",
            "bias",
            "rel_bias",
            "coverage",
            "n_observed",
            "observed",
            "sim_mean",
        ],
    )
    summary["fits"] = (summary["coverage"] >= FIT_COVERAGE) & (summary["n_observed"] > 0)
    n_fit = hist.n if n_fit is None else n_fit
    bands = {k: (band(sim[k])[0], lo[k], hi[k]) for k in names}
    pred = _prediction(obs, bands, n_fit) if n_fit < hist.n else None
    schemes = None if hist.plan is None else list(hist.plan.names)
    return KpiBacktest(list(hist.labels), names, obs, sim, lo, hi, summary, schemes, n_fit, pred)


def csv_text(kb: KpiBacktest) -> str:
    """``<name>.backtest_kpis.csv``: one row per (KPI, period) (``scope = period``) and
    per KPI (``scope = summary``: ``abs_error`` the MAE, ``coverage`` the share of
    measured periods in the band); columns :data:`CSV_COLUMNS`.  ``scheme`` is the
    period's scheme (the history's ``scheme`` column) and ``part`` says whether the fit
    used the period (``fitted``) or the model predicted it (``predicted``); with a
    prediction, ``scope = prediction`` rows give per KPI and ``all`` KPIs the predicted
    periods' MAE and coverage (``fits``: the count inside is at least the low end of
    what a right model gives 95% of the time).

    Parameters
    ----------
    kb : KpiBacktest
        The KPI back-test (:func:`compare_kpis`).
    """
    rows: list[list] = []
    g = csv_number

    for k in kb.kpis:
        mean = band(kb.sim[k])[0]
        for i, lab in enumerate(kb.labels):
            o = kb.obs[k][i]
            ok = not np.isnan(o) and not np.isnan(kb.lo[k][i])
            inside = ok and kb.lo[k][i] <= o <= kb.hi[k][i]
            cov = g(float(inside)) if ok else ""
            rows.append(
                [
                    "period",
                    k,
                    lab,
                    g(o),
                    g(mean[i]),
                    g(kb.lo[k][i]),
                    g(kb.hi[k][i]),
                    g(abs(mean[i] - o)),
                    cov,
                    int(ok),
                    "",
                    kb.schemes[i] if kb.schemes else "",
                    kb.part(i),
                ]
            )
    for r in kb.summary.itertuples():
        rows.append(
            [
                "summary",
                r.kpi,
                "",
                g(r.observed),
                g(r.sim_mean),
                "",
                "",
                g(r.mae),
                g(r.coverage),
                r.n_observed,
                str(bool(r.fits)).lower(),
                "",
                "",
            ]
        )
    for r in [] if kb.prediction is None else kb.prediction.itertuples():
        rows.append(
            [
                "prediction",
                r.kpi,
                "",
                "",
                "",
                "",
                "",
                g(r.mae),
                g(r.coverage),
                r.n,
                str(bool(r.n and r.inside >= r.expected_lo)).lower(),
                "",
                "predicted",
            ]
        )
    return csv_table(CSV_COLUMNS, rows)


def misfits(kb: KpiBacktest) -> list[str]:
    """One sentence per KPI the model does not reproduce.

    Parameters
    ----------
    kb : KpiBacktest
        The KPI back-test.
    """
    out = []
    for r in kb.summary.itertuples():
        if r.fits or r.n_observed == 0:
            continue
        side = "above" if r.bias > 0 else "below"
        out.append(
            f"{LABELS[r.kpi]}: only {r.coverage:.0%} of the history's {r.n_observed} periods "
            f"lie in the model's 90% band; the model is {side} the history by "
            f"{abs(r.rel_bias):.0%} on average (mean absolute error {r.mae:.3g} per period)."
        )
    return out
