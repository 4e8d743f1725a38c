"""Back-test: the calibrated centre's simulated days against the observed days.

For every figure of :mod:`.figures` and every interval of the day, the simulated
values of all seeds x days give a mean and a 90% band (the 5% and 95% quantiles of
single simulated days); the observed values of single days are compared with them:

* ``mae``: mean over intervals of |observed mean over days - simulated mean|;
* ``bias``: mean over intervals of (simulated mean - observed mean), and ``rel_bias``
  that over the observed mean (sign: + the model is above the data);
* ``coverage``: the share of observed (day, interval) cells inside their interval's
  band.  If the data were one more draw from the model, each cell would lie inside its
  90% band with probability about 0.9 (up to the quantiles' estimation error from a
  finite number of simulated days), so coverage near 0.9 is a fit and a coverage below
  ``FIT_COVERAGE`` (0.7) flags a figure the model does not reproduce.

The same for whole days (``scope = day``): each figure over the day, observed days
against the band of simulated days; ``day_fits`` when their coverage reaches
``FIT_COVERAGE`` (the ``fits`` column of the CSV's day rows).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .figures import FIGURES, figures

BAND = (0.05, 0.95)
#: Coverage below which a figure is reported as not fitting: well below the 0.9 a
#: model that generated the data would reach, so that sampling noise alone (about
#: +-0.05 with a few hundred cells correlated within days) does not trip it.
FIT_COVERAGE = 0.7
CSV_COLUMNS = (
    "scope",
    "figure",
    "interval_start",
    "observed",
    "sim_mean",
    "sim_lo",
    "sim_hi",
    "abs_error",
    "rel_bias",
    "coverage",
    "n_observed",
    "fits",
)


@dataclass
class Backtest:
    """The back-test's numbers (the report and the CSV read only these)."""

    figures: list[str]
    interval_start_s: np.ndarray  # time of day of each interval's start, s
    obs: dict[str, np.ndarray]  # (observed days, k) per figure
    obs_day: dict[str, np.ndarray]  # (observed days,)
    sim: dict[str, np.ndarray]  # (seeds x days, k)
    sim_day: dict[str, np.ndarray]  # (seeds x days,)
    summary: pd.DataFrame  # one row per figure: mae, bias, rel_bias, coverage, fits, ...
    observed_days: int
    simulated_days: int
    seeds: list[int]
    notes: list[str]
    by_weekday: bool = False  # observed days compared with their weekday's simulated days


def right_model_coverage(n: int) -> float:
    """The probability that one more draw from a right model lies inside the 90% band of
    ``n`` simulated values (the band's ends are the sample's 5% and 95% quantiles, by
    linear interpolation between order statistics): a new draw falls into each of the
    ``n + 1`` gaps between the sorted values with probability ``1 / (n + 1)``, and the
    band spans ``(n - 1) x 0.9`` of them, so ``(n - 1) x 0.9 / (n + 1)``: 0.81 for 20
    values, 0.88 for 80, 0.9 only as ``n`` grows.

    Parameters
    ----------
    n : int
        Simulated values the band is the quantiles of.
    """
    return max(n - 1, 0) * (BAND[1] - BAND[0]) / (n + 1)


