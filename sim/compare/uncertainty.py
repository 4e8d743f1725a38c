"""The uncertain behavioural parameters of the robust verdict and the worlds sampled
over them.

Ranges come from ``configs/uncertainty/NAME.yaml`` or a user file
(``parameters: {dotted.config.key: [low, high]}``), each checked against the knob's own
allowed range; worlds are a Latin hypercube over the ranges (uniform in each).

Structural uncertainty: the same file may list the options of a categorical knob
(``choices: {dotted.config.key: [option, ...]}``, e.g. ``behavior.learning``, the rule by
which employees learn).  Each world gets one option, in equal shares in a random order
(:func:`sample_choices`): the robust verdict then covers every rule, and
:func:`verdict_by_choice` says whether its sign depends on the rule.

A calibrated centre may instead name a posterior sample (``centre.posterior``: a CSV,
one row per draw, columns = dotted config keys): the worlds are then rows drawn from it
(:func:`load_posterior`, :func:`sample_posterior`), so they carry the centre's own
uncertainty and the correlations between its parameters.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ..config import CONFIG_DIR, Config, ConfigError, resolve_data_path
from .inputs import is_file_spec, read_yaml


def field_of(key: str) -> dataclasses.Field | None:
    """The config field a dotted key names, or ``None`` (unknown key, or a section).

    Parameters
    ----------
    key : str
        A dotted config key (``behavior.gaming_stigma``).
    """
    obj: Any = Config()
    parts = key.split(".")
    for i, p in enumerate(parts):
        if not dataclasses.is_dataclass(obj):
            return None
        fields = {f.name: f for f in dataclasses.fields(obj)}
        if p not in fields:
            return None
        if i == len(parts) - 1:
            return None if dataclasses.is_dataclass(getattr(obj, p)) else fields[p]
        obj = getattr(obj, p)
    return None


def _uncertainty_path(spec: str) -> tuple[Path, str]:
    """The file ``uncertainty=SPEC`` names and how to show it in messages."""
    named = CONFIG_DIR / "uncertainty" / f"{spec}.yaml"
    if not is_file_spec(spec) and named.is_file():
        return named, f"configs/uncertainty/{spec}.yaml"
    if is_file_spec(spec):
        return Path(spec), spec
    names = sorted(p.stem for p in (CONFIG_DIR / "uncertainty").glob("*.yaml"))
    raise ConfigError(
        f"uncertainty={spec!r} is not a known set of ranges ({', '.join(names)}) nor a YAML file"
    )


def _checked_range(key: Any, rng: Any, shown: str) -> tuple[float, float]:
    """``[low, high]`` of one parameter, checked against the knob's type and range."""
    f = field_of(str(key))
    if f is None:
        raise ConfigError(f"uncertainty={shown}: unknown config key {key!r}")
    if f.type not in ("float", "float | None", "int") and f.type not in (float, int):
        raise ConfigError(f"uncertainty={shown}: {key} is not a numeric knob")
    if (
        not isinstance(rng, list)
        or len(rng) != 2
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng)
    ):
        raise ConfigError(f"uncertainty={shown}: {key} needs a range [low, high]")
    lo, hi = float(rng[0]), float(rng[1])
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise ConfigError(f"uncertainty={shown}: {key}: low {lo:g} is above high {hi:g}")
    klo, khi = f.metadata.get("range", (None, None))
    if (klo is not None and lo < klo) or (khi is not None and hi > khi):
        raise ConfigError(
            f"uncertainty={shown}: {key}: [{lo:g}, {hi:g}] leaves the knob's allowed "
            f"range [{'' if klo is None else f'{klo:g}'}, {'' if khi is None else f'{khi:g}'}]"
        )
    return lo, hi


