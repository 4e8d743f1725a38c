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
)


@dataclass
class KpiBacktest:
    """Per KPI: the observed values (periods,), the seeds' values (seeds, periods), the
    band, and a summary row (mae, bias, rel_bias, coverage, n_observed, fits)."""

    labels: list[str]
    kpis: list[str]
    obs: dict[str, np.ndarray]
    sim: dict[str, np.ndarray]
    lo: dict[str, np.ndarray]
    hi: dict[str, np.ndarray]
    summary: pd.DataFrame


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


def compare_kpis(hist: History, runs: list[dict]) -> KpiBacktest:
    """Compare the history with the seeds' per-period KPIs.

    Parameters
    ----------
    hist : History
        The centre's KPI history.
    runs : list of dict
        One :func:`~.kpi_sim.period_kpis` dict per seed, over the history's periods.

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
    return KpiBacktest(list(hist.labels), names, obs, sim, lo, hi, summary)


def csv_text(kb: KpiBacktest) -> str:
    """``<name>.backtest_kpis.csv``: one row per (KPI, period) (``scope = period``) and
    per KPI (``scope = summary``: ``abs_error`` the MAE, ``coverage`` the share of
    measured periods in the band); columns :data:`CSV_COLUMNS`.

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
