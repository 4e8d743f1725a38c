"""SMART, all five criteria, per paid KPI of a scheme, from a finished run.

:func:`smart_check` reads the run's employee table (one row per employee per pay period,
``sim.model.pay_period``) and the scheme's config, and judges every KPI the scheme pays on:

- **S**pecific: the share of the paid number that moves with the agent's own work,
  ``(1 - team_share) + team_share / n`` (n = agents per period): with team pay the rest
  moves with colleagues' work.  Pass: at least :data:`SPECIFIC_MIN`.
- **M**easurable: the width of the 95% confidence interval of the KPI per agent per
  period from its number of observations (survey answers, calls, legs, audits; binomial
  for shares, ``mean x handling.cv / sqrt(legs)`` for AHT), median over agent-periods,
  against the scoring band ``|stretch - threshold|``.  Pass: the interval is narrower
  than the band (chance alone cannot carry an agent from no bonus to the cap).  A cliff
  curve has no band unless threshold and stretch are set, so it fails: any noise near
  the target flips its pay.
- **A**chievable: the share of agents whose KPI reaches the target, with its safety net
  holding, in the first pay period of the run: the employees then play their own
  standards (their policy starts at their intrinsic one and only moves when a period
  closes), so these are the numbers of honest effort.  Pass: at least :data:`ACHIEVABLE_MIN`.
- **R**elevant: the correlation across agents (run means, KPI signed so that better is
  higher) with the customer's true experience (``csat_true``, the driver of loyalty and
  so of retention and profit) and with the KPI's true counterpart (``fcr_true`` for FCR,
  ``csat_true`` for CSAT), the smaller of the two, corrected for the KPI's sampling
  noise (Spearman's correction for attenuation: r / sqrt(reliability)) so that noise is
  judged by M, not twice.  Pass: at least :data:`RELEVANT_MIN`.
- **T**ime-bound: the pay period against the KPI's feedback delay
  (``sim.measurement.FEEDBACK_DELAY_DAYS``): pass when the period is at least
  ``1 / FEEDBACK_SHARE_MIN`` times the delay (most of the period's contacts have a final
  value when it closes) and at most :data:`PERIOD_MAX_DAYS` (feedback while it can still
  steer the work).

Values are computed from the run's numbers only; :func:`judge` turns a value into pass or
fail and a plain sentence, so an average over seeds can be judged the same way.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..measurement import FEEDBACK_DELAY_DAYS
from ..units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from ..config import Config, KPIConfig, SchemeConfig
    from .result import RunResult

#: Specific: the agent's own work must move at least half of the paid number.
SPECIFIC_MIN = 0.5
#: Achievable: at least half the agents reach the target by honest effort (the median
#: agent earns the on-target bonus).
ACHIEVABLE_MIN = 0.5
#: Relevant: a "medium" correlation (Cohen 1988, r = 0.3) with the outcome.
RELEVANT_MIN = 0.3
#: Time-bound: at least half of a period's contacts have a final value at its close.
FEEDBACK_SHARE_MIN = 0.5
#: Time-bound: a pay period longer than a quarter (working days) is feedback too late.
PERIOD_MAX_DAYS = DAYS_PER_YEAR / 4
#: Two-sided 95% normal quantile.
Z95 = 1.959964

#: Criterion letter -> name.
CRITERIA = {
    "S": "Specific",
    "M": "Measurable",
    "A": "Achievable",
    "R": "Relevant",
    "T": "Time-bound",
}
#: Paid KPI -> column of the employee table holding its measured value.
KPI_COLUMN = {
    "aht": "aht_s",
    "fcr": "fcr_measured",
    "csat": "csat_survey",
    "transfer": "transfer_rate",
    "web_deflection": "web_push_rate",
    "quality": "quality",
}
#: Paid KPI -> its true counterpart in the employee table (where there is one).
TRUE_COLUMN = {"fcr": "fcr_true", "csat": "csat_true"}
#: The true outcome every KPI should stand for: the customer's true experience.
OUTCOME_COLUMN = "csat_true"
#: Columns of the frame :func:`smart_check` returns.
COLUMNS = ("kpi", "criterion", "name", "value", "limit", "limit_high", "passed", "sentence")


def smart_check(result: RunResult) -> pd.DataFrame:
    """The five SMART criteria for every KPI the run's scheme pays on.

    The scheme is the one in force at the end of the run (the proposal after a rollout,
    judged on the periods from the rollout day on; its "honest" first period is then
    played with the habits of the old scheme).  Returns one row per KPI and criterion
    with the columns of :data:`COLUMNS`: ``value`` (the criterion's number), ``limit``
    (and ``limit_high`` for T) the stated criterion, ``passed`` and a plain ``sentence``.
    An empty frame when the scheme pays on nothing (or nobody has been paid yet).

    Parameters
    ----------
    result : RunResult
        A finished run (its employee table and config).
    """
    return check_employees(result.employees, result.config)


def check_employees(employees: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """:func:`smart_check` from an employee table and its run's config (for a run still
    going, such as the app's).

    Parameters
    ----------
    employees : pandas.DataFrame
        The employee table so far.
    cfg : Config
        The run's config.
    """
    if not len(employees) or "n_aht" not in employees:
        return pd.DataFrame(columns=list(COLUMNS))
    scheme, rows = _scheme_rows(cfg, employees)
    out = []
    for name, kpi in _paid(scheme):
        for letter, (value, limit, high) in _values(name, kpi, scheme, cfg, rows).items():
            out.append(judge(name, letter, value, limit, high))
    return pd.DataFrame(out, columns=list(COLUMNS))


def judge(kpi: str, letter: str, value: float, limit: float, limit_high: float = math.nan) -> dict:
    """One row of :func:`smart_check`: pass or fail and the sentence, from the value.

    Measurable passes at or below its limit, Time-bound within its two limits, the others
    at or above their limit.

    Parameters
    ----------
    kpi : str
        The paid KPI (``aht``, ``fcr``, ``csat``, ...).
    letter : str
        The criterion: ``S``, ``M``, ``A``, ``R`` or ``T``.
    value : float
        The criterion's value: S a share in [0, 1] of the paid number the agent's own work
        moves; M the median 95% interval width per agent-period in the KPI's unit (seconds
        for AHT, else a share); A the share of agents on target; R a correlation in
        [-1, 1]; T the pay period in working days.  NaN when the run cannot tell.
    limit : float
        The criterion's limit in the same unit (T: the shortest period allowed, days).
    limit_high : float
        T only: the longest period allowed, working days (NaN for the others).

    Returns
    -------
    dict
        The row: ``kpi``, ``criterion``, ``name``, ``value``, ``limit``, ``limit_high``,
        ``passed``, ``sentence``.
    """
    if letter == "M":
        ok = bool(value <= limit)
    elif letter == "T":
        ok = bool(limit <= value <= limit_high)
    else:
        ok = bool(value >= limit)
    return {
        "kpi": kpi,
        "criterion": letter,
        "name": CRITERIA[letter],
        "value": value,
        "limit": limit,
        "limit_high": limit_high,
        "passed": ok,
        "sentence": _sentence(kpi, letter, value, limit, limit_high, ok),
    }


def _scheme_rows(cfg: Config, emp: pd.DataFrame) -> tuple[SchemeConfig, pd.DataFrame]:
    """The scheme judged and its rows of the employee table."""
    scheme = cfg.scheme
    rows = emp
    if cfg.rollout_day is not None and cfg.proposal is not None:
        scheme = cfg.proposal
        rows = emp[emp["day_end"] >= cfg.rollout_day] if len(emp) else emp
    if len(rows):
        rows = rows[rows["scheme"] == scheme.name]
    return scheme, rows


def _paid(scheme: SchemeConfig) -> list[tuple[str, KPIConfig]]:
    kpis = scheme.kpis
    return [(n, getattr(kpis, n)) for n in KPI_COLUMN if getattr(kpis, n).weight > 0]


def _values(
    name: str, kpi: KPIConfig, scheme: SchemeConfig, cfg: Config, rows: pd.DataFrame
) -> dict[str, tuple[float, float, float]]:
    """Each criterion's (value, limit, upper limit), in the units :func:`judge` takes.

    Parameters
    ----------
    name : str
        The paid KPI (its column in :data:`KPI_COLUMN`).
    kpi : KPIConfig
        Its config in the scheme judged (target, band, direction, definition).
    scheme : SchemeConfig
        The scheme judged (team share, pay period).
    cfg : Config
        The run's config (handle-time spread for AHT's noise).
    rows : pandas.DataFrame
        The employee table's rows under that scheme.
    """
    nan = math.nan
    per_period = rows.groupby("period").size() if len(rows) else pd.Series(dtype=float)
    n_agents = float(per_period.mean()) if len(per_period) else nan
    ts = scheme.team_share
    specific = (1 - ts) + ts / n_agents if n_agents > 0 else 1 - ts
    delay = FEEDBACK_DELAY_DAYS.get(kpi.definition, 0)
    t_low = delay / FEEDBACK_SHARE_MIN
    return {
        "S": (specific, SPECIFIC_MIN, nan),
        "M": (_ci_width(name, rows, cfg), abs(kpi.stretch - kpi.threshold), nan),
        "A": (_achievable(name, kpi, rows), ACHIEVABLE_MIN, nan),
        "R": (_relevance(name, kpi, rows, cfg), RELEVANT_MIN, nan),
        "T": (float(scheme.period_days), t_low, PERIOD_MAX_DAYS),
    }


def _noise_sd(name: str, values: np.ndarray, rows: pd.DataFrame, cfg: Config) -> np.ndarray:
    """Sampling standard deviation of one observation behind each value: binomial for
    shares (at the rows' overall rate), the handling-time spread for AHT."""
    if name == "aht":
        return values * cfg.handling.cv
    n = rows[f"n_{name}"].to_numpy(float)
    total = n.sum()
    p = float(np.nansum(values * n) / total) if total > 0 else 0.5
    return np.full(values.shape, math.sqrt(p * (1 - p)))


def _ci_width(name: str, rows: pd.DataFrame, cfg: Config) -> float:
    """Median 95% CI width of the KPI per agent per period (inf without observations)."""
    if not len(rows):
        return math.nan
    v = rows[KPI_COLUMN[name]].to_numpy(float)
    n = rows[f"n_{name}"].to_numpy(float)
    sd = _noise_sd(name, v, rows, cfg)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n > 0, 2 * Z95 * sd / np.sqrt(np.where(n > 0, n, 1)), np.inf)
    return float(np.median(np.nan_to_num(w, nan=np.inf)))


