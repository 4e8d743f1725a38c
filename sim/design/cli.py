"""``kpisim design`` (a first, minimal command): search a space of pay schemes and write
the Pareto front found on the search seeds.

    kpisim design budget=EVALS [space=SPACE.yaml] [seed=N] [seeds=N] [held_out=N]
                  [out=DIR] [KEY=VALUE ...]

Reads and checks everything first (the space, the budget, the world overrides); any bad
input ends in one message on stderr and exit code 2, and nothing is written.  Then runs
(or resumes) the study (:mod:`.search`) in ``DIR/design.db`` and writes ``DIR/front.csv``
and one ``DIR/scheme_K.yaml`` per scheme of the front.  Not built yet: ``current=``,
``objective=``, ``worlds=``, the held-out verification, the page, parallel runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import optuna
import pandas as pd
from tqdm import tqdm

from ..cliargs import Arg, parse_key_values
from ..config import ConfigError, load_config
from ..outputs.files import atomic_write_text
from .candidate import candidate_config, write_scheme
from .search import OBJECTIVES, completed, front, run_study, split
from .space import DEFAULT_SPACE, load_space

HELP = """usage: kpisim design budget=EVALS [key=value ...]

Search a space of pay schemes for the best trade-off between money, the customers'
true outcome and staff morale (docs/design.md).  A first version: the front is found
and written; the held-out verification and the page are not built yet.

  budget=N     candidate schemes to evaluate in all (required; a resumed search counts
               those already evaluated)
  space=FILE   the search space (default: configs/design/default.yaml)
  seed=N       seed of the search and first search seed (default: 0)
  seeds=N      search seeds per candidate (default: 1)
  held_out=N   held-out seeds, kept apart for the verification (default: 1)
  out=DIR      where to write (default: results/design); a killed search resumes
               from DIR/design.db when run again with the same arguments
  KEY=VALUE    config overrides of the world every candidate runs in (days=60,
               customers.n=100000, employees.n=37, centre=NAME); no scheme keys

Writes DIR/design.db (the study), DIR/front.csv and DIR/scheme_K.yaml, one per scheme
of the front (usable as kpisim compare current=SCHEME proposal=DIR/scheme_K.yaml).
"""

ARGS = (
    Arg("budget", int, 1, None, required=True),
    Arg("space", str),
    Arg("seed", int, 0, 2**31 - 1),
    Arg("seeds", int, 1, 1000),
    Arg("held_out", int, 0, 1000),
    Arg("out", str),
)

#: Arguments of the issue's command that this first version does not take yet.
NOT_YET = ("current", "objective", "worlds")


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
    try:
        values, world = parse_key_values(argv, ARGS, "kpisim design", others=True)
        later = [w for w in world if w.split("=", 1)[0] in NOT_YET]
        if later:
            raise ConfigError(
                f"{later[0].split('=', 1)[0]}= is not built yet in this version of kpisim "
                "design (docs/design.md says what is)"
            )
        bad = [w for w in world if w.lstrip("+~").startswith(("scheme", "proposal"))]
        if bad:
            raise ConfigError(
                f"{bad[0]!r}: the design chooses the scheme and the seeds; give only the "
                "world's keys (days, customers.n, centre, ...)"
            )
        load_config("baseline", world)  # the world itself must be a valid config
        space = load_space(values.get("space") or DEFAULT_SPACE)
        seed = values.get("seed", 0)
        the_split = split(seed, values.get("seeds", 1), values.get("held_out", 1))
        out = Path(values.get("out") or Path("results") / "design")
        budget = values["budget"]
        with tqdm(total=budget, unit="scheme", desc="design", leave=False) as bar:
            study = run_study(
                space,
                out,
                budget,
                seed=seed,
                base=world,
                the_split=the_split,
                on_trial=lambda study: bar.update(completed(study) - bar.n),
            )
    except ConfigError as exc:
        print(f"kpisim design: {exc}", file=sys.stderr)
        return 2
    write_front(study, out, world)
    n = completed(study)
    print(f"kpisim design: {n} schemes evaluated; the front ({len(front(study))}) is in {out}")
    return 0


def write_front(study: optuna.Study, out: Path, world: list[str]) -> None:
    """``front.csv`` (one row per scheme of the front: its trial, objectives on the
    search seeds and the scheme's keys as set, weights normalised) and ``scheme_K.yaml``
    for each, by money, best first.

    Parameters
    ----------
    study : optuna.Study
        The finished study.
    out : pathlib.Path
        The design's folder.
    world : list of str
        The world overrides the candidates ran in.
    """
    trials = sorted(front(study), key=lambda t: -t.values[0])
    rows = []
    for k, t in enumerate(trials, start=1):
        path = out / f"scheme_{k}.yaml"
        cfg = candidate_config(t.user_attrs["overrides"], world, f"design_{t.number}")
        objectives = ", ".join(f"{o} {v:.4g}" for o, v in zip(OBJECTIVES, t.values, strict=True))
        write_scheme(
            path,
            cfg,
            f"Found by kpisim design (trial {t.number}), on the Pareto front of the search "
            f"seeds:\n{objectives} (20th percentile over the search runs; not yet verified "
            f"on held-out seeds).\nTry it: kpisim compare current=SCHEME proposal={path}",
        )
        rows.append(
            {"rank": k, "trial": t.number, **dict(zip(OBJECTIVES, t.values, strict=True))}
            | {"file": path.name}
            | dict(o.split("=", 1) for o in t.user_attrs["overrides"])
        )
    atomic_write_text(out / "front.csv", pd.DataFrame(rows).to_csv(index=False))
