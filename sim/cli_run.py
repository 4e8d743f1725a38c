"""``kpisim run``: one simulation run as a Hydra app (``-m`` for a multirun sweep).

Outputs go to Hydra's run directory (``results/runs/...``; a sweep's job directory under
``results/sweeps/...``): ``summary.json``, ``daily.parquet``, ``employees.parquet`` and
Hydra's ``.hydra/``.  Each file is written atomically and ``summary.json`` last, so a
directory with a ``summary.json`` is complete.
"""

from __future__ import annotations

import sys
import textwrap

from .config import CONFIG_DIR, ConfigError, available_scenarios, load_config

HELP = """usage: kpisim run [-m] [key=value ...] [hydra flags]

One simulation run; with -m (--multirun), a sweep over comma lists and ranges, e.g.
  kpisim run scenario=aht_pay seed=7 days=120
  kpisim run -m scenario=baseline,aht_pay seed=range(0,5)

Common keys: scenario, seed, days, customers.n, employees.n, scheme.kpis.aht.weight,
scheme.audit_rate, channels.phone_number_visible, behavior.adaptive, output_dir
(`kpisim run --cfg job` prints every key and its value).

Hydra flags: --cfg job|hydra|all, -m/--multirun, hydra/launcher=joblib, --hydra-help.

scenarios: {scenarios}
"""


def _split(args: list[str]) -> tuple[str, list[str]]:
    scenario = "baseline"
    rest = []
    for a in args:
        if a.startswith("scenario="):
            scenario = a.split("=", 1)[1]
        else:
            rest.append(a)
    return scenario, rest


def _task(cfg) -> None:  # pragma: no cover - exercised through the CLI tests
    import logging

    from hydra.core.hydra_config import HydraConfig

    from .config import to_config
    from .run import run_simulation

    try:
        c = to_config(cfg)
    except ConfigError as exc:
        print(f"kpisim run: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.getLogger("MESA").setLevel(logging.WARNING)  # no per-step chatter
    out = c.output_dir or HydraConfig.get().runtime.output_dir
    result = run_simulation(c)
    result.write(out)
    s = result.summary
    print(
        f"{c.scenario.name} seed={c.seed} days={c.days}: measured FCR {s['fcr_measured']:.3f} "
        f"vs true {s['fcr_true']:.3f}, true CSAT {s['csat_true']:.3f}, retention "
        f"{s['retention']:.3f}, gaming {s['gaming_rate']:.3f} -> {out}"
    )


def main(argv: list[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(HELP.format(scenarios=textwrap.fill(", ".join(available_scenarios()), 78)))
        return 0
    multirun = any(a in ("-m", "--multirun") for a in argv)
    flags = [a for a in argv if a.startswith("-")]
    if not multirun and not flags:
        # validate before Hydra creates any directory: a bad run leaves nothing behind
        scenario, overrides = _split(argv)
        try:
            load_config(scenario, overrides)
        except ConfigError as exc:
            print(f"kpisim run: {exc}", file=sys.stderr)
            return 2
    elif multirun:
        unknown = [a.split("=", 1)[1] for a in argv if a.startswith("scenario=")]
        for name in ",".join(unknown).split(",") if unknown else []:
            if name and name not in available_scenarios():
                print(
                    f"kpisim run: scenario={name!r} is not a known scenario: choose one of "
                    f"{', '.join(available_scenarios())}",
                    file=sys.stderr,
                )
                return 2
    import hydra

    app = hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base="1.3")(_task)
    old = sys.argv
    sys.argv = ["kpisim run", *argv]
    try:
        app()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    finally:
        sys.argv = old
    return 0


def scenarios_main(argv: list[str]) -> int:
    """``kpisim scenarios``: each scenario with its description and lesson."""
    if any(a in ("-h", "--help") for a in argv):
        print("usage: kpisim scenarios\n\nList the scenarios with their descriptions and lessons.")
        return 0
    for name in available_scenarios():
        cfg = load_config(name)
        print(f"{name}\n  {textwrap.fill(cfg.scenario.description, 76, subsequent_indent='  ')}")
        print(f"  lesson: {textwrap.fill(cfg.scenario.lesson, 68, subsequent_indent='  ')}\n")
    return 0
