"""From estimates to a centre: the config overrides, the profile CSV, the volume pilot.

The centre file (``configs/centre/<name>.yaml``, a Hydra group, ``# @package _global_``)
sets the keys the data identifies.  Volume: the model's calls come from customers x
issues_per_year plus repeats and web escalations, so ``customers.n`` is chosen by
pilot simulations of the calibrated centre: start from calls/day x 250 /
issues_per_year, run ``pilot_days`` days, scale ``customers.n`` by observed/simulated
offered calls per day, twice (docs/calibrate.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml

from ..config import load_config
from ..run import run_simulation

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def profile_csv(arr: dict) -> str:
    """The arrival profile in the model's profile-file format (interval_start, volume)."""
    rows = ["interval_start,volume"]
    for t, v in zip(arr["interval_start_s"], arr["mean"], strict=True):
        rows.append(f"{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d},{v:.6g}")
    return "\n".join(rows) + "\n"


def overrides(est: dict, open_s: float, profile_path: str) -> dict[str, object]:
    """Flat config keys -> values identified by the estimates (volume aside)."""
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
        out["handling.dist"] = h["model_family"]
        out["handling.mean_s"] = round(h["mean_s"], 2)
        out["handling.cv"] = round(h["cv"], 4)
    if p.get("identified"):
        out["customers.patience_mean_s"] = round(p["mean_s"], 2)
    if s.get("identified"):
        out["employees.n"] = s["headcount"]
    return out


def headcount(staff: dict, full_time_hours: float, shrinkage: float) -> int:
    """Front-line headcount whose on-phone hours cover the observed agent-hours a day:
    ceil(agent-hours per day / (full_time_hours x (1 - shrinkage)))."""
    return max(1, math.ceil(staff["agent_hours_per_day"] / (full_time_hours * (1 - shrinkage))))


def _override_strings(flat: dict[str, object]) -> list[str]:
    return [
        f"{k}={yaml.safe_dump(v, default_flow_style=True).strip().removesuffix('...').strip()}"
        for k, v in flat.items()
    ]


def pilot_volume(
    flat: dict, calls_per_day: float, days: int, iterations: int = 2, seed: int = 0, tick=None
) -> dict:
    """customers.n so that the pilot's mean offered calls per day match the data."""
    base = load_config("baseline", overrides=_override_strings(flat))
    n = max(1, round(calls_per_day * 250.0 / base.customers.issues_per_year))
    trail = []
    for _ in range(iterations):
        extra = [f"customers.n={n}", f"days={days}", f"seed={seed}", "progress=false"]
        cfg = load_config("baseline", overrides=[*_override_strings(flat), *extra])
        sim = float(np.mean(run_simulation(cfg, progress=False).daily["calls_offered"]))
        trail.append({"customers_n": n, "simulated_calls_per_day": sim})
        n = max(1, round(n * calls_per_day / max(sim, 1e-9)))
        if tick:
            tick()
    return {
        "customers_n": n,
        "pilot_days": days,
        "iterations": trail,
        "observed_calls_per_day": calls_per_day,
    }


def centre_yaml(name: str, source: str, flat: dict, header: str) -> str:
    """The centre file: ``# @package _global_`` and nested keys."""
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
    """``path`` relative to the repository root when inside it, else as given."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