def load_uncertainty(spec: str) -> tuple[dict[str, tuple[float, float]], str]:
    """Ranges of the uncertain parameters from a name under ``configs/uncertainty/`` or a
    YAML file: ``{dotted key: (low, high)}``, each checked against the knob's range.

    Parameters
    ----------
    spec : str
        A name (``default``) or a YAML file.

    Returns
    -------
    tuple of (dict, str)
        The ranges, and the file as the messages show it.
    """
    path, shown = _uncertainty_path(spec)
    data = read_yaml(path, "uncertainty")
    params = data.get("parameters")
    extra = [k for k in data if k not in ("parameters", "choices")]
    if extra:
        raise ConfigError(
            f"uncertainty={shown}: unknown key {extra[0]!r}: expected 'parameters' or 'choices'"
        )
    if not isinstance(params, dict) or not params:
        raise ConfigError(f"uncertainty={shown}: 'parameters' must map config keys to [low, high]")
    return {str(key): _checked_range(key, rng, shown) for key, rng in params.items()}, shown


def load_choices(spec: str) -> dict[str, list[str]]:
    """The categorical knobs of the uncertainty file ``spec`` names (its ``choices``:
    ``{dotted key: [option, ...]}``), each option checked against the knob's allowed
    values; empty when the file has none.

    Parameters
    ----------
    spec : str
        A name (``default``) or a YAML file, as for :func:`load_uncertainty`.
    """
    path, shown = _uncertainty_path(spec)
    choices = read_yaml(path, "uncertainty").get("choices") or {}
    if not isinstance(choices, dict):
        raise ConfigError(f"uncertainty={shown}: 'choices' must map config keys to [option, ...]")
    out = {}
    for key, options in choices.items():
        f = field_of(str(key))
        if f is None:
            raise ConfigError(f"uncertainty={shown}: unknown config key {key!r}")
        allowed = f.metadata.get("choices")
        if not allowed or not all(isinstance(x, str) for x in allowed):
            raise ConfigError(f"uncertainty={shown}: {key} is not a knob with named options")
        if not isinstance(options, list) or not options:
            raise ConfigError(f"uncertainty={shown}: {key} needs a list of options")
        bad = [o for o in options if o not in allowed]
        if bad:
            raise ConfigError(
                f"uncertainty={shown}: {key}: {bad[0]!r} is not one of {', '.join(allowed)}"
            )
        out[str(key)] = [str(o) for o in options]
    return out


def sample_choices(choices: dict[str, list[str]], n: int, seed: int) -> pd.DataFrame:
    """One option of each categorical knob per world: each option in an equal share of the
    ``n`` worlds (as equal as ``n`` allows, so every option appears when ``n`` is at least
    the number of options), in a random order; deterministic in ``seed`` and independent
    of the Latin hypercube (adding choices leaves the sampled parameters unchanged).

    Parameters
    ----------
    choices : dict of str to list of str
        Each categorical knob's options (:func:`load_choices`).
    n : int
        Worlds to sample.
    seed : int
        Seed of the sample.
    """
    rng = np.random.default_rng([seed, 1])
    cols = {}
    for key, options in choices.items():
        cols[key] = [options[i] for i in rng.permutation(np.arange(max(n, 0)) % len(options))]
    return pd.DataFrame(cols, index=pd.RangeIndex(max(n, 0)))


def verdict_by_choice(robust: pd.DataFrame, key: str, col: str = "diff_value") -> str:
    """A sentence: the share of worlds the proposal wins (``col`` > 0) under each option
    of the categorical knob ``key``, and whether the verdict's sign depends on it (the
    majority flips between options).  Empty when ``robust`` has no such column.

    Parameters
    ----------
    robust : pandas.DataFrame
        The robust table (one row per world, with the knob's column).
    key : str
        The categorical knob (``behavior.learning``).
    col : str
        The difference the verdict judges.
    """
    if key not in robust or col not in robust or robust.empty:
        return ""
    parts, majority = [], set()
    for option, group in robust.groupby(key, sort=True):
        won = float((group[col] > 0).mean())
        parts.append(f"{option}: {won:.0%} of {len(group)}")
        if won != 0.5:
            majority.add(won > 0.5)
    depends = "depends" if len(majority) > 1 else "does not depend"
    return (
        f"By {key} (worlds the proposal wins on value): {'; '.join(parts)}. "
        f"The verdict's sign {depends} on it."
    )


