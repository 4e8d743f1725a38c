"""The schemes in force over a KPI history (its optional ``scheme`` column) and how the
simulated centre runs them.

A history may say, per period, which pay scheme was in force: a name under
``configs/scheme/`` (``flat``, ``aht_pay``, ...) or a path to a scheme YAML (the keys of
``configs/scheme/*.yaml``; relative paths are read from the working directory, else from
the history's folder).  The model rolls out one scheme change per run (``proposal``
replaces ``scheme`` on ``rollout_day``), so the history may change scheme at most once:
the first period's scheme is in force from the run's first day (warm-up included), the
new one from the first working day of the period where the column changes.  A history
that changes scheme twice or more (A, B, A or A, B, C) is refused: split it at the
second change.

:class:`SchemePlan` carries the resolved schemes to the spawned simulations (it is
picklable) and :meth:`SchemePlan.apply` sets ``scheme``, ``proposal`` and
``rollout_day`` of a run's config.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from omegaconf import OmegaConf

from ..config import Config, SchemeConfig, available_schemes, load_config, validate
from ..config.validate import problems
from .mapping import DataError


@dataclass(frozen=True)
class SchemePlan:
    """The schemes of a history's periods, as the model runs them.

    ``names[i]`` is period i's scheme as the file gives it; ``first`` is in force from
    day 0; ``after`` (None: no change) replaces it from period ``change`` (0-based)."""

    names: tuple[str, ...]
    first: SchemeConfig
    change: int | None = None
    after: SchemeConfig | None = None

    def head(self, n: int) -> SchemePlan:
        """The plan of the first ``n`` periods (a change from period n on is dropped).

        Parameters
        ----------
        n : int
            Periods kept, at least 1.
        """
        if self.change is not None and self.change < n:
            return dataclasses.replace(self, names=self.names[:n])
        return SchemePlan(self.names[:n], self.first)

    def rollout_day(self, days: np.ndarray, warmup: int) -> int | None:
        """The run's day (0-based, warm-up included) the new scheme starts, or None.

        Parameters
        ----------
        days : numpy.ndarray
            Working days of each history period.
        warmup : int
            Working days simulated before the first period.
        """
        if self.change is None:
            return None
        return int(warmup + np.sum(days[: self.change]))

    def apply(self, cfg: Config, days: np.ndarray, warmup: int) -> Config:
        """``cfg`` with the history's schemes: ``scheme`` = the first period's, and at a
        change ``proposal`` = the new one on :meth:`rollout_day`; validated again.

        Parameters
        ----------
        cfg : Config
            The run's config (the centre with its overrides).
        days : numpy.ndarray
            Working days of each history period.
        warmup : int
            Working days simulated before the first period.
        """
        cfg = dataclasses.replace(
            cfg,
            scheme=self.first,
            proposal=self.after,
            rollout_day=self.rollout_day(days, warmup),
        )
        return validate(cfg)

    def csat_definitions(self) -> list[str]:
        """The CSAT definition of each period's scheme (how its ``csat`` is measured)."""
        out = []
        for i in range(len(self.names)):
            s = self.after if self.change is not None and i >= self.change else self.first
            assert s is not None
            out.append(s.kpis.csat.definition)
        return out


def _scheme_file(path: Path, where: str) -> SchemeConfig:
    """A scheme YAML (the keys of ``configs/scheme/*.yaml``, partial allowed) as a
    validated :class:`SchemeConfig`; ``where`` prefixes every message."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(f"{where}: scheme file {path} cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise DataError(f"{where}: scheme file {path} is not a mapping of scheme keys")
    data = {k: v for k, v in data.items() if k != "defaults"}
    data.setdefault("name", path.stem)
    try:
        node = OmegaConf.merge(OmegaConf.structured(SchemeConfig), data)
        scheme = OmegaConf.to_object(node)
    except Exception as exc:  # omegaconf raises several types; all are user errors here
        msg = str(exc).splitlines()[0]
        raise DataError(f"{where}: scheme file {path}: {msg}") from None
    assert isinstance(scheme, SchemeConfig)
    found = problems(Config(scheme=scheme))
    if found:
        raise DataError(f"{where}: scheme file {path}: {found[0]}")
    return scheme


def resolve_scheme(value: str, src: str, line: int) -> SchemeConfig:
    """One ``scheme`` cell -> its scheme: a name under ``configs/scheme/`` or a scheme
    YAML (a path: relative to the working directory, else to the history's folder).

    Parameters
    ----------
    value : str
        The cell, stripped.
    src : str
        The history file, for messages and relative paths.
    line : int
        The cell's line in the file (line 1 is the header), for messages.

    Raises
    ------
    DataError
        Not a shipped scheme's name nor a readable, valid scheme file; the message names
        the file, the line, the value and what is allowed.
    """
    where = f"KPI history {src}: column 'scheme', line {line}"
    names = available_schemes()
    if value in names:
        return load_config("baseline", overrides=[f"scheme={value}"]).scheme
    if value.endswith((".yaml", ".yml")):
        p = Path(value)
        for cand in (p, Path(src).parent / p):
            if cand.is_file():
                return _scheme_file(cand, where)
    raise DataError(
        f"{where}: {value!r} is not a scheme: give a name of configs/scheme/ "
        f"({', '.join(names)}) or the path of a scheme YAML file"
    )


def scheme_plan(values: list[str], src: str) -> SchemePlan:
    """The plan of a history's ``scheme`` column (one value per period, in order).

    Parameters
    ----------
    values : list of str
        The column's cells, stripped.
    src : str
        The history file, for messages.

    Raises
    ------
    DataError
        An empty cell, a value that is not a scheme (:func:`resolve_scheme`) or more
        than one change of scheme.
    """
    empty = [i + 2 for i, v in enumerate(values) if not v]
    if empty:
        raise DataError(
            f"KPI history {src}: column 'scheme', line {empty[0]}: empty; every period "
            "needs the scheme in force (a name of configs/scheme/ or a scheme YAML file)"
        )
    resolved = {v: resolve_scheme(v, src, values.index(v) + 2) for v in dict.fromkeys(values)}
    changes = [i for i in range(1, len(values)) if values[i] != values[i - 1]]
    if len(changes) > 1:
        at = ", ".join(f"line {i + 2} ({values[i - 1]} -> {values[i]})" for i in changes)
        raise DataError(
            f"KPI history {src}: column 'scheme': changes {len(changes)} times ({at}); "
            "a simulated run rolls out one scheme change: split the history at the "
            "second change"
        )
    if not changes:
        return SchemePlan(tuple(values), resolved[values[0]])
    k = changes[0]
    return SchemePlan(tuple(values), resolved[values[0]], k, resolved[values[k]])