def _meets(v: np.ndarray, kpi: KPIConfig) -> np.ndarray:
    return v <= kpi.target if kpi.direction == "lower" else v >= kpi.target


def _safety_ok(kpi: KPIConfig, rows: pd.DataFrame) -> np.ndarray:
    """Where the KPI's safety net holds (the credit is not cancelled)."""
    m = kpi.safety_metric
    if not m:
        return np.ones(len(rows), dtype=bool)
    g = 1 - rows["repeat_rate"] if m == "fcr_no_repeat" else rows[m]
    g = g.to_numpy(float)
    if m in ("repeat_rate", "complaint_rate"):
        return ~(g > kpi.safety_limit)
    return ~(g < kpi.safety_limit)


def _achievable(name: str, kpi: KPIConfig, rows: pd.DataFrame) -> float:
    """Share of agents on target (safety net holding) in the first, honest period."""
    if not len(rows):
        return math.nan
    first = rows[rows["period"] == rows["period"].min()]
    first = first[first[f"n_{name}"] > 0]
    if not len(first):
        return math.nan
    v = first[KPI_COLUMN[name]].to_numpy(float)
    return float(np.mean(_meets(v, kpi) & _safety_ok(kpi, first)))


def _relevance(name: str, kpi: KPIConfig, rows: pd.DataFrame, cfg: Config) -> float:
    """Smallest noise-corrected correlation across agents of the signed KPI with the
    true experience and with the KPI's true counterpart."""
    col, n_col = KPI_COLUMN[name], f"n_{name}"
    r = rows[rows[n_col] > 0]
    if not len(r):
        return math.nan
    sign = -1.0 if kpi.direction == "lower" else 1.0
    v = r[col].to_numpy(float)
    w = r[n_col].to_numpy(float)
    sd = _noise_sd(name, v, r, cfg)
    d = pd.DataFrame({"id": r["employee_id"].to_numpy(), "vw": v * w, "w": w, "nv": (sd**2) * w})
    for c in {OUTCOME_COLUMN, TRUE_COLUMN.get(name, OUTCOME_COLUMN)}:
        d[c] = r[c].to_numpy(float)
    g = d.groupby("id")
    agent = pd.DataFrame(
        {"kpi": sign * g["vw"].sum() / g["w"].sum(), "noise": g["nv"].sum() / g["w"].sum() ** 2}
    )
    if len(agent) < 3 or agent["kpi"].var() <= 0:
        return math.nan
    reliability = 1.0 - agent["noise"].mean() / agent["kpi"].var()
    if reliability <= 0:
        return math.nan  # noise swamps every difference between agents
    out = []
    for c in {OUTCOME_COLUMN, TRUE_COLUMN.get(name, OUTCOME_COLUMN)}:
        truth = g[c].mean()
        ok = agent["kpi"].notna() & truth.notna()
        if ok.sum() < 3 or truth[ok].var() <= 0:
            return math.nan
        rho = float(np.corrcoef(agent["kpi"][ok], truth[ok])[0, 1])
        out.append(max(-1.0, min(1.0, rho / math.sqrt(reliability))))
    return min(out)


