"""The volume pilot: ``customers.n`` (and ``handling.mean_s``) of a calibrated centre.

The model's calls come from customers x issues_per_year plus repeats and web
escalations, so ``customers.n`` is chosen by pilot simulations of the calibrated centre:
start from calls/day x 250 / issues_per_year, run a warm-up and ``pilot_days`` days at
``PILOT_SEEDS`` seeds, and iterate (proportional, secant, then Illinois false-position
steps) until the simulated offered calls per day, and the AHT, are within 2% of the
data (docs/calibrate.md, "Volume pilot").
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from ..config import load_config
from ..model.calendar import Calendar
from ..pool import WorkerPool
from ..run import run_simulation
from .centre import override_strings

#: Volume pilot: stop when the simulated calls per day are within this share of the
#: observed, or after ``PILOT_ITERATIONS`` pilot runs.
PILOT_TOLERANCE = 0.02
PILOT_ITERATIONS = 8
#: The pilots whose calls per day are within this share of the data's pool their timer
#: per second of handling (the agents rush under a load far from the data's, so a pilot
#: at twice the calls has a lower factor); none within it: the last pilot's.
AHT_POOL_LOAD = 0.10
#: Pilots that also step the weekday factors (the fixed point is nearly linear: two
#: steps reach it within the pilots' noise); later pilots keep them, so that the volume
#: and AHT steps compare runs that differ in nothing else.
WEEKDAY_STEPS = 2
#: Seeds each pilot runs (``seed``, ``seed + PILOT_SEED_STEP``, ...), side by side in the
#: ``jobs`` processes: a small centre's 40-day volume and AHT move by 2-4% between seeds
#: (its few agents' levers wander), more than the 2% tolerance; their mean halves the
#: variance.
PILOT_SEEDS = 2
PILOT_SEED_STEP = 1_000_003


def _pilot_days(overrides: list[str], warmup: int):
    """One pilot run's daily table after the warm-up: ``day``, ``calls_offered``,
    ``front_handle_s``, ``front_legs`` (a module-level function: pool workers run it)."""
    daily = run_simulation(load_config("baseline", overrides=overrides), progress=False).daily
    return daily.iloc[warmup:][["day", "calls_offered", "front_handle_s", "front_legs"]]


def pilot_volume(
    flat: dict,
    calls_per_day: float,
    days: int,
    warmup: int = 10,
    seed: int = 0,
    tick=None,
    tolerance: float = PILOT_TOLERANCE,
    iterations: int = PILOT_ITERATIONS,
    aht_s: float | None = None,
    jobs: int = 1,
) -> dict:
    """``customers.n`` whose simulated offered calls per day match the data (and, given
    the observed ``aht_s``, ``handling.mean_s`` whose simulated AHT matches it).

    Handle time: the model's timer adds courtesy, each agent's speed and thoroughness
    and the transfer legs to the handling "as required" (``handling.mean_s``), so the
    data's mean talk time is the *simulated AHT* to match, not the input.  The timer is
    close to proportional to ``handling.mean_s``, with a factor (courtesy, speed, the
    levers the agents learn) that one pilot measures with noise (a pilot's AHT moves by
    a few percent between seeds) and that falls when the agents rush under a load far
    from the data's; so each pilot sets ``handling.mean_s`` to the observed AHT over the
    factor pooled over the pilots so far within ``AHT_POOL_LOAD`` of the data's calls per
    day (their simulated AHT over their ``handling.mean_s``, summed; none: the last
    pilot's).  The pilots run
    without the day busyness factors (``demand.daily_volume_cv=0`` and
    ``handling.daily_cv=0``: their mean is 1, and one draw of them over the pilot's days
    would bias ``customers.n`` or ``handling.mean_s`` by its average).

    The offered calls are a fixed point: first contacts (customers x issues_per_year /
    250) plus repeats and escalations, and the repeats grow with abandonment, which
    grows with the load on the fixed staff; so calls per day rise faster than
    ``customers.n`` when the staff is short.  Each pilot runs ``warmup + days`` days (the
    same seed: common random numbers) and measures the mean over the days after the
    warm-up (the plan adjusts staffing and the repeats build up).  The first step scales
    ``customers.n`` by observed/simulated; later steps are secant steps through the last
    two pilots (a proportional step when the secant is not increasing) until one pilot
    lies below the data and one above; from then on false position inside that bracket
    (calls per day rise with ``customers.n``, so the bracket always holds the answer and
    shrinks); stop within ``tolerance`` or after ``iterations`` pilots.  The returned
    ``customers_n`` is always one that was simulated: the closest to the data.

    Weekday factors (``demand.weekday_factors`` in ``flat``: the data's weekday volumes):
    the model's factors scale each weekday's new issues and the share of due repeats
    made that day, the rest waiting for the next open day, so the offered calls follow
    them only roughly (a quiet Saturday's repeats swell the Sunday).  The first
    ``WEEKDAY_STEPS`` pilots also take one fixed-point step each (:func:`weekday_step`)
    from the factors they ran towards the ones whose simulated weekday volumes match the
    data's; the later pilots keep the factors; they are returned (``weekday_factors``).

    Parameters
    ----------
    flat : dict
        The centre's config overrides so far, dotted key to value.
    calls_per_day : float
        Observed offered calls per working day, the target.
    days : int
        Working days each pilot measures (after the warm-up).
    warmup : int
        Working days each pilot runs first and ignores.
    seed : int
        Seed of the first of each pilot's ``PILOT_SEEDS`` runs.
    tick : callable, optional
        Called once after each pilot (progress).
    tolerance : float
        Relative error of calls per day (and of AHT) accepted, a share (0.02 = 2%).
    iterations : int
        Most pilot runs.
    aht_s : float, optional
        Observed mean handle time, seconds; None leaves ``handling.mean_s`` as it is.
    jobs : int
        Processes the pilot's seeds run in (1: in this process).

    Returns
    -------
    dict
        ``customers_n``, ``handling_mean_s``, the simulated and observed calls per day and
        AHT, the relative ``error``, ``converged``, every pilot (``iterations``) and the
        fitted ``weekday_factors`` (None when the data gave none).
    """
    base = load_config("baseline", overrides=override_strings(flat))
    n = max(1, round(calls_per_day * 250.0 / base.customers.issues_per_year))
    mean_s = float(base.handling.mean_s)
    observed = flat.get("demand.weekday_factors")
    factors = None if observed is None else [float(x) for x in observed]
    trail: list[dict] = []
    seeds = [seed + PILOT_SEED_STEP * k for k in range(PILOT_SEEDS)]
    with WorkerPool(jobs, len(seeds)) as pool:
        for _ in range(iterations):
            extra = [f"customers.n={n}", f"days={warmup + days}", "progress=false"]
            extra.append("demand.daily_volume_cv=0")  # the mean volume, not one draw of busyness
            extra.append("handling.daily_cv=0")  # the mean handle time, not one draw of its days
            if aht_s is not None:
                extra.append(f"handling.mean_s={mean_s!r}")
            if factors is not None:
                extra.append(f"demand.weekday_factors={[round(float(f), 6) for f in factors]}")
            runs = [[*override_strings(flat), *extra, f"seed={x}"] for x in seeds]
            cfg = load_config("baseline", overrides=runs[0])
            daily = pd.concat(pool.map(partial(_pilot_days, warmup=warmup), runs))
            sim = week_mean(cfg, daily)
            if factors is not None and len(trail) < WEEKDAY_STEPS:
                assert observed is not None
                factors = weekday_step(cfg, daily, [float(x) for x in observed], factors)
            sim_aht = float(daily["front_handle_s"].sum() / max(daily["front_legs"].sum(), 1))
            trail.append(
                {
                    "customers_n": n,
                    "simulated_calls_per_day": sim,
                    "error": sim / calls_per_day - 1.0,
                    "handling_mean_s": mean_s,
                    "simulated_aht_s": sim_aht,
                    "aht_error": (sim_aht / aht_s - 1.0) if aht_s else 0.0,
                }
            )
            if tick:
                tick()
            if aht_s is not None:  # the timer per second of handling, pooled over the pilots
                near = [t for t in trail if abs(t["error"]) <= AHT_POOL_LOAD] or trail[-1:]
                ratio = sum(t["simulated_aht_s"] for t in near) / sum(
                    t["handling_mean_s"] for t in near
                )
                mean_s = aht_s / max(ratio, 1e-9)
            if abs(trail[-1]["error"]) <= tolerance and abs(trail[-1]["aht_error"]) <= tolerance:
                break
            prop = n * calls_per_day / max(sim, 1e-9)
            below = [t for t in trail if t["error"] < 0]
            above = [t for t in trail if t["error"] > 0]
            if below and above:  # bracketed: false position between the closest pilots
                lo = max(below, key=lambda t: t["customers_n"])
                hi = min(above, key=lambda t: t["customers_n"])
                f_lo = lo["simulated_calls_per_day"] - calls_per_day
                f_hi = hi["simulated_calls_per_day"] - calls_per_day
                # Illinois step: while the pilots keep falling on one side, the far end's
                # residual is halved per repeat, so false position does not stall at one end
                # (the calls per day are convex in customers.n: repeats grow with the load)
                side = [t["error"] > 0 for t in trail]
                repeats = next(
                    (i for i, x in enumerate(reversed(side)) if x != side[-1]), len(side)
                )
                if side[-1]:
                    f_lo *= 0.5 ** (repeats - 1)
                else:
                    f_hi *= 0.5 ** (repeats - 1)
                prop = lo["customers_n"] + (hi["customers_n"] - lo["customers_n"]) * (
                    -f_lo / (f_hi - f_lo)
                )
                # keep strictly inside the bracket (and off its ends)
                width = hi["customers_n"] - lo["customers_n"]
                prop = min(
                    max(prop, lo["customers_n"] + 0.1 * width), hi["customers_n"] - 0.1 * width
                )
            elif len(trail) >= 2:
                (n0, s0), (n1, s1) = (
                    (t["customers_n"], t["simulated_calls_per_day"]) for t in trail[-2:]
                )
                slope = (s1 - s0) / (n1 - n0) if n1 != n0 else 0.0
                step = n1 + (calls_per_day - s1) / slope if slope > 0 else prop
                # a secant step beyond twice or half the proportional one is not trusted
                prop = min(max(step, prop / 2), prop * 2)
            n = max(1, round(prop))
            if any(t["customers_n"] == n and t["handling_mean_s"] == mean_s for t in trail):
                break
    best = min(trail, key=lambda t: abs(t["error"]) + abs(t["aht_error"]))
    return {
        "weekday_factors": None if factors is None else [round(f, 4) for f in factors],
        "customers_n": best["customers_n"],
        "handling_mean_s": best["handling_mean_s"],
        "simulated_aht_s": best["simulated_aht_s"],
        "observed_aht_s": aht_s,
        "simulated_calls_per_day": best["simulated_calls_per_day"],
        "observed_calls_per_day": calls_per_day,
        "error": best["error"],
        "converged": abs(best["error"]) <= tolerance and abs(best["aht_error"]) <= tolerance,
        "tolerance": tolerance,
        "pilot_days": days,
        "warmup_days": warmup,
        "iterations": trail,
    }


def week_mean(cfg, daily) -> float:
    """Mean calls offered per open day of a whole week: the mean over the open weekdays
    of each weekday's mean in ``daily``.  The data's mean day covers whole weeks (its
    weekday factors are on that scale); a pilot's days need not (40 open days of a
    seven-day week hold five of some weekdays and six of others), and a plain mean would
    weigh the bank's short Fridays and Saturdays by the pilot's mix, not the week's.

    Parameters
    ----------
    cfg : Config
        The pilot's config (its calendar gives each day's weekday).
    daily : pandas.DataFrame
        The pilot's daily table after the warm-up (``day``, ``calls_offered``).
    """
    wd, calls = _weekday_calls(cfg, daily)
    return float(np.mean([calls[wd == w].mean() for w in np.unique(wd)]))


def _weekday_calls(cfg, daily) -> tuple[np.ndarray, np.ndarray]:
    """Each pilot day's weekday (by the pilot's calendar) and calls offered."""
    days = daily["day"].to_numpy(int)
    wd = np.asarray(Calendar(cfg, int(days.max()) + 1).weekday(days))
    return wd, daily["calls_offered"].to_numpy(float)


def weekday_step(cfg, daily, observed: list[float], factors: list[float]) -> list[float]:
    """One fixed-point step of the weekday factors: each factor times the data's weekday
    volume over the pilot's (each weekday's mean calls offered over the mean day; the
    observed factors are on that scale), renormalised to mean 1 over the weekdays the
    pilot shows.

    Parameters
    ----------
    cfg : Config
        The pilot's config (its calendar gives each day's weekday).
    daily : pandas.DataFrame
        The pilot's daily table after the warm-up (``day``, ``calls_offered``).
    observed : list of float
        The data's weekday factors (one per weekday of the week, Monday first).
    factors : list of float
        The factors the pilot ran.
    """
    wd, calls = _weekday_calls(cfg, daily)
    mean = week_mean(cfg, daily)
    new = list(factors)
    for w in range(len(factors)):
        sim = calls[wd == w]
        if sim.size and sim.mean() > 0 and mean > 0:
            new[w] = factors[w] * observed[w] / (sim.mean() / mean)
    shown = [w for w in range(len(factors)) if (wd == w).any()]
    scale = float(np.mean([new[w] for w in shown])) if shown else 1.0
    return [float(f / scale) for f in new]


def volume_warning(vol: dict | None) -> str:
    """One sentence when the volume pilot did not converge (:func:`pilot_volume`), else "".

    Said on screen by ``kpisim calibrate`` (stderr), written as the centre file's
    ``centre.notes`` (so the compare page's centre note shows it) and on the back-test
    page.

    Parameters
    ----------
    vol : dict or None
        The pilot's result (``estimates.json``'s ``volume``); None when no pilot ran.
    """
    if not vol or vol.get("converged", True):
        return ""
    best = min(vol["iterations"], key=lambda t: abs(t["error"]) + abs(t["aht_error"]))
    aht = (
        f" and AHT {best['simulated_aht_s']:.0f} s against {vol['observed_aht_s']:.0f} s "
        f"({best['aht_error']:+.1%})"
        if vol.get("observed_aht_s")
        else ""
    )
    return (
        f"The volume pilot did not converge: after {len(vol['iterations'])} pilots the "
        f"closest (customers.n={vol['customers_n']}, handling.mean_s="
        f"{vol['handling_mean_s']:.1f}) simulates {vol['simulated_calls_per_day']:.0f} "
        f"calls a day against {vol['observed_calls_per_day']:.0f} observed "
        f"({vol['error']:+.1%}){aht}, outside the {vol['tolerance']:.0%} tolerance; "
        f"the centre's volume and handle time are uncertain by that much (a longer "
        f"pilot_days= reduces the pilots' noise)."
    )
