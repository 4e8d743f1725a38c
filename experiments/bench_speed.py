"""Speed and memory benchmark of kpisim against its targets, measured in one run.

usage: .venv/bin/python experiments/bench_speed.py [--quick] [--json PATH]
       [--growth customers|agents ...] [--only-growth] [--growth-days N]

Measures, side by side on this machine:

(a) a bare Erlang-A queue (Poisson arrivals, exponential handling and patience, FCFS,
    ``--agents`` agents at ``--load`` offered load per agent) in SimPy: calls per second
    of wall time, random draws included;
(b) the same queue through ``sim.model.queue_kernel.simulate_day`` (the model's numba kernel), draws
    included (and the kernel alone);
(c) the FULL default scenario, ``load_config("baseline")`` (500,000 customers, a
    planned staff starting at 185 front-line agents and 22 specialists, 250 working
    days): contacts per second = ``summary["contacts_total"]`` / wall time of
    ``run_simulation``, after a short warm-up run that loads the numba
    cache (its one-off time is reported separately); the ratio (c) / (a) against the
    target of at least 30;
(d) peak memory (``ru_maxrss`` of a child process) of 5,000,000 customers with 1,000
    employees for ``--memory-days`` working days (default: a working year of 250), against
    the 4 GB target.

(e) with ``--growth customers`` and/or ``--growth agents``: the growth of time and peak
    memory with the size of the centre, one child process per size (its own
    ``ru_maxrss``), ``--growth-days`` working days each (default 20).  ``customers``:
    ``customers.n`` over ``--growth-customers`` (default 0.5 M, 5 M, 20 M), the rest as in
    the baseline (the plan staffs to the demand, so the agents grow with it: the table
    shows the mean headcount); ``agents``: ``employees.n`` over ``--growth-agents``
    (default 100, 1,000, 5,000) with ``customers.n`` scaled at the baseline's customers
    per employee (the same load per agent).  The growth exponent is the least-squares
    slope of log(wall time) (and of log(peak memory)) on log(size): 1 is linear.

``--quick`` is a smoke run: shorter queue streams, 20 days of the baseline instead of
250 (so (c) is then NOT the target figure) and 3 days for the memory run.  Wall-clock
figures depend on what else runs on the machine: quote them with the load average the
script prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(REPO))

#: Targets: the full model at least 30 x the bare SimPy queue; peak memory.
SPEED_RATIO_TARGET = 30.0
MEMORY_TARGET_BYTES = 4 * 1024**3


# --------------------------------------------------------------------------- (a) SimPy
def simpy_erlang_a(
    n_calls: int, agents: int, lam: float, handle_s: float, patience_s: float, seed: int
) -> dict:
    """Bare M/M/n+M queue in SimPy; returns calls/s and the abandonment share."""
    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=agents)
    stats = {"abandoned": 0, "done": 0}

    def call(env: simpy.Environment):
        patience = rng.expovariate(1.0 / patience_s)
        with servers.request() as req:
            got = yield req | env.timeout(patience)
            if req not in got:
                stats["abandoned"] += 1
                return
            yield env.timeout(rng.expovariate(1.0 / handle_s))
        stats["done"] += 1

    def source(env: simpy.Environment):
        for _ in range(n_calls):
            yield env.timeout(rng.expovariate(lam))
            env.process(call(env))

    t0 = time.perf_counter()
    env.process(source(env))
    env.run()
    wall = time.perf_counter() - t0
    return {
        "calls": n_calls,
        "wall_s": wall,
        "calls_per_s": n_calls / wall,
        "abandon_rate": stats["abandoned"] / n_calls,
    }


# --------------------------------------------------------------------------- (b) numba
def kernel_erlang_a(
    n_calls: int, agents: int, lam: float, handle_s: float, patience_s: float, seed: int
) -> dict:
    """The same queue through ``sim.model.queue_kernel.simulate_day`` (compiled once beforehand)."""
    from sim.model.queue_kernel import ABANDONED, simulate_day

    warm = np.random.default_rng(0)
    simulate_day(
        np.cumsum(warm.exponential(1.0, 100)),
        warm.exponential(1.0, 100),
        warm.exponential(1.0, 100),
        np.ones(agents),
    )
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    arrival = np.cumsum(rng.exponential(1.0 / lam, n_calls))
    patience = rng.exponential(patience_s, n_calls)
    work = rng.exponential(handle_s, n_calls)
    t1 = time.perf_counter()
    res = simulate_day(arrival, patience, work, np.ones(agents))
    t2 = time.perf_counter()
    return {
        "calls": n_calls,
        "wall_s": t2 - t0,
        "calls_per_s": n_calls / (t2 - t0),
        "kernel_only_calls_per_s": n_calls / (t2 - t1),
        "abandon_rate": float((res.kind1 == ABANDONED).mean()),
    }


# --------------------------------------------------------------------------- (c) model
def full_scenario(days: int | None) -> dict:
    """Warm-up (numba cache, imports) then the timed baseline run."""
    import logging

    from sim import load_config, run_simulation

    logging.getLogger("MESA").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    run_simulation(load_config("baseline", ["days=2", "customers.n=20000", "employees.n=4"]))
    warm = time.perf_counter() - t0
    overrides = [] if days is None else [f"days={days}"]
    cfg = load_config("baseline", overrides)
    t0 = time.perf_counter()
    result = run_simulation(cfg)
    wall = time.perf_counter() - t0
    contacts = int(result.summary["contacts_total"])
    return {
        "customers": cfg.customers.n,
        "employees": cfg.employees.n,
        "days": cfg.days,
        "contacts": contacts,
        "calls_offered": int(result.summary["calls_offered"]),
        "warmup_s": warm,
        "wall_s": wall,
        "contacts_per_s": contacts / wall,
    }


# --------------------------------------------------------------------------- (d) memory
def _child_run(customers: int, employees: int, days: int) -> None:
    """Body of a memory or growth child process: one run, a JSON line on stdout."""
    import logging

    from sim import load_config, run_simulation

    logging.getLogger("MESA").setLevel(logging.WARNING)
    cfg = load_config(
        "baseline", [f"customers.n={customers}", f"employees.n={employees}", f"days={days}"]
    )
    t0 = time.perf_counter()
    result = run_simulation(cfg)
    print(
        json.dumps(
            {
                "contacts": int(result.summary["contacts_total"]),
                "headcount_mean": float(result.summary.get("headcount_mean", float("nan"))),
                "wall_s": time.perf_counter() - t0,
                # this process's own peak (KiB on Linux): exact whatever ran before
                "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        )
    )


def peak_memory(customers: int, employees: int, days: int) -> dict:
    """Run the big centre in a child process; its own ``ru_maxrss`` is the peak memory."""
    out = _child(customers, employees, days)
    return {**out, "within_4gb": out["peak_rss_bytes"] <= MEMORY_TARGET_BYTES}


# --------------------------------------------------------------------------- (e) growth
def _child(customers: int, employees: int, days: int) -> dict:
    """One growth point in a child process: its figures and its peak memory."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--mem-customers",
        str(customers),
        "--mem-employees",
        str(employees),
        "--memory-days",
        str(days),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"growth run failed:\n{proc.stderr}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    peak = info["peak_rss_bytes"]
    return {
        "customers": customers,
        "employees": employees,
        "days": days,
        **info,
        "contacts_per_s": info["contacts"] / info["wall_s"],
        "peak_rss_gib": peak / 1024**3,
    }


