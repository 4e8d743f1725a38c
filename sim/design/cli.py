"""``kpisim design``: search a space of pay schemes, verify the best on held-out seeds
and worlds, and write the page.

    kpisim design budget=EVALS [current=SCHEME] [space=SPACE.yaml]
                  [objective=value|dashboard] [worlds=N] [seeds=N] [held_out=N]
                  [max_bonus_share=X] [service_level=X] [toxic=true] [smart=true]
                  [top=K] [shipped=false] [jobs=N] [seed=N] [out=DIR]
                  [launcher=local|slurm|ray_cluster] [partition=NAME] [address=HOST:PORT]
                  [KEY=VALUE ...]

Reads and checks everything first (the space, the budget, the worlds, the limits, the
current scheme, the world overrides); any bad input ends in one message on stderr and
exit code 2, and nothing is written.  Then runs (or resumes) the study (:mod:`.search`)
in ``DIR/design.db``, writes the front (:mod:`.files`), re-runs its top schemes on the
held-out set (:mod:`.verify`) and writes the page (:mod:`.page`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tqdm import tqdm

from ..cliargs import Arg, parse_key_values
from ..compare.arms import resolve_spec
from ..config import ConfigError, SchemeConfig, available_schemes, load_config
from ..outputs.files import atomic_write_text
from ..pool import default_jobs
from .constraints import (
    CONSTRAINTS,
    Limits,
    check_limits,
    constraint_values,
    feasible,
    smart_failures,
)
from .files import compare_command, suffix, write_front
from .launchers import ClusterError, check_launcher
from .objectives import robust_statistic
from .page import write_page
from .runs import simulate_runs
from .search import check_budget, check_objective, completed, front, run_study, split
from .space import DEFAULT_SPACE, Space, load_space
from .verify import Entry, verify
from .worlds import check_worlds, design_worlds

HELP = """usage: kpisim design budget=EVALS [key=value ...]

