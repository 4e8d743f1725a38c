"""From estimates to a centre: the config overrides, the profile CSV, the volume pilot.

The centre file (``configs/centre/<name>.yaml``, a Hydra group, ``# @package _global_``)
sets the keys the data identifies.  Volume: the model's calls come from customers x
issues_per_year plus repeats and web escalations, so ``customers.n`` is chosen by
pilot simulations of the calibrated centre: start from calls/day x 250 /
issues_per_year, run a warm-up and ``pilot_days`` days, and iterate (proportional, then
secant steps) until the simulated offered calls per day are within 2% of the data
(docs/calibrate.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml

from ..config import load_config
from ..model.calendar import Calendar
from ..run import run_simulation

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
#: The seven weekdays, Monday first (a seven-day centre's keys).
WEEK = (*WEEKDAYS, "sat", "sun")


def calendar_keys(arr: dict) -> dict[str, object]:
    """The calendar keys the arrivals identify: the weekday factors (five, or seven when
    the data has a Saturday or Sunday: ``calendar.days_per_week=7``), and with call
    records the day grid's start (``calendar.day_start_h``, when not the default clock)
    and each weekday's opening hours (``calendar.open_hours``, snapped to the intervals;
    null for a weekday the data never shows; written when some weekday is not open the
    whole grid).

    Parameters
    ----------
    arr : dict
        The arrivals estimate (``weekday``, ``interval_start_s`` and, from call records,
        ``opening_hours``: :func:`.estimate.arrivals`).
    """
    wd = arr.get("weekday")
    out: dict[str, object] = {}
    if not wd:
        return out
    week = WEEK if any(d in wd for d in WEEK[5:]) else WEEKDAYS
    if len(week) == 7:
        out["calendar.days_per_week"] = 7
    out["demand.weekday_factors"] = [round(wd[d]["factor"], 4) if d in wd else 1.0 for d in week]
    hours = arr.get("opening_hours")
    if not hours:
        return out
    start = arr["interval_start_s"][0] / 3600.0
    end = start + len(arr["interval_start_s"]) * arr["interval_minutes"] / 60.0
    if start != (8.0 if end - start <= 16.0 else 0.0):  # not the export's default clock
        out["calendar.day_start_h"] = round(start, 4)
    windows = [[hours[d]["open_h"], hours[d]["close_h"]] if d in hours else None for d in week]
    if any(w is None or abs(w[0] - start) > 1e-9 or abs(w[1] - end) > 1e-9 for w in windows):
        out["calendar.open_hours"] = windows  # some weekday is not open the whole grid
    return out


def profile_csv(arr: dict) -> str:
    """The arrival profile in the model's profile-file format (interval_start, volume).

    Parameters
    ----------
    arr : dict
        The arrivals estimate (``interval_start_s``, seconds since midnight, and ``mean``
        calls per interval).
    """
    rows = ["interval_start,volume"]
    for t, v in zip(arr["interval_start_s"], arr["mean"], strict=True):
        rows.append(f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d},{v:.6g}")
    return "\n".join(rows) + "\n"


def overrides(est: dict, open_s: float, profile_path: str) -> dict[str, object]:
    """Flat config keys -> values identified by the estimates (volume aside).

    Parameters
    ----------
    est : dict
        The estimates: ``arrivals``, ``handling``, ``patience``, ``staffing`` (each a dict of
        :mod:`.estimate` or :mod:`.estimate_intervals`); only identified ones are used.
    open_s : float
        Opening hours of a day, seconds.
    profile_path : str
        The profile CSV as the centre file names it.
    """
    arr, h, p, s = est["arrivals"], est["handling"], est["patience"], est["staffing"]
    out: dict[str, object] = {
        "demand.intraday_profile": "file",
        "demand.profile_file": profile_path,
        "demand.interval_minutes": arr["interval_minutes"],
        "channels.open_s": float(open_s),
    }
    out.update(calendar_keys(arr))
    icv = arr.get("interval_cv", {})
    if icv.get("identified") and icv["value"] > 0.0:  # calls per interval beyond Poisson
        out["demand.interval_volume_cv"] = round(icv["value"], 4)
    dcv = arr.get("daily_cv", {})
    if dcv.get("identified"):  # a weekday's calls per day, beyond Poisson
        out["demand.daily_volume_cv"] = round(min(dcv["value"], 1.0), 4)
    if h.get("identified"):
        out["handling.mean_s"] = round(h["mean_s"], 2)
        hcv = h.get("daily_cv", {})
        day_cv = hcv["value"] if hcv.get("identified") else 0.0
        if day_cv > 0.0:  # the day's mean handle time, beyond the sampling of its calls
            out["handling.daily_cv"] = round(min(day_cv, 1.0), 4)
        if h.get("family_identified", True):  # interval means: the config's family and CV
            out["handling.dist"] = h["model_family"]
            # the calls' own spread within a day: 1 + CV^2 multiplies over independent
            # factors, so the day factor's share comes off the sample's CV
            within = math.sqrt(max((1.0 + h["cv"] ** 2) / (1.0 + min(day_cv, 1.0) ** 2) - 1.0, 0.0))
            out["handling.cv"] = round(max(within, 0.01), 4)
        for key in ("hold_share", "acw_share"):  # the handle time's parts, when exported
            if key in h:
                out[f"handling.{key}"] = round(min(h[key], 0.45), 4)
    if p.get("identified"):
        out["customers.patience_mean_s"] = round(p["mean_s"], 2)
    if s.get("identified"):
        out["employees.n"] = s["headcount"]
    return out


def headcount(staff: dict, full_time_hours: float, shrinkage: float) -> int:
    """Front-line headcount whose on-phone hours cover the observed agent-hours a day:
    ceil(agent-hours per day / (full_time_hours x (1 - shrinkage))).

    Parameters
    ----------
    staff : dict
        The staffing estimate (``agent_hours_per_day``, hours).
    full_time_hours : float
        Paid hours of a full-time day.
    shrinkage : float
        Share of paid time not on the phones, in [0, 1).
    """
    return max(1, math.ceil(staff["agent_hours_per_day"] / (full_time_hours * (1 - shrinkage))))


def _flow(v: object) -> str:
    """A value as one line of YAML flow style (never wrapped: one override each)."""
    text = yaml.safe_dump(v, default_flow_style=True, width=1_000_000)
    return text.strip().removesuffix("...").strip()


#: Config keys whose value is a mapping: an entry (``key.entry``) is set with Hydra's
#: ``++`` (add or override), since the schema's default mapping is empty.
MAPPING_KEYS = ("workforce.observed_on_phones.",)
#: Mappings keyed by ISO date: Hydra's override grammar takes no date as a key path
#: (``key.1999-02-01``), so the whole mapping is one override, ``++key={date: row, ..}``.
DATE_KEYS = ("workforce.observed_on_phones_by_date",)


def _dated(flat: dict[str, object]) -> tuple[dict[str, object], dict[str, dict]]:
    """``flat`` without the :data:`DATE_KEYS` mappings (whole or flattened to
    ``key.date`` entries, as :func:`~.simulate.read_centre` gives them), and those."""
    rest: dict[str, object] = {}
    dated: dict[str, dict] = {}
    for k, v in flat.items():
        base = next((d for d in DATE_KEYS if k == d or k.startswith(d + ".")), None)
        if base is None:
            rest[k] = v
        elif k == base:
            dated.setdefault(base, {}).update(v if isinstance(v, dict) else {})
        else:
            dated.setdefault(base, {})[k[len(base) + 1 :]] = v
    return rest, dated


def override_strings(flat: dict[str, object]) -> list[str]:
    """{dotted key: value} -> Hydra override strings ``key=value`` (values as YAML).

    Parameters
    ----------
    flat : dict
        Dotted config key to value.
    """
    flat, dated = _dated(flat)
    out = []
    for k, v in flat.items():
        if isinstance(v, dict):  # a mapping: one forced override per entry (``++``)
            out += override_strings({f"{k}.{a}": b for a, b in v.items()})
            continue
        force = "++" if k.startswith(MAPPING_KEYS) and not k.startswith("+") else ""
        out.append(f"{force}{k}={_flow(v)}")
    for k, rows in dated.items():
        if rows:
            out.append(f"++{k}={{{', '.join(f'{d}: {_flow(r)}' for d, r in rows.items())}}}")
    return out


#: Volume pilot: stop when the simulated calls per day are within this share of the
#: observed, or after ``PILOT_ITERATIONS`` pilot runs.
PILOT_TOLERANCE = 0.02
PILOT_ITERATIONS = 6
#: The pilots whose calls per day are within this share of the data's pool their timer
#: per second of handling (the agents rush under a load far from the data's, so a pilot
#: at twice the calls has a lower factor); none within it: the last pilot's.
AHT_POOL_LOAD = 0.10
#: Pilots that also step the weekday factors (the fixed point is nearly linear: two
#: steps reach it within the pilots' noise); later pilots keep them, so that the volume
#: and AHT steps compare runs that differ in nothing else.
WEEKDAY_STEPS = 2


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
        Seed of every pilot run.
    tick : callable, optional
        Called once after each pilot (progress).
    tolerance : float
        Relative error of calls per day (and of AHT) accepted, a share (0.02 = 2%).
    iterations : int
        Most pilot runs.
    aht_s : float, optional
        Observed mean handle time, seconds; None leaves ``handling.mean_s`` as it is.

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
    for _ in range(iterations):
        extra = [f"customers.n={n}", f"days={warmup + days}", f"seed={seed}", "progress=false"]
        extra.append("demand.daily_volume_cv=0")  # the mean volume, not one draw of busyness
        extra.append("handling.daily_cv=0")  # the mean handle time, not one draw of its days
        if aht_s is not None:
            extra.append(f"handling.mean_s={mean_s!r}")
        if factors is not None:
            extra.append(f"demand.weekday_factors={[round(float(f), 6) for f in factors]}")
        cfg = load_config("baseline", overrides=[*override_strings(flat), *extra])
        daily = run_simulation(cfg, progress=False).daily.iloc[warmup:]
        sim = float(daily["calls_offered"].mean())
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
            repeats = next((i for i, x in enumerate(reversed(side)) if x != side[-1]), len(side))
            if side[-1]:
                f_lo *= 0.5 ** (repeats - 1)
            else:
                f_hi *= 0.5 ** (repeats - 1)
            prop = lo["customers_n"] + (hi["customers_n"] - lo["customers_n"]) * (
                -f_lo / (f_hi - f_lo)
            )
            # keep strictly inside the bracket (and off its ends)
            width = hi["customers_n"] - lo["customers_n"]
            prop = min(max(prop, lo["customers_n"] + 0.1 * width), hi["customers_n"] - 0.1 * width)
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
    days = daily["day"].to_numpy(int)
    wd = np.asarray(Calendar(cfg, int(days.max()) + 1).weekday(days))
    calls = daily["calls_offered"].to_numpy(float)
    mean = calls.mean()
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


def centre_yaml(name: str, source: str, flat: dict, header: str) -> str:
    """The centre file: ``# @package _global_`` and nested keys.

    Parameters
    ----------
    name : str
        The centre's name (``centre.name``, the file's stem).
    source : str
        The data it was calibrated from (``centre.source``).
    flat : dict
        Dotted config key to value.
    header : str
        Comment lines written before the keys.
    """
    tree: dict = {"centre": {"name": name, "source": source}}
    for k, v in flat.items():
        node = tree
        *parents, leaf = k.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = v
    body = yaml.safe_dump(tree, sort_keys=False, default_flow_style=None)
    return f"# @package _global_\n{header}{body}"


def relative_to_repo(path: Path, root: Path) -> str:
    """``path`` relative to the repository root when inside it, else its name alone: a
    data file written beside a centre file outside the repository, found relative to
    the centre file's folder (:func:`sim.config.paths.centre_search_dir`).

    Parameters
    ----------
    path : pathlib.Path
        A file.
    root : pathlib.Path
        The repository root.
    """
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return path.name
