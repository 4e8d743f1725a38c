"""People in a comparison: headcount, hires and leavers per run (reconciling the hiring
cost), turnover by performance tier, and the change in each agent's pay between the arms.

Worker side, :func:`people_extract` reduces one run to a few summary numbers and a compact
per-agent table (employee id, pay period end, pay, true FCR): small enough to pickle back.
After the runs, :func:`agent_pay_changes` pairs the agents across the arms of each
replication and :func:`pay_change_summary` gives the share of agents who lose pay and the
quantiles of the change.  The page's words are in :mod:`.page_people`.

Pairing: with common random numbers both arms seat the same agents (same employee ids)
until the rollout, but agents hired later are different people in each arm even when
their ids coincide.  So an agent is paired only when it was paid in a pay period that
closed before the rollout day *and* in at least one that closed on or after it, in both
arms.  Its pay after the rollout is the pay of the periods closing on or after the
rollout day per working day of those periods, times 250 (currency units a year): a rate
while employed, so an agent who leaves early is compared on the days it was paid.

Tiers: agents of the first pay period, split into terciles of their true resolution rate
(``fcr_true`` of that period, ties by employee id); the first period closes before the
rollout, so the tiers are the same people in both arms.  A tier's turnover is the share of
its agents not paid in the run's last pay period (they quit or were dismissed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..stats import mean_ci
from ..units import DAYS_PER_YEAR

#: performance tiers by true FCR in the first pay period (bottom, middle, top third)
TIERS = ("low", "mid", "high")
#: quantiles of the per-agent pay change shown on the page
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
#: columns of the per-agent extract
AGENT_COLUMNS = ("employee_id", "day_end", "pay", "fcr_true")


def cost_per_hire(cfg: Any) -> float:
    """Replacement cost of one hire (hiring and training), currency units: the rule of
    ``sim.model.onboarding.hire`` (``replacement_cost_months`` monthly experienced salaries).

    Parameters
    ----------
    cfg : Config
        The run's config.
    """
    e = cfg.employees
    return float(e.replacement_cost_months * e.salary_experienced_annual / 12.0)


def headcount_flows(daily: pd.DataFrame) -> dict[str, float]:
    """Headcount at the start and end of the run, hires, leavers and dismissals.

    ``staff`` is counted at the close of each day, after that day's hires and quits, and
    ``quits`` counts dismissals too; so the headcount before day 0 is the first day's
    staff minus its hires plus its leavers, and ``headcount_end = headcount_start + hires -
    leavers`` holds by construction (dismissals at the last pay period's close included).

    Parameters
    ----------
    daily : pandas.DataFrame
        The run's daily table (``staff``, ``hires``, ``quits``, ``dismissals``).
    """
    if daily.empty:
        nan = float("nan")
        return dict(headcount_start=nan, headcount_end=nan, hires=nan, leavers=nan, dismissals=nan)
    first = daily.iloc[0]
    hires = float(daily["hires"].sum())
    leavers = float(daily["quits"].sum())
    start = float(first["staff"] - first["hires"] + first["quits"])
    return {
        "headcount_start": start,
        "headcount_end": start + hires - leavers,
        "hires": hires,
        "leavers": leavers,
        "dismissals": float(daily["dismissals"].sum()),
    }


def tiers(agents: pd.DataFrame) -> pd.Series:
    """Tier (``low``/``mid``/``high``) of each agent of the first pay period, by terciles
    of its true FCR in that period (ties broken by employee id; an agent without a true FCR,
    no contacts owned, counts in the bottom third); indexed by employee id.

    Parameters
    ----------
    agents : pandas.DataFrame
        A run's per-agent extract (:data:`AGENT_COLUMNS`).
    """
    if agents.empty:
        return pd.Series(dtype=object)
    first = agents[agents["day_end"] == agents["day_end"].min()]
    first = first.sort_values(["fcr_true", "employee_id"], na_position="first")
    n = len(first)
    which = np.minimum(np.arange(n) * 3 // max(n, 1), 2)
    return pd.Series(np.array(TIERS)[which], index=first["employee_id"].to_numpy())


def tier_turnover(agents: pd.DataFrame) -> dict[str, float]:
    """``leavers_share_tier_<tier>``: share (0-1) of each tier's agents not paid in the
    run's last pay period.

    Parameters
    ----------
    agents : pandas.DataFrame
        A run's per-agent extract (:data:`AGENT_COLUMNS`).
    """
    tier = tiers(agents)
    out = {f"leavers_share_tier_{t}": float("nan") for t in TIERS}
    if tier.empty:
        return out
    last = set(agents.loc[agents["day_end"] == agents["day_end"].max(), "employee_id"])
    left = pd.Series([i not in last for i in tier.index], index=tier.index)
    for t in TIERS:
        members = left[tier == t]
        if len(members):
            out[f"leavers_share_tier_{t}"] = float(members.mean())
    return out


def people_extract(res: Any) -> dict[str, Any]:
    """What a worker keeps of a run for this module: ``summary`` (numbers added to the
    run's summary: :func:`headcount_flows`, ``cost_per_hire``, :func:`tier_turnover`) and
    ``agents`` (the per-agent extract, :data:`AGENT_COLUMNS`).

    Parameters
    ----------
    res : RunResult
        The finished run (its config, daily and employee tables).
    """
    emp = res.employees
    cols = list(AGENT_COLUMNS)
    agents = (
        emp[cols].copy()
        if not emp.empty and set(cols) <= set(emp.columns)
        else pd.DataFrame(columns=cols)
    )
    summary = headcount_flows(res.daily)
    summary["cost_per_hire"] = cost_per_hire(res.config)
    summary.update(tier_turnover(agents))
    return {"summary": summary, "agents": agents}


def _pay_after(agents: pd.DataFrame, rollout_day: int) -> pd.Series:
    """Annual pay rate after the rollout of each agent paid before and after it
    (currency units a year), indexed by employee id."""
    if agents.empty:
        return pd.Series(dtype=float)
    ends = np.sort(agents["day_end"].unique())
    length = pd.Series(np.diff(np.concatenate([[-1], ends])), index=ends)
    a = agents.assign(days=agents["day_end"].map(length))
    before = set(a.loc[a["day_end"] < rollout_day, "employee_id"])
    after = a[(a["day_end"] >= rollout_day) & a["employee_id"].isin(before)]
    g = after.groupby("employee_id")
    return g["pay"].sum() / g["days"].sum() * DAYS_PER_YEAR


def agent_pay_changes(
    reps: pd.DataFrame, results: list[dict[str, Any]], rollout_day: int
) -> pd.DataFrame:
    """Per replication and paired agent: annual pay after the rollout in each arm and the
    change (proposal - current), currency units a year.

    Parameters
    ----------
    reps : pandas.DataFrame
        The main runs' ``arm`` and ``replication``, in the order of ``results``.
    results : list of dict
        The main runs' results, each with its ``agents`` extract (:func:`people_extract`).
    rollout_day : int
        The working day the proposal takes over.
    """
    by: dict[tuple[str, int], pd.DataFrame] = {}
    for (_, row), res in zip(reps.iterrows(), results, strict=False):
        if "agents" in res:
            by[(row["arm"], int(row["replication"]))] = res["agents"]
    frames = []
    day = rollout_day
    for (arm, r), agents in sorted(by.items()):
        if arm != "current" or ("proposal", r) not in by:
            continue
        cur = _pay_after(agents, day)
        pro = _pay_after(by[("proposal", r)], day)
        both = cur.index.intersection(pro.index)
        frames.append(
            pd.DataFrame(
                {
                    "replication": r,
                    "employee_id": both,
                    "pay_current": cur[both].to_numpy(),
                    "pay_proposal": pro[both].to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=["replication", "employee_id", "pay_current", "pay_proposal", "change"]
        )
    df = pd.concat(frames, ignore_index=True)
    return df.assign(change=df["pay_proposal"] - df["pay_current"])


def pay_change_summary(changes: pd.DataFrame) -> dict[str, float]:
    """The share of paired agents who lose pay (mean over replications of each
    replication's share, with its 95 % t-interval half-width), the share who gain, and
    the quantiles :data:`QUANTILES` of the change over all paired agents and replications.

    Parameters
    ----------
    changes : pandas.DataFrame
        The table of :func:`agent_pay_changes`.
    """
    out: dict[str, float] = {"agents": float(len(changes))}
    if changes.empty:
        out.update(share_losing=float("nan"), share_losing_hw=float("nan"))
        out.update(share_gaining=float("nan"))
        out.update({f"q{int(100 * q)}": float("nan") for q in QUANTILES})
        return out
    g = changes.groupby("replication")["change"]
    out["share_losing"], out["share_losing_hw"] = mean_ci(g.apply(lambda c: (c < 0).mean()))
    out["share_gaining"] = float(g.apply(lambda c: (c > 0).mean()).mean())
    for q in QUANTILES:
        out[f"q{int(100 * q)}"] = float(changes["change"].quantile(q))
    return out