def sample_worlds(
    ranges: dict[str, tuple[float, float]],
    n: int,
    seed: int,
    choices: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """``n`` Latin-hypercube samples over ``ranges`` (uniform in each), deterministic;
    integer knobs rounded; then one option of each categorical knob in ``choices``
    (:func:`sample_choices`).

    Parameters
    ----------
    ranges : dict of str to (float, float)
        Each uncertain parameter's range, in the knob's unit.
    n : int
        Worlds to sample.
    seed : int
        Seed of the sample.
    choices : dict of str to list of str, optional
        Each categorical knob's options (structural uncertainty).
    """
    df = _latin_worlds(ranges, n, seed)
    for key, values in sample_choices(choices or {}, len(df), seed).items():
        df[key] = values.to_numpy()
    return df


def _latin_worlds(ranges: dict[str, tuple[float, float]], n: int, seed: int) -> pd.DataFrame:
    """The Latin hypercube of :func:`sample_worlds` (numeric knobs only)."""
    keys = list(ranges)
    if n <= 0 or not keys:
        return pd.DataFrame(columns=["world", *keys])
    u = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(n)
    lo = np.array([ranges[k][0] for k in keys])
    hi = np.array([ranges[k][1] for k in keys])
    x = lo + u * (hi - lo)
    df = pd.DataFrame(x, columns=keys)
    for k in keys:
        f = field_of(k)
        if f is not None and f.type in ("int", int):
            df[k] = df[k].round().astype(int)
    df.insert(0, "world", np.arange(n))
    return df


#: Top-level keys a posterior may not set: the comparison's own settings and schemes.
NOT_SAMPLED = ("seed", "days", "rollout_day", "scheme", "proposal", "specialist_scheme")


def load_posterior(path: str) -> pd.DataFrame:
    """The posterior draws of ``centre.posterior``: a CSV with one row per draw and one
    column per dotted numeric config key, every value finite and inside the knob's
    allowed range.  Raises :class:`ConfigError` naming the file, the column or row.

    Parameters
    ----------
    path : str
        The file, as the config gives it (relative paths as
        :func:`sim.config.resolve_data_path` finds them).
    """
    where = f"centre.posterior={path!r}"
    file = resolve_data_path(path)
    try:
        df = pd.read_csv(file)
    except FileNotFoundError:
        raise ConfigError(
            f"{where}: no such file (looked in the working directory, "
            "configs/ and the repository root)"
        ) from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot be read as CSV ({exc})") from None
    if df.empty or not len(df.columns):
        raise ConfigError(f"{where}: no draws; expected a header of config keys and rows")
    for col in df.columns:
        f = field_of(str(col))
        if f is None:
            raise ConfigError(f"{where}: column {col!r} is not a config key")
        if str(col).split(".", 1)[0] in NOT_SAMPLED:
            raise ConfigError(f"{where}: column {col!r} is set by kpisim compare itself")
        if f.type not in ("float", "float | None", "int") and f.type not in (float, int):
            raise ConfigError(f"{where}: column {col!r} is not a numeric knob")
        x = pd.to_numeric(df[col], errors="coerce")
        bad = ~np.isfinite(x.to_numpy(dtype=float))
        lo, hi = f.metadata.get("range", (None, None))
        if lo is not None:
            bad |= x.to_numpy(dtype=float) < lo
        if hi is not None:
            bad |= x.to_numpy(dtype=float) > hi
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise ConfigError(
                f"{where}: row {r + 1}: {col}={df[col].iloc[r]!r} is not allowed: a number "
                f"in [{'' if lo is None else f'{lo:g}'}, {'' if hi is None else f'{hi:g}'}]"
            )
        df[col] = x.round().astype(int) if f.type in ("int", int) else x.astype(float)
    return df


def sample_posterior(draws: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` worlds drawn from the posterior rows, deterministic in ``seed``: without
    replacement when there are enough rows, else with replacement.

    Parameters
    ----------
    draws : pandas.DataFrame
        The posterior draws (:func:`load_posterior`).
    n : int
        Worlds to draw.
    seed : int
        Seed of the draw.
    """
    keys = list(draws.columns)
    if n <= 0:
        return pd.DataFrame(columns=["world", *keys])
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(draws), size=n, replace=n > len(draws))
    df = draws.iloc[rows].reset_index(drop=True)
    df.insert(0, "world", np.arange(n))
    return df