def exponent(sizes: list[float], values: list[float]) -> float:
    """Least-squares slope of log(value) on log(size) (1 = linear growth).

    Parameters
    ----------
    sizes:
        The sizes (> 0).
    values:
        The measured figure at each size (> 0).
    """
    if len(sizes) < 2:
        return float("nan")
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def growth(kind: str, sizes: list[int], days: int) -> dict:
    """Time and peak memory over ``sizes`` of customers or agents (module docstring, (e)).

    Parameters
    ----------
    kind:
        ``customers`` or ``agents``.
    sizes:
        The sizes, rising.
    days:
        Working days of each run.
    """
    from sim import load_config

    base = load_config("baseline")
    per_agent = base.customers.n / base.employees.n
    points = []
    for size in sorted(sizes):
        if kind == "customers":
            point = _child(size, base.employees.n, days)
        else:
            point = _child(round(size * per_agent), size, days)
        print(
            f"  (e) {kind} {size:,}: {point['wall_s']:.1f} s, "
            f"{point['peak_rss_gib']:.2f} GiB, {point['contacts']:,} contacts",
            flush=True,
        )
        points.append(point)
    xs = [float(s) for s in sorted(sizes)]
    return {
        "kind": kind,
        "days": days,
        "points": points,
        "time_exponent": exponent(xs, [p["wall_s"] for p in points]),
        "memory_exponent": exponent(xs, [p["peak_rss_gib"] for p in points]),
    }


