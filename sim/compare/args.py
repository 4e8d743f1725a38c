"""The arguments of ``kpisim compare``: ``key=value`` words, parsed into :class:`CompareArgs`.

Every argument that is not one of :data:`ARGS` is a config override applied to both arms
(``customers.n=100000``), to the current scheme (``scheme.*``) or to the proposed one
(``proposal.*``).  Bad input raises :class:`ConfigError` with one line naming the word.
"""

from __future__ import annotations

import dataclasses
import shlex
import textwrap
from dataclasses import dataclass, field

from ..cliargs import Arg, parse_key_values
from ..config import Config, ConfigError, available_scenarios, available_schemes
from ..config.load import find_centre

HELP = """usage: kpisim compare [current=X] [proposal=Y] [key=value ...]

Compare the current KPI/pay scheme with a proposal before rollout: what the dashboard will
show, what will really happen to customers, employees and money, and how sure we are.

  current=X        the scheme in force: a scenario name, a scheme name or a YAML file
                   (default: baseline)
  proposal=Y       the scheme to roll out: a scenario name, a scheme name or a YAML file
                   (default: aht_pay)
  replications=N   paired replications per arm, same seeds in both arms (default: 20)
  days=N           working days simulated, a working year is 250 (default: 250)
  rollout_day=N    day the proposal is switched on; before it both arms run the current
                   scheme (default: the first pay-period boundary where the current arm
                   has settled: morale, handle time and headcount drift by at most 2% of
                   their level over two pay periods)
  runrate_weeks=N  weeks (5 working days) at the end of each arm shown as its run-rate
                   beside the whole run (default: 8)
  robust=N         sampled worlds for the robust verdict, 0 to skip (default: 32)
  robust_scale=F   share of customers and agents in the robust worlds (default: 0.2)
  uncertainty=U    ranges of the uncertain parameters: a name under
                   configs/uncertainty/ or a YAML file (default: default)
  seed=N           base seed; replication r uses seed N+r in both arms (default: 0)
  jobs=N           parallel processes, 0 = every core (default: 0); results do not
                   depend on it
  out=DIR          output folder (default: results/compare/<current>_vs_<proposal>)
  progress=BOOL    show a progress bar (default: true)
  centre=C         the centre both arms run in: a name under configs/centre/, a centre
                   file's path (kpisim calibrate out=DIR writes DIR/NAME.yaml), or a
                   name in the folder centre_dir=DIR (default: none, the generic centre)
  KEY=VALUE        any config override (customers.n=100000, behavior.pay_weight=2, ...),
                   applied to both arms; scheme.* changes the current scheme,
                   proposal.* the proposed one

A scheme file holds the keys of a scheme, as in configs/scheme/*.yaml, e.g.
  name: my_aht_bonus
  bonus_share: 0.10
  kpis:
    aht: {{weight: 0.5, direction: lower, threshold: 420, target: 360, stretch: 300, cap: 1.5}}
    fcr: {{weight: 0.5, definition: no_repeat_7d, threshold: 0.65, target: 0.75,
           stretch: 0.85, cap: 1.5}}
A linear KPI scores 0 at threshold, 1 at target (bonus_share of salary) and cap at stretch.
Keys left out take their defaults (no weight on that KPI).

Writes DIR/report.html, DIR/comparison.csv and the figures. Examples:
  kpisim compare
  kpisim compare current=baseline proposal=balanced_scorecard replications=10
  kpisim compare proposal=my_scheme.yaml days=120 rollout_day=42 robust=0

scenarios: {scenarios}
schemes:   {schemes}
"""

#: The arguments of ``kpisim compare`` itself (everything else is a config override);
#: ranges in replications, working days, worlds, seeds and processes.
ARGS = (
    Arg("current"),
    Arg("proposal"),
    Arg("replications", int, 2, 100_000),
    Arg("days", int, 2, 100_000),
    Arg("rollout_day", int, 0, 100_000),
    Arg("runrate_weeks", int, 1, 20_000),
    Arg("robust", int, 0, 100_000),
    Arg("robust_scale", float),
    Arg("uncertainty"),
    Arg("seed", int, 0, 2**62),
    Arg("jobs", int, 0, 4096),
    Arg("out"),
    Arg("progress", bool),
)

#: Config fields that the compare arguments own (not accepted as overrides).
OWNED = {"scheme", "proposal", "rollout_day", "days", "seed", "scenario", "output_dir"}