def _inside(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    with np.errstate(invalid="ignore"):
        return ok & (x >= lo) & (x <= hi), ok


def _band(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        return np.nanmean(v, axis=0), *np.nanquantile(v, BAND, axis=0)


#: Fewest simulated days of a weekday whose band an observed day of that weekday is
#: compared with (fewer: the band of all simulated days).
MIN_WEEKDAY_DAYS = 10


def inside_by_weekday(
    obs: np.ndarray, sim: np.ndarray, weekdays: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Each observed day inside the 90% band of the simulated days of its weekday (a
    Saturday against the model's Saturdays: a seven-day centre's weekday volumes differ
    several-fold, so the band of all days mixes them), or of all simulated days when
    its weekday has fewer than :data:`MIN_WEEKDAY_DAYS`; (inside, observed) per day.

    Parameters
    ----------
    obs : numpy.ndarray
        A figure per observed day (NaN: not observed).
    sim : numpy.ndarray
        The figure per simulated day (all seeds).
    weekdays : tuple of numpy.ndarray
        The weekday of each observed day and of each simulated day.
    """
    wo, ws = weekdays
    inside, ok = _inside(obs, *_band(sim[:, None])[1:])
    for w in np.unique(wo):
        s = sim[ws == w]
        if (~np.isnan(s)).sum() >= MIN_WEEKDAY_DAYS:
            lo, hi = _band(s[:, None])[1:]
            inside[wo == w] = _inside(obs[wo == w], lo, hi)[0]
    return inside, ok


def _nanmean(x: np.ndarray) -> float:
    x = np.asarray(x, float)
    x = x[~np.isnan(x)]
    return float(x.mean()) if len(x) else float("nan")


def compare(
    observed: pd.DataFrame,
    observed_days: int,
    simulated: list[pd.DataFrame],
    simulated_days: int,
    seeds: list[int],
    open_s: float,
    open_tod_s: float,
    interval_minutes: int,
    sl_s: float,
    agents: bool,
    weekdays: tuple[np.ndarray, np.ndarray] | None = None,
) -> Backtest:
    """Compare the observed call records with the seeds' simulated records (both in the
    canonical columns, days numbered from 0).

    Parameters
    ----------
    observed : pandas.DataFrame
        The centre's call records in the canonical columns (:data:`~.figures.COLUMNS`).
    observed_days : int
        Working days the observed records cover.
    simulated : list of pandas.DataFrame
        Each seed's simulated call records, in the same columns (warm-up days dropped).
    simulated_days : int
        Working days each simulated run covers.
    seeds : list of int
        The seeds of ``simulated``, in the same order (reported).
    open_s : float
        Opening hours of a day, seconds (a whole number of intervals).
    open_tod_s : float
        Opening time, seconds since midnight (labels the intervals).
    interval_minutes : int
        Length of an interval, minutes.
    sl_s : float
        Service-level threshold, seconds (answered within it counts).
    agents : bool
        Whether the observed records carry agent ids; without them occupancy is not
        compared (and a note says why).
    weekdays : tuple of numpy.ndarray, optional
        The weekday (0 = Monday) of each observed day and of each simulated day (of one
        seed: every seed runs the same calendar); the days are then compared weekday by
        weekday (:func:`compare_figures`).

    Returns
    -------
    Backtest
        Figures per interval and per day of both sides, and the summary per figure.
    """
    o, od = figures(observed, observed_days, open_s, interval_minutes, sl_s, agents)
    per = [figures(s, simulated_days, open_s, interval_minutes, sl_s, agents) for s in simulated]
    notes = (
        []
        if agents
        else ["occupancy cannot be computed: the data has no agent ids (map the column agent)"]
    )
    return compare_figures(
        o,
        od,
        per,
        observed_days,
        simulated_days,
        seeds,
        open_s,
        open_tod_s,
        interval_minutes,
        notes,
        weekdays,
    )


def compare_figures(
    o: dict[str, np.ndarray],
    od: dict[str, np.ndarray],
    per: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]],
    observed_days: int,
    simulated_days: int,
    seeds: list[int],
    open_s: float,
    open_tod_s: float,
    interval_minutes: int,
    notes: list[str],
    weekdays: tuple[np.ndarray, np.ndarray] | None = None,
) -> Backtest:
    """The comparison itself: observed figures ``o`` (per (day, interval)) and ``od`` (per
    day) against each seed's pair in ``per`` (the layout of :func:`~.figures.figures`);
    the figures compared are those the observed side has.

    Parameters
    ----------
    o : dict of str to numpy.ndarray
        Observed figures per (day, interval), each of shape (observed_days, k).
    od : dict of str to numpy.ndarray
        Observed figures per day, each of shape (observed_days,).
    per : list of (dict, dict)
        Each seed's figures per (day, interval) and per day, in the same layout.
    observed_days, simulated_days : int
        Working days of the observed data and of each simulated run.
    seeds : list of int
        The simulation seeds, in the order of ``per``.
    open_s : float
        Opening hours of a day, seconds.
    open_tod_s : float
        Opening time, seconds since midnight.
    interval_minutes : int
        Length of an interval, minutes.
    notes : list of str
        Sentences for the report about what could not be compared.
    weekdays : tuple of numpy.ndarray, optional
        The weekday of each observed day and of each simulated day of one seed: the day
        coverage then compares each observed day with the band of the simulated days of
        its weekday (:func:`inside_by_weekday`); the reported day band stays that of all
        simulated days.  None: every day with the band of all days.

    Returns
    -------
    Backtest
        Both sides' figures and the summary per figure (MAE, bias, coverage of the observed
        cells by the simulated 90% band; ``fits`` when coverage reaches
        :data:`FIT_COVERAGE`).
    """
    names = [f for f in FIGURES if f in o]
    sim = {f: np.concatenate([p[0][f] for p in per]) for f in names}
    sim_day = {f: np.concatenate([p[1][f] for p in per]) for f in names}
    rows = []
    for f in names:
        mean, lo, hi = _band(sim[f])
        obs_mean = _band(o[f])[0]
        inside, ok = _inside(o[f], lo, hi)
        diff = mean - obs_mean
        scale = _nanmean(obs_mean)
        dm, dlo, dhi = _band(sim_day[f][:, None])
        din, dok = _inside(od[f], dlo[0], dhi[0])
        if weekdays is not None:
            ws = np.tile(weekdays[1], len(per))
            din, dok = inside_by_weekday(od[f], sim_day[f], (weekdays[0], ws))
        rows.append(
            {
                "figure": f,
                "mae": _nanmean(np.abs(diff)),
                "bias": _nanmean(diff),
                "rel_bias": _nanmean(diff) / scale if scale else float("nan"),
                "coverage": float(inside.sum() / max(ok.sum(), 1)),
                "n_observed": int(ok.sum()),
                "day_observed": _nanmean(od[f]),
                "day_sim_mean": float(dm[0]),
                "day_sim_lo": float(dlo[0]),
                "day_sim_hi": float(dhi[0]),
                "day_coverage": float(din.sum() / max(dok.sum(), 1)),
                "day_n_observed": int(dok.sum()),
            }
        )
    n_band = len(per) * simulated_days
    if weekdays is not None:  # the fewest simulated days of an observed weekday
        counts = [len(per) * int(np.sum(weekdays[1] == w)) for w in np.unique(weekdays[0])]
        n_band = min([c if c >= MIN_WEEKDAY_DAYS else n_band for c in counts] or [n_band])
    notes = [
        *notes,
        f"A day's band is the 5-95% range of {n_band} or more simulated days (seeds x days"
        f"{' of its weekday' if weekdays is not None else ''}): a right model's day lies "
        f"inside it with probability about {right_model_coverage(n_band):.2f}, not 0.90 "
        "(a finite sample's quantiles; more seeds: backtest_seeds=).",
    ]
    summary = pd.DataFrame(rows)
    summary["fits"] = summary["coverage"] >= FIT_COVERAGE
    summary["day_fits"] = summary["day_coverage"] >= FIT_COVERAGE
    step = 60.0 * interval_minutes
    return Backtest(
        names,
        open_tod_s + np.arange(round(open_s / step)) * step,
        o,
        od,
        sim,
        sim_day,
        summary,
        observed_days,
        simulated_days,
        list(seeds),
        list(notes),
        weekdays is not None,
    )


def hhmm(t: float) -> str:
    """Seconds since midnight -> ``HH:MM``.

    Parameters
    ----------
    t : float
        A clock time, seconds since midnight.
    """
    return f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}"


def csv_number(x: float | None) -> str:
    """A number as the back-test CSV files write it: 6 significant digits, empty when
    missing.

    Parameters
    ----------
    x : float or None
        The number.
    """
    return "" if x is None or np.isnan(x) else f"{x:.6g}"


def csv_table(header: list[str] | tuple[str, ...], rows: list[list]) -> str:
    """CSV text of a header and rows (``\n`` line ends).

    Parameters
    ----------
    header : sequence of str
        The column names.
    rows : list of list
        The rows, cells already formatted.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def csv_text(bt: Backtest) -> str:
    """backtest.csv: one row per (figure, interval) (``scope = interval``), per figure over
    the whole day (``scope = day``) and per figure over all intervals (``scope =
    summary``: ``abs_error`` is the MAE, ``coverage`` the share of observed cells in the
    band); columns ``CSV_COLUMNS``.

    Parameters
    ----------
    bt : Backtest
        The back-test (:func:`compare` or :func:`compare_figures`).
    """
    rows: list[list] = []
    g = csv_number

    for f in bt.figures:
        mean, lo, hi = _band(bt.sim[f])
        obs_mean = _band(bt.obs[f])[0]
        for i, t in enumerate(bt.interval_start_s):
            inside, ok = _inside(bt.obs[f][:, i], lo[i], hi[i])
            cov = inside.sum() / ok.sum() if ok.sum() else float("nan")
            d = mean[i] - obs_mean[i]
            rows.append(
                [
                    "interval",
                    f,
                    hhmm(t),
                    g(obs_mean[i]),
                    g(mean[i]),
                    g(lo[i]),
                    g(hi[i]),
                    g(abs(d)),
                    g(d / obs_mean[i]) if obs_mean[i] else "",
                    g(cov),
                    int(ok.sum()),
                    "",
                ]
            )
    for r in bt.summary.itertuples():
        d = r.day_sim_mean - r.day_observed
        rows.append(
            [
                "day",
                r.figure,
                "",
                g(r.day_observed),
                g(r.day_sim_mean),
                g(r.day_sim_lo),
                g(r.day_sim_hi),
                g(abs(d)),
                g(d / r.day_observed) if r.day_observed else "",
                g(r.day_coverage),
                r.day_n_observed,
                str(bool(r.day_fits)).lower(),
            ]
        )
    for r in bt.summary.itertuples():
        rows.append(
            [
                "summary",
                r.figure,
                "",
                "",
                "",
                "",
                "",
                g(r.mae),
                g(r.rel_bias),
                g(r.coverage),
                r.n_observed,
                str(bool(r.fits)).lower(),
            ]
        )
    return csv_table(CSV_COLUMNS, rows)


def misfits(bt: Backtest) -> list[str]:
    """One plain sentence per figure the model does not reproduce, with the sign and size
    of the bias: per interval (coverage of the observed (day, interval) cells below
    ``FIT_COVERAGE``) and per day (coverage of the observed days by the band of single
    simulated days below ``FIT_COVERAGE``; with 10 observed days from a model that made
    them, 6 or fewer inside a 90% band has probability about 1%).

    Parameters
    ----------
    bt : Backtest
        The back-test.
    """
    from .figures import LABELS

    out = []
    for r in bt.summary.itertuples():
        if not r.fits:
            side = "above" if r.bias > 0 else "below"
            out.append(
                f"{LABELS[r.figure]}: only {r.coverage:.0%} of the observed intervals lie in "
                f"the model's 90% band; the model is {side} the data by "
                f"{abs(r.rel_bias):.0%} on average (mean absolute error {r.mae:.3g} per "
                f"interval; over the whole day observed {r.day_observed:.3g}, simulated "
                f"{r.day_sim_mean:.3g})."
            )
        if not r.day_fits:
            d = r.day_sim_mean - r.day_observed
            weekday = getattr(bt, "by_weekday", False)
            side = "above" if d > 0 else "below"
            rel = f" by {abs(d / r.day_observed):.0%}" if r.day_observed else ""
            out.append(
                f"{LABELS[r.figure]} per day: only {r.day_coverage:.0%} of the "
                f"{r.day_n_observed} observed days lie in the model's 90% band of single "
                + ("days of their weekday (all days: " if weekday else "days (")
                + f"{r.day_sim_lo:.3g} to {r.day_sim_hi:.3g}); the model's mean day is "
                f"{side} the data{rel} (observed {r.day_observed:.3g}, simulated "
                f"{r.day_sim_mean:.3g})."
            )
        if r.figure == "occupancy" and not (r.fits and r.day_fits):
            out.append(occupancy_cause(bt))
    return out


#: Busy agent-hours within this share of the data's count as the same work.
WORK_AGREES = 0.10


def _hours(day: dict[str, np.ndarray]) -> tuple[float, float]:
    """Mean busy agent-hours a day (answered x AHT) and agent-hours seen (busy over the
    day's occupancy) of one side's per-day figures."""
    busy = np.asarray(day["answered"], float) * np.asarray(day["aht_s"], float) / 3600.0
    occ = np.asarray(day["occupancy"], float)
    ok = ~np.isnan(busy) & (occ > 0)
    return _nanmean(busy[ok]), _nanmean(busy[ok] / occ[ok])


def occupancy_cause(bt: Backtest) -> str:
    """Why the occupancy row may not fit although the work does: its denominator.

    Call records show an agent only in the intervals it took a call in, and count it
    for the whole interval; so ``busy / agents seen`` measures how the agents' time on
    the phones is cut up as much as how busy they are.  The sentence compares both
    sides' busy agent-hours a day (answered x AHT: the work) with their agent-hours seen
    (busy over occupancy).

    Parameters
    ----------
    bt : Backtest
        The back-test (its per-day answered calls, AHT and occupancy).
    """
    busy_o, seen_o = _hours(bt.obs_day)
    busy_s, seen_s = _hours(bt.sim_day)
    agree = abs(busy_s / busy_o - 1.0) <= WORK_AGREES if busy_o > 0 else False
    work = "the work agrees" if agree else "the work differs too"
    return (
        f"Cause (occupancy): {work} (busy agent-hours a day: data {busy_o:.1f}, "
        f"model {busy_s:.1f}); the agent-hours seen: data {seen_o:.1f}, model "
        f"{seen_s:.1f}.  An agent is seen in each interval it took a call in, for the "
        "whole interval; the data's agents come and go within intervals (breaks, other "
        "work, routing), the model's on the phones work contiguous stretches, so this "
        "row compares how the time on the phones is cut up, not how busy the agents are."
    )
