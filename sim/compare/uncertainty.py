"""The uncertain behavioural parameters of the robust verdict and the worlds sampled
over them.

Ranges come from ``configs/uncertainty/NAME.yaml`` or a user file
(``parameters: {dotted.config.key: [low, high]}``), each checked against the knob's own
allowed range; worlds are a Latin hypercube over the ranges (uniform in each).

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
    extra = [k for k in data if k != "parameters"]
    if extra:
        raise ConfigError(f"uncertainty={shown}: unknown key {extra[0]!r}: expected 'parameters'")
    if not isinstance(params, dict) or not params:
        raise ConfigError(f"uncertainty={shown}: 'parameters' must map config keys to [low, high]")
    return {str(key): _checked_range(key, rng, shown) for key, rng in params.items()}, shown


def sample_worlds(ranges: dict[str, tuple[float, float]], n: int, seed: int) -> pd.DataFrame:
    """``n`` Latin-hypercube samples over ``ranges`` (uniform in each), deterministic;
    integer knobs rounded.

    Parameters
    ----------
    ranges : dict of str to (float, float)
        Each uncertain parameter's range, in the knob's unit.
    n : int
        Worlds to sample.
    seed : int
        Seed of the sample.
    """
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
