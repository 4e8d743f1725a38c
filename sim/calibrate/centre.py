"""From estimates to a centre: the config overrides, the profile CSV, the centre file.

The centre file (``configs/centre/<name>.yaml``, a Hydra group, ``# @package _global_``)
sets the keys the data identifies; ``customers.n`` and ``handling.mean_s`` come from
the volume pilot (:mod:`.pilot`; docs/calibrate.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

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
        day_cv = hcv["value"] if hcv.get("identified") and hcv.get("significant") else 0.0
        if day_cv > 0.0:  # the day's mean handle time, beyond the sampling of its calls
            out["handling.daily_cv"] = round(min(day_cv, 1.0), 4)
        prof = h.get("profile", {})
        if prof.get("identified"):  # the handle time's shape over the day
            out["handling.interval_factors"] = [round(x, 4) for x in prof["factors"]]
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