Search a space of pay schemes for the best trade-off between money, the customers'
true outcome and staff morale, judged robustly over seeds and plausible worlds under
the leader's constraints; verify the top schemes on held-out seeds and worlds
(docs/design.md).

  budget=N          candidate schemes to evaluate in all (required; a resumed search
                    counts those already evaluated)
  current=SCHEME    the leader's current scheme (a scheme, scenario or YAML file), run on
                    the same seeds and worlds as a reference
  space=FILE        the search space (default: configs/design/default.yaml)
  objective=WHAT    value (default: money, true outcome, staff) or dashboard (what the
                    dashboard shows: the Goodhart demonstration)
  worlds=N          judge each candidate in N plausible worlds (draws of
                    configs/uncertainty/default.yaml, or of the centre's posterior);
                    as many held-out worlds are drawn for the verification
  seeds=N           search seeds per candidate and world (default: 1)
  held_out=N        held-out seeds for the verification (default: 1)
  max_bonus_share=X bonus cost budget, share of the salary cost (default: the space's
                    highest on-target bonus_share)
  service_level=X   service level the 20th-percentile run must reach (default: the
                    centre's channels.service_level_target)
  toxic=BOOL        no toxic sign may light (default: true)
  smart=BOOL        the paid KPIs must pass SMART's run-based criteria (default: true)
  top=K             top schemes of the front verified on the held-out set (default: 3)
  shipped=BOOL      also verify every scheme in configs/scheme/ (default: false)
  jobs=N            worker processes (default: the cores of this machine)
  launcher=WHERE    local (default: this machine's cores), slurm (each batch of runs one
                    SLURM array job) or ray_cluster (each run a task on a running Ray
                    cluster): the same front on each; the study stays in DIR
  partition=NAME    the SLURM partition (default: the cluster's default one)
  address=HOST:PORT the Ray head (default: auto, $RAY_ADDRESS or this node's cluster)
  seed=N            seed of the search, of the worlds and first search seed (default: 0)
  out=DIR           where to write (default: results/design); a killed search resumes
                    from DIR/design.db when run again with the same arguments
  KEY=VALUE         config overrides of the world every candidate runs in (days=60,
                    customers.n=100000, employees.n=37, centre=NAME); no scheme keys

Writes DIR/design.db (the studies), DIR/front.csv, DIR/verify.csv, DIR/scheme_K.yaml
(one per scheme of the front, usable as kpisim compare current=SCHEME
proposal=DIR/scheme_K.yaml) and DIR/design.html; objective=dashboard writes
front_dashboard.csv, verify_dashboard.csv and scheme_dashboard_K.yaml beside them.
"""

ARGS = (
    Arg("budget", int, 1, None, required=True),
    Arg("current", str),
    Arg("space", str),
    Arg("objective", str),
    Arg("worlds", int),
    Arg("seed", int, 0, 2**31 - 1),
    Arg("seeds", int, 1, 1000),
    Arg("held_out", int, 0, 1000),
    Arg("max_bonus_share", float),
    Arg("service_level", float),
    Arg("toxic", bool),
    Arg("smart", bool),
    Arg("top", int, 1, 50),
    Arg("shipped", bool),
    Arg("jobs", int, 1, 256),
    Arg("out", str),
    Arg("launcher", str),
    Arg("partition", str),
    Arg("address", str),
)


def main(argv: list[str]) -> int:
    """Entry point of ``kpisim design``.

    Parameters
    ----------
    argv : list of str
        The arguments after ``design``.

    Returns
    -------
    int
        0 on success, 2 on bad input (one message on stderr, nothing written).
    """
    if any(a in ("-h", "--help", "help") for a in argv):
        print(HELP)
        return 0
    started = time.monotonic()
    try:
        plan = _plan(argv)
    except ConfigError as exc:
        print(f"kpisim design: {exc}", file=sys.stderr)
        return 2
    try:
        _run(plan, started)
    except ConfigError as exc:  # found while running (e.g. a space whose candidates all fail)
        print(f"kpisim design: {exc}", file=sys.stderr)
        return 2
    except ClusterError as exc:  # runs lost on a cluster: the study resumes when run again
        print(f"kpisim design: {exc}", file=sys.stderr)
        return 1
    return 0


def _plan(argv: list[str]) -> dict:
    """Every argument read and checked, nothing written: the design's plan."""
    values, world = parse_key_values(argv, ARGS, "kpisim design", others=True)
    bad = [w for w in world if w.lstrip("+~").startswith(("scheme", "proposal"))]
    if bad:
        raise ConfigError(
            f"{bad[0]!r}: the design chooses the scheme and the seeds; give only the "
            "world's keys (days, customers.n, centre, ...)"
        )
    base = load_config("baseline", world)  # the world itself must be a valid config
    budget = check_budget(values["budget"])
    objective = values.get("objective", "value")
    check_objective(objective)
    space = load_space(values.get("space") or DEFAULT_SPACE)
    seed = values.get("seed", 0)
    worlds, source = [], "the centre as given"
    if "worlds" in values:
        worlds, source = design_worlds(base, check_worlds(values["worlds"]), seed)
    the_split = split(seed, values.get("seeds", 1), values.get("held_out", 1), worlds)
    limits = check_limits(
        Limits(
            max_bonus_share=values.get("max_bonus_share", _top_bonus(space)),
            service_level=values.get("service_level", base.channels.service_level_target),
            toxic=values.get("toxic", True),
            smart=values.get("smart", True),
        )
    )
    current = values.get("current")
    current_cfg = resolve_spec("current", current, world).cfg if current else None
    shipped = []
    if values.get("shipped", False):
        shipped = [(n, resolve_spec("current", n, world).cfg) for n in available_schemes()]
    out = Path(values.get("out") or Path("results") / "design")
    launcher = check_launcher(
        values.get("launcher", "local"),
        values.get("jobs", default_jobs()),
        values.get("partition"),
        values.get("address"),
        out,
    )
    return {
        "budget": budget,
        "objective": objective,
        "space": space,
        "seed": seed,
        "world": world,
        "split": the_split,
        "source": source,
        "limits": limits,
        "current": current,
        "current_cfg": current_cfg,
        "shipped": shipped,
        "top": values.get("top", 3),
        "launcher": launcher,
        "out": out,
    }


def _top_bonus(space: Space) -> float:
    """The space's highest on-target bonus share (the default bonus budget)."""
    p = next((p for p in space.params if p.key == "scheme.bonus_share"), None)
    if p is None:
        return float(SchemeConfig().bonus_share)
    if p.choices is not None:
        return float(max(p.choices))
    return float(p.high if p.high is not None else p.fixed)


def _run(plan: dict, started: float) -> None:
    """The study, the front, the held-out verification and the page."""
    out, budget, objective = plan["out"], plan["budget"], plan["objective"]
    sp, limits, world = plan["split"], plan["limits"], plan["world"]
    with tqdm(total=budget, unit="scheme", desc="design", leave=False) as bar:
        study = run_study(
            plan["space"],
            out,
            budget,
            seed=plan["seed"],
            base=world,
            the_split=sp,
            on_trial=lambda study: bar.update(completed(study) - bar.n),
            objective=objective,
            limits=limits,
            launcher=plan["launcher"],
        )
    names = list(study.user_attrs["objectives"])
    runs = len(sp.search_seeds) * len(sp.search_worlds)
    current_row = None
    with plan["launcher"].pool(max(runs, 1)) as pool:
        if plan["current_cfg"] is not None:
            records = simulate_runs(plan["current_cfg"], sp.search_seeds, sp.search_worlds, pool)
            cons = constraint_values(records, limits)
            current_row = (
                {k: robust_statistic([r[k] for r in records]) for k in names}
                | {f"constraint_{c}": cons[c] for c in CONSTRAINTS}
                | {"feasible": feasible(cons), "smart_failed": " ".join(smart_failures(records))}
            )
    entries = write_front(study, out, world, objective, current_row, plan["current"] or "SCHEME")
    tag = suffix(objective)
    top = entries[: plan["top"]]
    verified = ""
    if sp.held_out_seeds:
        extra = (
            [Entry("current", plan["current_cfg"], search=current_row)]
            if plan["current_cfg"]
            else []
        )
        extra += [Entry(f"shipped:{n}", c) for n, c in plan["shipped"]]
        held = len(sp.held_out_seeds) * len(sp.held_out_worlds) * (len(top) + len(extra))
        with plan["launcher"].pool(max(held, 1)) as pool:
            table = verify(top + extra, sp.held_out_seeds, sp.held_out_worlds, pool, limits, names)
        atomic_write_text(out / f"verify{tag}.csv", table.to_csv(index=False))
        verified = f", verified on {held} held-out runs (verify{tag}.csv)"
    elapsed = time.monotonic() - started
    write_page(out, study, plan["source"], elapsed)
    n = completed(study)
    print(
        f"kpisim design: {n} schemes evaluated in {elapsed:.0f} s; the front "
        f"({len(front(study))}) is in {out}{verified}; page: {out / 'design.html'}"
    )
    where = plan["launcher"].where()
    if where:
        print(f"kpisim design: {where}")
    for e in top:
        print(f"  {e.label}: {compare_command(plan['current'] or 'SCHEME', out / e.file, world)}")