def _fmt(kpi: str, x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.0f} s" if kpi == "aht" else f"{x:.3g}"


def _sentence(kpi: str, letter: str, value: float, limit: float, high: float, ok: bool) -> str:
    """The criterion in plain words.

    Parameters
    ----------
    kpi : str
        The paid KPI.
    letter : str
        The criterion (``S``, ``M``, ``A``, ``R``, ``T``).
    value, limit, high : float
        Value, limit and upper limit as :func:`judge` takes them.
    ok : bool
        Whether the criterion passes.
    """
    k = kpi.upper() if kpi in ("aht", "fcr", "csat") else kpi.replace("_", " ")
    verdict = "passes" if ok else "fails"
    if not math.isfinite(value) and letter == "R":
        return (
            f"{k} fails Relevant: its noise hides every difference between agents "
            "(see Measurable), so nothing is left to correlate with the outcome."
        )
    if not math.isfinite(value):
        return f"{k}: {CRITERIA[letter]} cannot be judged from this run, so it fails."
    if letter == "S":
        rest = "; team pay moves the rest" if value < 1 - 1e-9 else " (no team pay)"
        return (
            f"{k} {verdict} Specific: the agent's own work moves {value:.0%} of the paid "
            f"number (at least {limit:.0%} required){rest}."
        )
    if letter == "M":
        return (
            f"{k} {verdict} Measurable: the 95% interval of one agent's period is "
            f"{_fmt(kpi, value)} wide, against a pay band of {_fmt(kpi, limit)} from "
            "threshold to stretch."
        )
    if letter == "A":
        return (
            f"{k} {verdict} Achievable: {value:.0%} of agents reached the target by "
            f"honest effort in the first period (at least {limit:.0%} required)."
        )
    if letter == "R":
        return (
            f"{k} {verdict} Relevant: across agents it correlates {value:.2f} with the "
            f"customers' true experience and its true counterpart (at least "
            f"{limit:.2f} required, noise-corrected)."
        )
    return (
        f"{k} {verdict} Time-bound: a {value:g}-day pay period against the "
        f"{limit * FEEDBACK_SHARE_MIN:g}-day delay before its value is final "
        f"(allowed {limit:g} to {high:g} days)."
    )