def _sizes(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smaller smoke run (minutes)")
    ap.add_argument(
        "--json",
        default="results/bench_speed.json",
        help="write the figures here ('' = do not write)",
    )
    ap.add_argument("--agents", type=int, default=100, help="agents of the bare queue")
    ap.add_argument("--load", type=float, default=0.85, help="offered load per agent")
    ap.add_argument("--handle-s", type=float, default=370.0, help="mean handling, s")
    ap.add_argument("--patience-s", type=float, default=180.0, help="mean patience, s")
    ap.add_argument("--simpy-calls", type=int, default=None, help="calls in the SimPy run")
    ap.add_argument("--kernel-calls", type=int, default=None, help="calls in the numba run")
    ap.add_argument(
        "--days",
        type=int,
        default=None,
        help="days of the baseline run (default: the scenario's 250)",
    )
    ap.add_argument("--memory-days", type=int, default=None, help="days of the memory run")
    ap.add_argument("--mem-customers", type=int, default=5_000_000)
    ap.add_argument("--mem-employees", type=int, default=1_000)
    ap.add_argument("--skip-memory", action="store_true", help="skip (d)")
    ap.add_argument(
        "--growth",
        action="append",
        choices=["customers", "agents"],
        default=[],
        help="(e) growth of time and memory in customers or agents (repeatable)",
    )
    ap.add_argument("--growth-days", type=int, default=20, help="days of each growth run")
    ap.add_argument(
        "--growth-customers",
        default="500000,5000000,20000000",
        help="customers of the growth runs, comma-separated",
    )
    ap.add_argument("--growth-agents", default="100,1000,5000", help="agents of the growth runs")
    ap.add_argument("--only-growth", action="store_true", help="run (e) alone (skip (a)-(d))")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        _child_run(args.mem_customers, args.mem_employees, args.memory_days)
        return 0
    if args.only_growth:
        return _growth_only(args)

    q = args.quick
    simpy_calls = args.simpy_calls or (20_000 if q else 200_000)
    kernel_calls = args.kernel_calls or (1_000_000 if q else 5_000_000)
    days = args.days if args.days is not None else (20 if q else None)
    mem_days = args.memory_days or (3 if q else 250)
    lam = args.load * args.agents / args.handle_s
    load_before = os.getloadavg()

    print(
        f"bench_speed ({'quick' if q else 'full'}) on {platform.node()}, "
        f"{os.cpu_count()} cores, load average {load_before[0]:.2f}",
        flush=True,
    )
    a = simpy_erlang_a(simpy_calls, args.agents, lam, args.handle_s, args.patience_s, 1)
    print(f"  (a) SimPy done: {a['calls_per_s']:,.0f} calls/s", flush=True)
    b = kernel_erlang_a(kernel_calls, args.agents, lam, args.handle_s, args.patience_s, 1)
    print(f"  (b) kernel done: {b['calls_per_s']:,.0f} calls/s", flush=True)
    c = full_scenario(days)
    print(f"  (c) baseline done: {c['contacts_per_s']:,.0f} contacts/s", flush=True)
    # SimPy again after (c): the machine's load drifts, so the ratio uses the faster of
    # the two SimPy runs (the conservative choice for the ratio target).
    a2 = simpy_erlang_a(simpy_calls, args.agents, lam, args.handle_s, args.patience_s, 2)
    print(f"  (a) SimPy again: {a2['calls_per_s']:,.0f} calls/s", flush=True)
    simpy_runs = [a["calls_per_s"], a2["calls_per_s"]]
    if a2["calls_per_s"] > a["calls_per_s"]:
        a = a2
    d = None
    if not args.skip_memory:
        d = peak_memory(args.mem_customers, args.mem_employees, mem_days)
        print(f"  (d) memory done: {d['peak_rss_gib']:.2f} GiB", flush=True)
    ratio = c["contacts_per_s"] / a["calls_per_s"]
    from sim import load_config

    default = load_config("baseline")  # the default scenario's size, whatever it is
    full = (
        c["days"] == default.days
        and c["customers"] == default.customers.n
        and c["employees"] == default.employees.n
    )

    rows = [
        (
            "(a) SimPy bare Erlang-A queue",
            f"{a['calls_per_s']:>14,.0f} calls/s",
            f"{a['calls']:,} calls, abandon {a['abandon_rate']:.3f}; faster of runs before/after"
            f" (c): {simpy_runs[0]:,.0f} / {simpy_runs[1]:,.0f}",
        ),
        (
            "(b) numba kernel, same queue",
            f"{b['calls_per_s']:>14,.0f} calls/s",
            f"kernel alone {b['kernel_only_calls_per_s']:,.0f}/s, abandon {b['abandon_rate']:.3f}",
        ),
        (
            "(c) baseline scenario",
            f"{c['contacts_per_s']:>14,.0f} contacts/s",
            f"{c['contacts']:,} contacts, {c['customers']:,} customers, {c['employees']} "
            f"employees, {c['days']} days in {c['wall_s']:.1f} s",
        ),
        (
            "    one-off warm-up",
            f"{c['warmup_s']:>14.1f} s",
            "a 2-day run: numba cache load (sim was imported by (b))",
        ),
        (
            "(c)/(a)",
            f"{ratio:>14.1f} x",
            f"target >= {SPEED_RATIO_TARGET:.0f}x: "
            + ("MET" if ratio >= SPEED_RATIO_TARGET else "NOT MET")
            + ("" if full else " (not the full scenario: --quick/--days)"),
        ),
    ]
    if d is not None:
        rows.append(
            (
                "(d) peak memory",
                f"{d['peak_rss_gib']:>14.2f} GiB",
                f"{d['customers']:,} customers, {d['employees']:,} employees, {d['days']} days "
                f"({d['wall_s']:.0f} s): target <= 4 GiB "
                + ("MET" if d["within_4gb"] else "NOT MET"),
            )
        )
    grown = [
        growth(kind, _sizes(getattr(args, f"growth_{kind}")), args.growth_days)
        for kind in args.growth
    ]
    rows += _growth_rows(grown)
    load_after = os.getloadavg()
    print()
    print(f"{'measure':<32} {'figure':>20}   notes")
    print("-" * 100)
    for name, fig, note in rows:
        print(f"{name:<32} {fig:>20}   {note}")
    print("-" * 100)
    print(
        f"bare queue: {args.agents} agents, offered load {args.load} per agent, handling "
        f"{args.handle_s:g} s, patience {args.patience_s:g} s (both exponential)"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {os.cpu_count()} cores (figures are noisy under load)"
    )

    if args.json:
        path = Path(args.json)
        if not path.is_absolute():
            path = REPO / path
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "mode": "quick" if q else "full",
            "simpy": a,
            "simpy_runs_calls_per_s": simpy_runs,
            "kernel": b,
            "baseline": c,
            "ratio_baseline_vs_simpy": ratio,
            "ratio_target_met": bool(ratio >= SPEED_RATIO_TARGET and full),
            "memory": d,
            "growth": grown,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        }
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"written {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


