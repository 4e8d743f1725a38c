"""The column mapping of a data file: which column of a centre's export is which.

A small YAML file (docs/calibrate.md) names, for each canonical field, the column (or a
list of columns: the first non-missing value wins) of the export that holds it, and how
to read its values.  :func:`read_mapping` reads and checks it (:func:`check_mapping`
checks one already parsed); every problem raises :class:`DataError` naming the mapping
file and the key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import ConfigError


class DataError(ConfigError):
    """Bad calibration input (a mapping or a data file); the CLI prints it without a
    traceback and writes nothing."""


#: canonical fields of a call-detail record: key -> required?
CALL_KEYS = {
    "call_id": False,
    "arrival": True,
    "date": False,
    "answered_at": False,
    "ended_at": False,
    "wait_s": False,
    "handle_s": False,
    "talk_s": False,
    "hold_s": False,
    "acw_s": False,
    "outcome": False,
    "agent": False,
    "customer": False,
    "disposition": False,
}
#: canonical fields of an interval report: key -> required?
INTERVAL_KEYS = {
    "interval_start": True,
    "date": False,
    "offered": True,
    "answered": False,
    "abandoned": False,
    "aht_s": False,
    "asa_s": False,
    "service_level": False,
    "staffed": False,
}
OUTCOME_CLASSES = ("answered", "abandoned", "ignore")
TOP_KEYS = {
    "format",
    "columns",
    "outcomes",
    "time_format",
    "date_format",
    "missing",
    "missing_by_column",
    "open_time",
    "close_time",
    "interval_minutes",
    "sep",
    "tolerance_s",
    "kpis",
}


@dataclass
class Mapping:
    """A checked mapping.  ``columns`` maps a canonical key to its source columns."""

    path: str
    format: str
    columns: dict[str, list[str]]
    outcomes: dict[str, list[str]] = field(default_factory=dict)
    time_format: str | None = None
    date_format: str | None = None
    missing: list[str] = field(default_factory=lambda: [""])
    missing_by_column: dict[str, list[str]] = field(default_factory=dict)
    open_time: str | None = None
    close_time: str | None = None
    interval_minutes: int = 30
    sep: str | None = None
    tolerance_s: float = 0.0
    #: the KPI history's columns: our name -> the file's (sim/calibrate/history.py)
    kpis: dict[str, str] = field(default_factory=dict)

    def missing_for(self, key: str) -> set[str]:
        """Strings that mean "absent" in the column(s) of canonical ``key``.

        Parameters
        ----------
        key : str
            A canonical field (``wait_s``, ``agent``, ...).
        """
        return set(self.missing) | set(self.missing_by_column.get(key, []))


def _err(path: str, key: str, msg: str) -> DataError:
    return DataError(f"mapping {path}: {key}: {msg}")


def _str_list(path: str, key: str, value: object, empty: bool = False) -> list[str]:
    """A value or a list of values as strings; an empty list only where ``empty``."""
    items = value if isinstance(value, list) else [value]
    if (not items and not empty) or not all(isinstance(x, (str, int, float)) for x in items):
        raise _err(path, key, f"{value!r} is not allowed: a column name or a list of them")
    return [str(x) for x in items]


def parse_hhmm(text: str, path: str, key: str) -> int:
    """Seconds since midnight of ``HH:MM`` (``24:00`` allowed, for a closing time).

    Parameters
    ----------
    text : str
        The time of day.
    path : str
        The mapping file, for the error message.
    key : str
        The mapping's key that holds it (``open_time``), for the error message.
    """
    parts = str(text).strip().split(":")
    ok = len(parts) == 2 and all(p.isdigit() for p in parts)
    h, m = (int(parts[0]), int(parts[1])) if ok else (-1, -1)
    if not ok or not (0 <= m < 60 and (h < 24 or (h == 24 and m == 0))):
        raise _err(path, key, f"{text!r} is not allowed: a time of day HH:MM")
    return 3600 * h + 60 * m


def read_mapping(path: str | Path) -> Mapping:
    """Read and check the mapping YAML at ``path``.

    Parameters
    ----------
    path : str or pathlib.Path
        The mapping file (``mapping=FILE``).

    Raises
    ------
    DataError
        The file cannot be read or a key is unknown or wrong.
    """
    p = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"mapping {p}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise DataError(f"mapping {p}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return check_mapping(raw, p)


def check_mapping(raw: object, p: str) -> Mapping:
    """Check a mapping's parsed YAML ``raw`` (named ``p`` in messages) -> :class:`Mapping`.

    Parameters
    ----------
    raw : object
        The parsed YAML.
    p : str
        The mapping file's name, for error messages.
    """
    if not isinstance(raw, dict):
        raise DataError(f"mapping {p}: must be a YAML mapping with keys format and columns")
    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        raise _err(p, unknown[0], f"unknown key; allowed: {', '.join(sorted(TOP_KEYS))}")
    fmt = raw.get("format")
    if fmt not in ("calls", "intervals"):
        raise _err(p, "format", f"{fmt!r} is not allowed: calls or intervals")
    allowed = CALL_KEYS if fmt == "calls" else INTERVAL_KEYS
    cols_raw = raw.get("columns")
    if not isinstance(cols_raw, dict) or not cols_raw:
        raise _err(p, "columns", "missing or empty: a mapping of canonical keys to columns")
    columns: dict[str, list[str]] = {}
    for key, value in cols_raw.items():
        if key not in allowed:
            raise _err(
                p, f"columns.{key}", f"unknown for format {fmt}; allowed: {', '.join(allowed)}"
            )
        columns[key] = _str_list(p, f"columns.{key}", value)
    for key, required in allowed.items():
        if required and key not in columns:
            raise _err(p, f"columns.{key}", f"required for format {fmt}, but not mapped")
    m = Mapping(path=p, format=fmt, columns=columns)
    if fmt == "calls":
        _check_calls(p, raw, m)
    else:
        _check_intervals(p, raw, m)
    for key in ("time_format", "date_format", "sep"):
        if raw.get(key) is not None:
            if not isinstance(raw[key], str) or not raw[key]:
                raise _err(p, key, f"{raw[key]!r} is not allowed: a non-empty string")
            setattr(m, key, raw[key])
    if "missing" in raw:
        m.missing = _str_list(p, "missing", raw["missing"])
    mbc = raw.get("missing_by_column") or {}
    if not isinstance(mbc, dict) or any(k not in columns for k in mbc):
        raise _err(p, "missing_by_column", f"{mbc!r} is not allowed: mapped keys -> lists")
    m.missing_by_column = {k: _str_list(p, f"missing_by_column.{k}", v) for k, v in mbc.items()}
    for key in ("open_time", "close_time"):
        if raw.get(key) is not None:
            parse_hhmm(raw[key], p, key)
            setattr(m, key, str(raw[key]))
    iv = raw.get("interval_minutes", 30)
    if iv not in (15, 30, 60):
        raise _err(p, "interval_minutes", f"{iv!r} is not allowed: 15, 30 or 60")
    m.interval_minutes = int(iv)
    tol = raw.get("tolerance_s", 0.0)
    if not isinstance(tol, (int, float)) or not math.isfinite(tol) or not 0 <= tol <= 60:
        raise _err(p, "tolerance_s", f"{tol!r} is not allowed: seconds in [0, 60]")
    m.tolerance_s = float(tol)
    kp = raw.get("kpis") or {}
    if not isinstance(kp, dict) or not all(isinstance(v, str) and v for v in kp.values()):
        raise _err(p, "kpis", f"{kp!r} is not allowed: KPI history columns -> the file's names")
    m.kpis = {str(k): v for k, v in kp.items()}
    if (
        m.open_time
        and m.close_time
        and (parse_hhmm(m.close_time, p, "close_time") <= parse_hhmm(m.open_time, p, "open_time"))
    ):
        raise _err(p, "close_time", f"{m.close_time!r} must be after open_time")
    return m


def _check_calls(p: str, raw: dict, m: Mapping) -> None:
    """Rules of a ``calls`` mapping: outcome classes, and enough to tell waits apart."""
    c = m.columns
    out = raw.get("outcomes")
    if "outcome" in c:
        if not isinstance(out, dict) or not out:
            raise _err(
                p,
                "outcomes",
                "required with columns.outcome: e.g. "
                "{answered: [AGENT], abandoned: [HANG], ignore: [PHANTOM]}",
            )
        bad = sorted(set(out) - set(OUTCOME_CLASSES))
        if bad:
            raise _err(p, f"outcomes.{bad[0]}", f"unknown; allowed: {', '.join(OUTCOME_CLASSES)}")
        # an empty class is allowed: ``ignore: []`` says no value is set aside
        m.outcomes = {k: _str_list(p, f"outcomes.{k}", v, empty=True) for k, v in out.items()}
        seen: dict[str, str] = {}
        for k, values in m.outcomes.items():
            for v in values:
                if v in seen:
                    raise _err(p, f"outcomes.{k}", f"{v!r} is also listed under {seen[v]}")
                seen[v] = k
    elif out:
        raise _err(p, "outcomes", "given without columns.outcome")
    if "wait_s" not in c and "answered_at" not in c:
        raise _err(
            p, "columns.wait_s", "map wait_s or answered_at (the wait is answered_at - arrival)"
        )
    if "handle_s" not in c and "talk_s" not in c and not ("ended_at" in c and "answered_at" in c):
        raise _err(
            p,
            "columns.handle_s",
            "map handle_s, or talk_s (+ hold_s, acw_s), or answered_at and ended_at",
        )
    if "outcome" not in c and "answered_at" not in c:
        raise _err(p, "columns.outcome", "map outcome, or answered_at (answered when present)")


def _check_intervals(p: str, raw: dict, m: Mapping) -> None:
    """Rules of an ``intervals`` mapping: no outcome classes; answered or abandoned (the
    other is offered minus it); ASA or service level when both of those are mapped."""
    if raw.get("outcomes"):
        raise _err(p, "outcomes", "not used with format intervals (counts are columns)")
    c = m.columns
    if "answered" not in c and "abandoned" not in c:
        raise _err(p, "columns.answered", "map answered or abandoned (or both)")
    if "asa_s" in c and "service_level" in c:
        raise _err(p, "columns.service_level", "map asa_s or service_level, not both")
