"""A centre's KPI history in: one row per pay period or month, checked.

The file (CSV) has fixed column names (docs/calibrate.md, "KPI history and the
posterior"); a ``kpis:`` section of the mapping YAML may rename them (``fcr: FCR_pct``
= the file's column ``FCR_pct`` holds ``fcr``).

* ``period`` (required): ``1..N`` (pay periods of ``period_days`` working days each) or
  ``YYYY-MM`` (calendar months, as many working days as the month has weekdays), in
  order, consecutive, no gaps.
* KPIs, at least one: ``aht_s`` (measured average handle time, s), ``fcr`` (share of
  answered calls the agents coded resolved: the dashboard's self-coded FCR), ``csat``
  (top-2-box share of the survey answers), ``attrition_annual`` (quits / headcount,
  annualised over 250 working days) or ``quits`` + ``headcount`` (the period's quits and
  mean headcount), ``abandon_rate`` and ``service_level`` (shares of offered calls).
* ``scheme``, optional: the pay scheme in force each period, a name under
  ``configs/scheme/`` or the path of a scheme YAML; at most one change
  (:mod:`.schemes`: the simulated periods run under their schemes).
* Counts, optional: ``calls`` (answered calls in the period: the size of every share's
  and mean's sample) and ``surveys`` (survey answers in the period: CSAT's sample and,
  with ``calls``, the survey response rate ``survey_rate`` = surveys / calls).

An empty cell is a KPI not measured that period.  Every broken rule raises
:class:`~sim.calibrate.mapping.DataError` naming the file, the column, the rule and the
first offending lines (line 1 is the header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..units import DAYS_PER_YEAR
from .mapping import DataError
from .records import lines, read_csv_text
from .schemes import SchemePlan, scheme_plan

#: KPI column -> (low, high) allowed values
KPIS: dict[str, tuple[float, float]] = {
    "aht_s": (0.0, 36_000.0),
    "fcr": (0.0, 1.0),
    "csat": (0.0, 1.0),
    "attrition_annual": (0.0, 5.0),
    "abandon_rate": (0.0, 1.0),
    "service_level": (0.0, 1.0),
}
#: count columns -> (low, high)
COUNTS: dict[str, tuple[float, float]] = {
    "quits": (0.0, 1e6),
    "headcount": (0.0, 1e6),
    "calls": (0.0, 1e9),
    "surveys": (0.0, 1e9),
}
COLUMNS = ("period", "scheme", *KPIS, *COUNTS)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class History:
    """A checked KPI history: per period its label, working days, KPIs and counts.

    ``kpis[name]`` holds one value per period (NaN: not measured); ``attrition_annual``
    is derived from ``quits`` and ``headcount`` when those are given.  ``counts`` holds
    the optional ``calls``, ``surveys`` and ``headcount`` columns (NaN where empty);
    ``plan`` the schemes of the ``scheme`` column (None: no such column, the centre's
    scheme throughout)."""

    path: str
    labels: list[str]
    days: np.ndarray
    kpis: dict[str, np.ndarray] = field(default_factory=dict)
    counts: dict[str, np.ndarray] = field(default_factory=dict)
    plan: SchemePlan | None = None

    @property
    def n(self) -> int:
        return len(self.labels)

    def head(self, n: int) -> History:
        """The first ``n`` periods (the part a fit with ``predict_after`` sees).

        Parameters
        ----------
        n : int
            Periods kept, 1..N.
        """
        return History(
            self.path,
            self.labels[:n],
            self.days[:n],
            {k: v[:n] for k, v in self.kpis.items()},
            {k: v[:n] for k, v in self.counts.items()},
            None if self.plan is None else self.plan.head(n),
        )

    def fitted_periods(self, predict_after: str | None) -> int:
        """How many periods a fit uses: all, or those up to and including the label
        ``predict_after`` (at least one period must remain to predict).

        Parameters
        ----------
        predict_after : str or None
            A period label of the history (``3``, ``2024-05``), or None.

        Raises
        ------
        DataError
            The label is not a period of the history, or is its last.
        """
        if predict_after is None:
            return self.n
        if predict_after not in self.labels:
            raise DataError(
                f"predict_after={predict_after!r}: not a period of the KPI history {self.path} "
                f"(its periods: {self.labels[0]} .. {self.labels[-1]})"
            )
        k = self.labels.index(predict_after) + 1
        if k == self.n:
            raise DataError(
                f"predict_after={predict_after!r}: the KPI history's last period, nothing "
                f"is left to predict: choose one of {self.labels[0]} .. {self.labels[-2]}"
            )
        return k


def _period_days(col: pd.Series, src: str, period_days: int) -> np.ndarray:
    """Working days of each period; periods must be 1..N or consecutive months."""
    v = col.to_numpy(dtype=str)
    if all(x.isdigit() for x in v):
        num = v.astype(int)
        bad = num != np.arange(1, len(v) + 1)
        if bad.any():
            raise DataError(
                f"KPI history {src}: column 'period': periods must be 1, 2, ..., N in order, "
                f"{lines(bad, col)}"
            )
        return np.full(len(v), period_days, dtype=int)
    months = [_MONTH.match(x) for x in v]
    bad = np.array([m is None or not 1 <= int(m.group(2)) <= 12 for m in months])
    if bad.any():
        raise DataError(
            f"KPI history {src}: column 'period': not a period number or a month YYYY-MM, "
            f"{lines(bad, col)}"
        )
    idx = np.array([int(m.group(1)) * 12 + int(m.group(2)) - 1 for m in months])  # type: ignore[union-attr]
    gap = np.r_[False, np.diff(idx) != 1]
    if gap.any():
        raise DataError(
            f"KPI history {src}: column 'period': months must be consecutive and in order, "
            f"{lines(gap, col)}"
        )
    start = np.array([f"{i // 12:04d}-{i % 12 + 1:02d}-01" for i in idx], dtype="datetime64[D]")
    end = np.array(
        [f"{(i + 1) // 12:04d}-{(i + 1) % 12 + 1:02d}-01" for i in idx], dtype="datetime64[D]"
    )
    return np.busday_count(start, end).astype(int)


def _numbers(col: pd.Series, name: str, src: str, lo: float, hi: float) -> np.ndarray:
    """The column as floats (NaN where empty), each in [lo, hi].

    Parameters
    ----------
    col : pandas.Series
        The column as read (strings; ``""`` is empty).
    name : str
        Its name in the file, for the error message.
    src : str
        The file, for the error message.
    lo, hi : float
        Allowed range of a value, in the column's unit (``hi == 1``: a share in [0, 1]).

    Raises
    ------
    DataError
        A value is not a number or out of range, or every value is empty.
    """
    num = pd.to_numeric(col.where(col != ""), errors="coerce")
    bad = num.isna().to_numpy() & (col != "").to_numpy()
    if bad.any():
        raise DataError(f"KPI history {src}: column {name!r}: not a number, {lines(bad, col)}")
    x = num.to_numpy(dtype=float)
    out = ~np.isnan(x) & ((x < lo) | (x > hi) | ~np.isfinite(x))
    if out.any():
        what = "a share in [0, 1]" if hi == 1.0 else f"a value in [{lo:g}, {hi:g}]"
        raise DataError(f"KPI history {src}: column {name!r}: must be {what}, {lines(out, col)}")
    if np.isnan(x).all():
        raise DataError(f"KPI history {src}: column {name!r}: every value is empty")
    return x


def read_history(
    path: str | Path, period_days: int = 21, rename: dict[str, str] | None = None
) -> History:
    """Read and check a KPI history CSV.

    Parameters
    ----------
    path : str or pathlib.Path
        The history file (``kpis=FILE``).
    period_days : int
        Working days of a numbered period (a ``YYYY-MM`` period has its month's weekdays).
    rename : dict of str to str, optional
        The mapping's ``kpis:`` section: our column name -> the file's.

    Raises
    ------
    DataError
        The file cannot be read or breaks a rule of the format (module docstring).
    """
    src = str(path)
    df = read_csv_text(path, f"KPI history {src}")
    df.columns = [str(c).strip() for c in df.columns]
    for ours, theirs in (rename or {}).items():
        if ours not in COLUMNS:
            raise DataError(
                f"mapping kpis: {ours!r} is not a KPI history column: {', '.join(COLUMNS)}"
            )
        if theirs not in df.columns:
            raise DataError(
                f"KPI history {src}: mapping kpis.{ours} names column {theirs!r}, which does "
                f"not exist; the file's columns: {', '.join(df.columns)}"
            )
        df = df.rename(columns={theirs: ours})
    unknown = [c for c in df.columns if c not in COLUMNS]
    if unknown:
        raise DataError(
            f"KPI history {src}: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(COLUMNS)} (or rename them in the mapping's kpis: section)"
        )
    if "period" not in df.columns:
        raise DataError(f"KPI history {src}: column 'period' is required")
    if df.empty:
        raise DataError(f"KPI history {src}: a header but no rows")
    df = df.apply(lambda c: c.str.strip())
    if (df["period"] == "").any():
        raise DataError(
            f"KPI history {src}: column 'period': empty, {lines(df['period'] == '', df['period'])}"
        )
    h = History(src, list(df["period"]), _period_days(df["period"], src, period_days))
    if "scheme" in df.columns:
        h.plan = scheme_plan(list(df["scheme"]), src)
    for name, (lo, hi) in {**KPIS, **COUNTS}.items():
        if name in df.columns:
            target = h.kpis if name in KPIS else h.counts
            target[name] = _numbers(df[name], name, src, lo, hi)
    if ("quits" in h.counts) != ("headcount" in h.counts):
        raise DataError(f"KPI history {src}: columns 'quits' and 'headcount' go together")
    if "quits" in h.counts:
        if "attrition_annual" in h.kpis:
            raise DataError(
                f"KPI history {src}: give either 'attrition_annual' or 'quits' + "
                "'headcount', not both"
            )
        hc = h.counts["headcount"]
        zero = hc == 0
        if zero.any():
            raise DataError(
                f"KPI history {src}: column 'headcount': must be positive, "
                f"{lines(zero, df['headcount'])}"
            )
        h.kpis["attrition_annual"] = h.counts.pop("quits") / hc * DAYS_PER_YEAR / h.days
    if "surveys" in h.counts and "calls" in h.counts:
        more = h.counts["surveys"] > h.counts["calls"]
        if more.any():
            raise DataError(
                f"KPI history {src}: column 'surveys': more survey answers than calls, "
                f"{lines(more, df['surveys'])}"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            h.kpis["survey_rate"] = np.where(
                h.counts["calls"] > 0, h.counts["surveys"] / h.counts["calls"], np.nan
            )
    if not h.kpis:
        raise DataError(
            f"KPI history {src}: no KPI column; give at least one of {', '.join(KPIS)} "
            "(or quits + headcount)"
        )
    return h