def _growth_rows(grown: list[dict]) -> list[tuple[str, str, str]]:
    """The table rows of (e)."""
    rows = []
    for g in grown:
        for p in g["points"]:
            rows.append(
                (
                    f"(e) {g['kind']} growth",
                    f"{p['wall_s']:>14.1f} s",
                    f"{p['customers']:,} customers, {p['employees']:,} agents (mean headcount "
                    f"{p['headcount_mean']:,.0f}), {p['days']} days: {p['contacts']:,} contacts, "
                    f"{p['contacts_per_s']:,.0f}/s, peak {p['peak_rss_gib']:.2f} GiB",
                )
            )
        rows.append(
            (
                f"    exponents in {g['kind']}",
                f"{g['time_exponent']:>14.2f}",
                f"time ~ size^{g['time_exponent']:.2f}, memory ~ size^"
                f"{g['memory_exponent']:.2f} (1 = linear)",
            )
        )
    return rows


def _growth_only(args: argparse.Namespace) -> int:
    """``--only-growth``: (e) alone, printed and written like the full table."""
    load_before = os.getloadavg()
    print(
        f"bench_speed growth on {platform.node()}, {os.cpu_count()} cores, "
        f"load average {load_before[0]:.2f}",
        flush=True,
    )
    grown = [
        growth(kind, _sizes(getattr(args, f"growth_{kind}")), args.growth_days)
        for kind in args.growth or ["customers", "agents"]
    ]
    print()
    for name, fig, note in _growth_rows(grown):
        print(f"{name:<32} {fig:>20}   {note}")
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    if args.json:
        path = Path(args.json)
        if not path.is_absolute():
            path = REPO / path
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"growth": grown, "load_average_before": load_before}
        doc["load_average_after"] = load_after
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"written {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
