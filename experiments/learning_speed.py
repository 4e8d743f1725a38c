"""Speed and size of the response to a new incentive, and its fading after removal.

Runs ``aht_pay`` (AHT bonus from day 0) and reports, per pay period, the staff's mean
gaming intensity (gaming levers + rushing, ``sim.outputs.rollout.gaming_intensity``):
the *size* of the response (its mean over the last three periods) and its *speed*
(pay periods until half of that size is reached, linear between periods), for a grid of
``behavior.learning_step`` x ``behavior.choice_noise``.  Also the baseline's gaming rate
(flat pay must keep gaming near zero with every lever explored) and the FCR gap of
``fcr_self_coded`` after a year.  The calibration target is in docs/calibration.md
("Bounded rationality").

    python experiments/learning_speed.py            # ~5 minutes on 2 cores
    python experiments/learning_speed.py --steps 0.1 --noises 0.004 --seeds 4
    python experiments/learning_speed.py --quick    # the defaults, one seed
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim import load_config, run_simulation  # noqa: E402
from sim.outputs.rollout import gaming_intensity  # noqa: E402

SIZE = ("customers.n=100000", "employees.n=40", "days=250")


def _one(args: tuple[str, float, float, int]) -> dict:
    scenario, step, noise, seed = args
    over = [
        *SIZE,
        f"behavior.learning_step={step}",
        f"behavior.choice_noise={noise}",
        f"seed={seed}",
    ]
    res = run_simulation(load_config(scenario, over))
    emp = res.employees
    g = emp.assign(g=gaming_intensity(emp)).groupby("period")["g"].mean().to_numpy()
    s = res.summary
    return {
        "scenario": scenario,
        "step": step,
        "noise": noise,
        "seed": seed,
        "g": g,
        "gaming_rate": s["gaming_rate"],
        "fcr_gap": s["fcr_gap"],
    }


def periods_to_half(g: np.ndarray) -> float:
    """Pay periods (from the start, the first period played at the intrinsic policy)
    until the gaming intensity first reaches half its level of the last three periods."""
    size = float(g[-3:].mean())
    for k in range(1, g.shape[0]):
        if g[k] >= 0.5 * size:
            return k - 1 + (0.5 * size - g[k - 1]) / max(g[k] - g[k - 1], 1e-12)
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--steps", type=float, nargs="+", default=[0.05, 0.1])
    p.add_argument("--noises", type=float, nargs="+", default=[0.002, 0.004, 0.008])
    a = p.parse_args(argv)
    steps, noises = ((0.1,), (0.004,)) if a.quick else (tuple(a.steps), tuple(a.noises))
    seeds = range(1 if a.quick else a.seeds)
    jobs = [
        (sc, s, n, seed)
        for s in steps
        for n in noises
        for seed in seeds
        for sc in ("aht_pay", "baseline", "fcr_self_coded")
    ]
    with ProcessPoolExecutor(a.jobs) as pool:
        out = list(pool.map(_one, jobs))
    print("step  noise  size  periods_to_half  baseline_gaming_rate  fcr_self_coded_gap")
    for s in steps:
        for n in noises:
            cell = [r for r in out if r["step"] == s and r["noise"] == n]
            aht = [r["g"] for r in cell if r["scenario"] == "aht_pay"]
            size = np.mean([g[-3:].mean() for g in aht])
            half = np.mean([periods_to_half(g) for g in aht])
            base = np.mean([r["gaming_rate"] for r in cell if r["scenario"] == "baseline"])
            gap = np.mean([r["fcr_gap"] for r in cell if r["scenario"] == "fcr_self_coded"])
            print(f"{s:4.2f} {n:6.3f} {size:5.3f} {half:8.2f} {base:14.4f} {gap:14.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
