"""User-supplied YAML files of ``kpisim compare`` (scheme, scenario-like config and
uncertainty files): read as a mapping, with every problem as a one-line
:class:`ConfigError` naming the file, the line or the key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from ..config import ConfigError


def is_file_spec(spec: str) -> bool:
    """Whether ``current=``/``proposal=``/``uncertainty=`` names a file, not a name.

    Parameters
    ----------
    spec : str
        The value given: a file when it ends in ``.yaml``/``.yml`` or holds a path
        separator.
    """
    return spec.endswith((".yaml", ".yml")) or os.sep in spec or "/" in spec


def read_yaml(path: Path, what: str) -> dict[str, Any]:
    """A YAML file as a mapping, or a one-line :class:`ConfigError`.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    what : str
        The argument that named it (``proposal``), the prefix of every error.
    """
    if not path.is_file():
        raise ConfigError(f"{what}={path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"{what}={path}: not valid YAML{where}: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what}={path}: cannot be read ({exc})") from None
    if data is None:
        raise ConfigError(f"{what}={path}: the file is empty")
    if not isinstance(data, dict):
        raise ConfigError(
            f"{what}={path}: must be a mapping of keys to values (e.g. 'bonus_share: 0.1'), "
            f"not a {type(data).__name__}"
        )
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise ConfigError(f"{what}={path}: key {bad[0]!r} is not a name")
    return data


def omegaconf_error(exc: Exception, prefix: str) -> str:
    """One line for an OmegaConf merge error, naming the full key.

    Parameters
    ----------
    exc : Exception
        The error OmegaConf raised.
    prefix : str
        The start of the line (where the keys came from).
    """
    key = getattr(exc, "full_key", "") or ""
    msg = str(exc).splitlines()[0].strip()
    if type(exc).__name__ in ("ConfigKeyError", "ConfigAttributeError") or "not in" in msg:
        return f"{prefix}unknown key {key!r}: check the spelling"
    if "Value '" in msg or "could not be converted" in msg:
        return f"{prefix}{key}: {msg}" if key else f"{prefix}{msg}"
    return f"{prefix}{key + ': ' if key else ''}{msg}"
