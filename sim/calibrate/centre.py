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

import yaml

from ..config import load_config
from ..run import run_simulation

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


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
    wd = arr.get("weekday")
    if wd:
        out["demand.weekday_factors"] = [
            round(wd[d]["factor"], 4) if d in wd else 1.0 for d in WEEKDAYS
        ]
    if h.get("identified"):
        out["handling.mean_s"] = round(h["mean_s"], 2)
        if h.get("family_identified", True):  # interval means: the config's family and CV
            out["handling.dist"] = h["model_family"]
            out["handling.cv"] = round(h["cv"], 4)
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


def override_strings(flat: dict[str, object]) -> list[str]:
    """{dotted key: value} -> Hydra override strings ``key=value`` (values as YAML).

    Parameters
    ----------
    flat : dict
        Dotted config key to value.
    """
    return [
        f"{k}={yaml.safe_dump(v, default_flow_style=True).strip().removesuffix('...').strip()}"
        for k, v in flat.items()
    ]


#: Volume pilot: stop when the simulated calls per day are within this share of the
#: observed, or after ``PILOT_ITERATIONS`` pilot runs.
PILOT_TOLERANCE = 0.02
PILOT_ITERATIONS = 6


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
    data's mean talk time is the *simulated AHT* to match, not the input: each pilot
    scales ``handling.mean_s`` by observed / simulated front-line AHT (the timer is close
    to proportional to it, so this converges within a few pilots).

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
        AHT, the relative ``error``, ``converged``, and every pilot (``iterations``).
    """
    base = load_config("baseline", overrides=override_strings(flat))
    n = max(1, round(calls_per_day * 250.0 / base.customers.issues_per_year))
    mean_s = float(base.handling.mean_s)
    trail: list[dict] = []
    for _ in range(iterations):
        extra = [f"customers.n={n}", f"days={warmup + days}", f"seed={seed}", "progress=false"]
        if aht_s is not None:
            extra.append(f"handling.mean_s={mean_s!r}")
        cfg = load_config("baseline", overrides=[*override_strings(flat), *extra])
        daily = run_simulation(cfg, progress=False).daily.iloc[warmup:]
        sim = float(daily["calls_offered"].mean())
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
        if aht_s is not None:
            mean_s *= aht_s / max(sim_aht, 1e-9)
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