@dataclass
class CompareArgs:
    """Parsed arguments of ``kpisim compare`` (see :data:`HELP`)."""

    current: str = "baseline"
    proposal: str = "aht_pay"
    replications: int = 20
    days: int = 250
    rollout_day: int | None = None
    runrate_weeks: int = 8
    robust: int = 32
    robust_scale: float = 0.2
    uncertainty: str = "default"
    seed: int = 0
    jobs: int = 0
    out: str = ""
    progress: bool = True
    overrides: list[str] = field(default_factory=list)
    proposal_overrides: list[str] = field(default_factory=list)
    #: the rollout day was chosen by the settling criterion (``rollout_day=`` not given)
    rollout_auto: bool = False

    def command(self) -> str:
        """The exact command that reproduces this comparison (``jobs`` left out)."""
        parts = [
            f"current={self.current}",
            f"proposal={self.proposal}",
            f"replications={self.replications}",
            f"days={self.days}",
            *([] if self.rollout_auto else [f"rollout_day={self.rollout_day}"]),
            f"runrate_weeks={self.runrate_weeks}",
            f"robust={self.robust}",
            f"robust_scale={self.robust_scale:g}",
            f"uncertainty={self.uncertainty}",
            f"seed={self.seed}",
            *self.overrides,
            *self.proposal_overrides,
            f"out={self.out}",
        ]
        return "kpisim compare " + " ".join(shlex.quote(p) for p in parts)


def help_text() -> str:
    """:data:`HELP` with the scenarios and schemes of this installation filled in."""
    return HELP.format(
        scenarios=textwrap.fill(
            ", ".join(available_scenarios()), 78, subsequent_indent="           "
        ),
        schemes=textwrap.fill(", ".join(available_schemes()), 78, subsequent_indent="           "),
    )


def _add_override(a: CompareArgs, raw: str, key: str, config_fields: set[str]) -> None:
    """File a ``key=value`` override under both arms, or the proposal, or refuse it."""
    top = key.lstrip("+~").split(".", 1)[0]
    if top == "proposal" and "." in key:
        a.proposal_overrides.append(raw)
    elif (top in config_fields and top not in OWNED) or (top == "scheme" and "." in key):
        a.overrides.append(raw)
    elif top in OWNED:
        raise ConfigError(
            f"{key}= cannot be overridden here: use current=/proposal= for schemes"
            if top in ("scheme", "scenario")
            else f"{key}= is set by kpisim compare itself"
        )
    else:
        names = ", ".join(x.name for x in ARGS)
        raise ConfigError(
            f"unknown argument {key!r}: kpisim compare takes {names} or a config override "
            "such as customers.n=100000 (see kpisim compare --help)"
        )


def _with_centre_dir(overrides: list[str]) -> list[str]:
    """``centre=NAME centre_dir=DIR`` -> ``centre=<path of DIR/NAME.yaml>`` (a name of
    configs/centre/ when DIR has no such file), so that both arms and the reproducing
    command name the centre file itself (:func:`~sim.config.load.find_centre`)."""
    dirs = [o.split("=", 1)[1] for o in overrides if o.startswith("centre_dir=")]
    if not dirs:
        return overrides
    rest = [o for o in overrides if not o.startswith("centre_dir=")]
    if not any(o.startswith("centre=") for o in rest):
        raise ConfigError(
            f"centre_dir={dirs[-1]!r} needs centre=NAME (a centre file of that folder)"
        )
    out = []
    for o in rest:
        if o.startswith("centre="):
            path = find_centre(o.split("=", 1)[1], dirs[-1])
            o = f"centre={path}" if path is not None else o
        out.append(o)
    return out


def parse_args(argv: list[str]) -> CompareArgs:
    """Parse ``key=value`` arguments; raises :class:`ConfigError` on bad input.

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim compare``: :data:`ARGS` and config overrides.
    """
    given, overrides = parse_key_values(argv, ARGS, "kpisim compare", others=True)
    a = dataclasses.replace(CompareArgs(), **given)
    if not 0.0 < a.robust_scale <= 1.0:
        raise ConfigError(f"robust_scale={a.robust_scale:g} is out of range: allowed (0, 1]")
    config_fields = {f.name for f in dataclasses.fields(Config)}
    for raw in _with_centre_dir(overrides):
        _add_override(a, raw, raw.split("=", 1)[0], config_fields)
    if a.rollout_day is not None and a.rollout_day >= a.days:
        raise ConfigError(
            f"rollout_day={a.rollout_day} must be before the end of the run (days={a.days})"
        )
    return a
