"""The ``kpisim`` command line.

``kpisim run`` is a Hydra app (``scenario=NAME seed=N days=N ...``, ``-m`` for sweeps);
the other subcommands live in their own modules and are imported on demand.  Every
user error ends in one message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

#: subcommand -> (module, one-line description)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "run": (
        "sim.sweep.hydra_app",
        "one run (or a Hydra multirun sweep with -m); writes summary.json, "
        "daily.parquet, employees.parquet",
    ),
    "compare": ("sim.compare.cli", "current vs proposed scheme over replications; writes a report"),
    "calibrate": (
        "sim.calibrate.cli",
        "estimate a centre from its call-detail records or interval report; writes "
        "<name>.yaml and its back-test to out=DIR (default configs/centre)",
    ),
    "design": (
        "sim.design.cli",
        "search a space of pay schemes (first version); writes the front and its schemes",
    ),
    "app": ("sim.app.launcher", "the interactive browser app for trainers"),
    "collect": ("sim.sweep.collect", "one tidy parquet table from a sweep's run directories"),
    "scenarios": ("sim.sweep.scenarios", "list the scenarios with their lessons"),
}

USAGE = """usage: kpisim <command> [arguments]

What a KPI-based pay scheme really does in a customer contact centre.

commands:
{commands}

Run `kpisim <command> --help` for a command's arguments.
"""


def usage() -> str:
    width = max(len(k) for k in SUBCOMMANDS)
    lines = [f"  {k.ljust(width)}  {desc}" for k, (_, desc) in SUBCOMMANDS.items()]
    return USAGE.format(commands="\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kpisim`` console script.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``kpisim`` (default: the command line's).

    Returns
    -------
    int
        The exit status: the subcommand's (0 on success); 2 for an unknown command or a
        missing dependency, 130 when interrupted.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd not in SUBCOMMANDS:
        print(
            f"kpisim: unknown command {cmd!r}; choose one of {', '.join(SUBCOMMANDS)}",
            file=sys.stderr,
        )
        return 2
    module_name, _ = SUBCOMMANDS[cmd]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("sim."):
            print(f"kpisim {cmd}: not available in this version", file=sys.stderr)
            return 2
        print(
            f"kpisim {cmd}: missing dependency {exc.name!r}: install kpisim with its extras "
            "(pip install -e '.[all]')",
            file=sys.stderr,
        )
        return 2
    entry = getattr(module, "scenarios_main" if cmd == "scenarios" else "main")
    try:
        return int(entry(rest) or 0)
    except KeyboardInterrupt:
        print(f"kpisim {cmd}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
