"""The five signs of a toxic KPI (docs/ODD.md, "Observation"), computed for every run.

Each sign has a ``value`` (a number with the meaning given below), a ``flag`` (the
sign is present) and a plain ``sentence`` for a non-modeller.

1. contradiction — the dashboard flatters or moves the wrong way.  Level: measured FCR
   and survey CSAT minus the honest record of the same contacts (what the same
   measurement would have shown had nobody gamed it) in the late window, so a gap from
   who gets surveyed does not count; flagged above 2 standard errors of the centre's
   measured KPI over one pay period (``gaps.level_gaps``).  Trend: a measured KPI
   improving while its counterpart worsens, early to late window, flagged above 2
   points.  Value: the largest positive gap or move (shares, 0-1).
2. chasing_numbers — share of answered calls with at least one gaming act.
3. indicator_became_target — the Goodhart index, two components in units of their
   flag thresholds (value >= 1: lit): the drop of the across-employee correlation between
   a paid KPI and the true outcome it stood for, from the first pay period to the last
   three (threshold 0.3), and the within-employee widening of each employee's
   measured-vs-true gap from before pay shaped behaviour to the last three periods
   (threshold: 3 standard errors and 2 points, ``gaps.widening``) - uniform gaming keeps
   the correlation but widens everybody's gap.  Averaged over the paid KPIs with their
   weights (all three KPIs when nothing is paid), over the employees the scheme scores
   (as for sign 4's ``score_truth_corr``).
4. not_informing_decisions — whether the managers' decisions follow the truth: the share
   of pay periods in which the dashboard's verdict on the customer side (a customer-side
   tripwire breached: random-survey CSAT, repeat or complaint rate) and the true
   ledger's (true CSAT below the same limit, or a shown tripwire's true value beyond it)
   disagreed: the truth clearly (beyond 5% of the limit) called for an action the
   dashboard did not show, or was clearly fine while the dashboard alarmed (0-1;
   flagged above one period in four; ``sim/model/management.py``).  Secondary
   figure ``score_truth_corr``: across the employees the scheme scores (the front line,
   not specialists on a scheme of their own) in the last three periods, correlation
   between the scheme's score (or measured FCR of everyone when nothing is paid) and
   their customers' true satisfaction (−1..1; low below 0.2).
5. imbalance — share of the scheme's paid weight on efficiency perspectives (internal
   process + financial) of the Balanced Scorecard, flagged when no customer metric or
   safety net balances it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..config import SchemeConfig
from ..config.validate import SIGN_KEYS
from ..measurement import KPIS, PERSPECTIVES, rates
from .gaps import level_gaps, widening

if TYPE_CHECKING:
    from ..model import ContactCentreModel

#: The five signs, in order: (key in ``summary["toxic_signs"]``, label in reports).  The
#: keys have their home in the config layer (``SIGN_KEYS``: a lesson's ``scenario.signs``
#: is validated against them).
SIGNS = tuple(
    zip(
        SIGN_KEYS,
        (
            "Contradiction: the dashboard and reality disagree",
            "Chasing numbers: staff game the figures",
            "The number became the goal: it no longer tracks the real result",
            "Managers steer blind: the number does not show what customers get",
            "Lopsided: the bonus rides on one kind of number",
        ),
        strict=True,
    )
)


MOVE_FLAG = 0.02  # measured better and truth worse by 2 points each
GAMING_FLAG = 0.05  # one answered call in twenty carries a gaming act
GOODHART_FLAG = 0.3  # correlation with the truth dropped by 0.3
INFORM_FLAG = 0.2  # score barely (or negatively) related to customers' true satisfaction
#: The dashboard and the truth disagreed on the customer side in more than one pay period
#: in four (a quarter's worth of monthly periods a year): a random survey near its limit
#: flips by sampling noise now and then, a dashboard without the customer never sees it.
DISAGREE_FLAG = 0.25
#: A scheme leans on one Balanced-Scorecard perspective when it carries at least this
#: share of the paid weight (Kaplan & Norton 1992: the scorecard balances financial,
#: customer, internal-process and learning-and-growth measures).
DOMINANT_FLAG = 0.7
#: Plain names of the perspectives, for the sentence.
PERSPECTIVE_NAMES = {
    "financial": "money",
    "customer": "customer",
    "internal_process": "speed and efficiency",
    "learning_growth": "learning",
}

#: (measured column, true column, higher-is-better for the measured one, label)
PAIRS = (
    ("fcr_measured", "fcr_true", True, "first-contact resolution improved while true resolution"),
    # the survey against its honest record: the surveyed are not all customers
    (
        "csat_survey",
        "csat_survey_honest",
        True,
        "customer satisfaction improved while the honest record of the same survey",
    ),
    ("web_containment", "csat_true", True, "web containment improved while true satisfaction"),
    ("aht_s", "fcr_true", False, "handle time improved while true resolution"),
)


def _corr(a: pd.Series, b: pd.Series) -> float:
    ok = a.notna() & b.notna()
    if ok.sum() < 5 or a[ok].std() == 0 or b[ok].std() == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def _windows(model: ContactCentreModel, daily: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Early and late day windows: before vs after rollout, else first vs last period."""
    cfg = model.cfg
    p = cfg.scheme.period_days
    if cfg.rollout_day is not None and 0 < cfg.rollout_day < len(daily):
        early = daily[daily["day"] < cfg.rollout_day]
        late = daily[daily["day"] >= max(cfg.rollout_day, len(daily) - 3 * p)]
    else:
        early = daily[daily["day"] < p]
        late = daily[daily["day"] >= max(p, len(daily) - 3 * p)]
    return early, late


def _window_rates(df: pd.DataFrame) -> dict[str, float]:
    """A window's rates, recomputed from the window's totals (once per window: the
    signs are recomputed on every redraw of the app).  A rate that cannot be computed
    is NaN, and the pair using it is skipped."""
    tot = df.select_dtypes("number").sum()
    out = {
        k: float(v)
        for k, v in rates(lambda k: float(tot.get(k, 0.0)), "self_coded", "agent_offered").items()
        if np.isscalar(v)
    }
    # measured FCR: the dashboard's own definition, as recorded each day
    ok = (df["answered_owned"] > 0) & df["fcr_measured"].notna()  # censored days: no value
    w = df.loc[ok, "answered_owned"]
    out["fcr_measured"] = (
        float(np.average(df.loc[ok, "fcr_measured"], weights=w)) if w.sum() > 0 else np.nan
    )
    return out


def toxic_signs(
    model: ContactCentreModel, daily: pd.DataFrame, emp: pd.DataFrame, s: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The five toxic-KPI signs of one run: ``{sign: {"value", "flag", "sentence"}}``.

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (scheme in force, the managers' reviews).
    daily : pandas.DataFrame
        The daily table.
    emp : pandas.DataFrame
        The employee table.
    s : dict
        The run's summary keys computed so far (rates and gaming rates).
    """
    scheme = model.scheme
    weights = {f.name: getattr(scheme.kpis, f.name).weight for f in dataclasses.fields(scheme.kpis)}
    paid = {k: w for k, w in weights.items() if w > 0}
    return {
        "contradiction": contradiction(model, daily, s),
        "chasing_numbers": chasing_numbers(s),
        "indicator_became_target": indicator_became_target(
            _scored(model, emp, paid), paid, _ref_period(model)
        ),
        "not_informing_decisions": not_informing_decisions(model, emp, paid),
        "imbalance": imbalance(scheme, paid),
    }


def _moves(model: ContactCentreModel, daily: pd.DataFrame) -> dict[str, float]:
    """For each measured/true pair (keyed by the sign's sentence for it): how much the
    measured KPI improved while the truth worsened, early vs late window (shares; only
    the smaller of the two moves counts)."""
    moves: dict[str, float] = {}
    if len(daily) < 2 * model.cfg.scheme.period_days:
        return moves
    early, late = (_window_rates(w) for w in _windows(model, daily))
    nan = float("nan")
    for mcol, tcol, higher, label in PAIRS:
        dm = late.get(mcol, nan) - early.get(mcol, nan)
        dt = late.get(tcol, nan) - early.get(tcol, nan)
        if mcol == "aht_s":  # relative change of handle time, better when lower
            base = early.get(mcol, nan)
            dm = dm / base if base else 0.0
        better = dm if higher else -dm
        if np.isfinite(better) and np.isfinite(dt):
            moves[label] = float(min(better, -dt))
    return moves


def contradiction(model: ContactCentreModel, daily: pd.DataFrame, s: dict) -> dict[str, Any]:
    """Sign 1: gaming flatters the dashboard (measured above the honest record of the
    same contacts, late window) or a measured KPI moves the wrong way (trend).

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (pay period, the windows compared).
    daily : pandas.DataFrame
        The daily table.
    s : dict
        The run's summary keys computed so far.
    """
    p = model.cfg.scheme.period_days
    late = _windows(model, daily)[1] if len(daily) >= 2 * p else daily
    levels = level_gaps(late, p)
    gaps = {k: max(0.0, g.gap) for k, g in levels.items()}  # only flattering counts
    over = {k: gaps[k] - g.limit for k, g in levels.items()}
    worst_gap = max(over, key=over.get) if over else None
    moves = _moves(model, daily)
    worst_move = max(moves, key=moves.get) if moves else None
    value = max([0.0, *gaps.values(), *(max(0.0, v) for v in moves.values())])
    gap_flag = worst_gap is not None and over[worst_gap] > 0
    move_flag = worst_move is not None and moves[worst_move] > MOVE_FLAG
    flag = gap_flag or move_flag
    if move_flag and (not gap_flag or moves[worst_move] >= gaps[worst_gap]):
        sentence = f"The dashboard's {worst_move} worsened (by {moves[worst_move]:.1%} or more)."
    elif flag:
        sentence = (
            f"Gaming flatters measured {worst_gap} by {gaps[worst_gap]:.1%} against an "
            "honest record of the same contacts: the dashboard is not showing what "
            "customers experience."
        )
    else:
        sentence = "Measured KPIs agree with an honest record of the same contacts."
    return {"value": value, "flag": bool(flag), "sentence": sentence}


def chasing_numbers(s: dict) -> dict[str, Any]:
    """Sign 2: the share of answered calls with a gaming act, and the most common act.

    Parameters
    ----------
    s : dict
        The run's summary keys (``gaming_rate`` and the rate of each act, shares of
        answered calls).
    """
    g = s.get("gaming_rate") or 0.0
    kinds = {
        "false resolution codes": s.get("false_resolution_rate") or 0.0,
        "survey steering": s.get("survey_steering_rate") or 0.0,
        "dumped calls": s.get("dumped_call_rate") or 0.0,
        "rushed contacts": s.get("rushed_contact_rate") or 0.0,
        "callers pushed to the web": s.get("web_push_rate") or 0.0,
    }
    top = max(kinds, key=kinds.get)
    return {
        "value": g,
        "flag": bool(g > GAMING_FLAG),
        "sentence": (
            f"{g:.1%} of answered calls were gamed to flatter a number; the most common was "
            f"{top} ({kinds[top]:.1%} of calls)."
            if g > GAMING_FLAG
            else f"Gaming is rare: {g:.1%} of answered calls were gamed."
        ),
    }


def _ref_period(model: ContactCentreModel) -> int:
    """The pay period before pay shaped behaviour: the first, or with a rollout the
    last one that ended before it."""
    cfg = model.cfg
    if cfg.rollout_day is None or cfg.rollout_day < 2 * cfg.scheme.period_days:
        return 0
    return cfg.rollout_day // cfg.scheme.period_days - 1


def indicator_became_target(
    emp: pd.DataFrame, paid: dict[str, float], ref_period: int = 0
) -> dict[str, Any]:
    """Sign 3 (Goodhart index): across employees, how far the correlation of each paid
    KPI with the outcome it stands for fell from the first period to the last three;
    within employees, how far each one's measured-vs-true gap widened from
    ``ref_period`` to the last three.  Value: the larger component in units of its flag
    threshold (>= 1: lit).

    Parameters
    ----------
    emp : pandas.DataFrame
        The employee table.
    paid : dict of str to float
        The paid KPIs and their weights (weight > 0).
    ref_period : int
        The pay period before pay shaped behaviour.
    """
    drop, widen, which = float("nan"), float("nan"), ""
    idx = float("nan")
    if not emp.empty and emp["period"].nunique() >= 4:
        first = emp[emp["period"] == emp["period"].min()].copy()
        last = emp[emp["period"] > emp["period"].max() - 3].copy()
        for d in (first, last):
            d["sec_per_resolved"] = d["aht_s"] / d["fcr_true"].replace(0, np.nan)
        cand = {
            "fcr": ("fcr_measured", "fcr_true"),
            "csat": ("csat_survey", "csat_true"),
            "aht": ("aht_s", "sec_per_resolved"),
        }
        keys = [k for k in cand if k in paid] or list(cand)
        drops, w = {}, {}
        for k in keys:
            a, b = cand[k]
            dk = _corr(first[a], first[b]) - _corr(last[a], last[b])
            if np.isfinite(dk):
                drops[k] = dk
                w[k] = paid.get(k, 1.0)
        scores: dict[str, float] = {}
        if drops:
            # weighted by the pay riding on each KPI (a max over noisy drops is biased up)
            drop = sum(w[k] * drops[k] for k in drops) / sum(w.values())
            scores["corr"] = drop / GOODHART_FLAG
        wid = {k: v for k, v in widening(emp, ref_period).items() if k in keys}
        if wid:
            ww = {k: paid.get(k, 1.0) for k in wid}
            tot = sum(ww.values())
            widen = sum(ww[k] * wid[k].mean for k in wid) / tot
            limit = sum(ww[k] * wid[k].limit for k in wid) / tot
            scores["within"] = widen / limit
        if scores:
            idx = max(scores.values())
            if scores.get("within", -np.inf) >= scores.get("corr", -np.inf):
                which = max(wid, key=lambda k: ww[k] * wid[k].mean / wid[k].limit)
            else:
                which = max(drops, key=lambda k: w[k] * drops[k])
    flag3 = bool(np.isfinite(idx) and idx >= 1.0)
    if flag3 and np.isfinite(widen) and scores.get("within", -np.inf) >= 1.0:
        sentence = (
            f"Once pay rode on {which.upper()}, the employees' own measured-vs-true gaps "
            f"widened (by {widen:.1%} on average): the indicator became the target."
        )
    elif flag3:
        sentence = (
            f"Once pay rode on {which.upper()}, it stopped tracking what it stood for: its "
            f"correlation with the true outcome fell by {drop:.2f}."
        )
    elif np.isfinite(idx):
        sentence = (
            "The paid numbers still move with the real results they stand for "
            f"({idx:.0%} of the way to the warning level)."
        )
    else:
        sentence = "Too few pay periods to compare KPIs with their true outcomes."
    return {
        "value": idx,
        "flag": flag3,
        "correlation_drop": drop,
        "gap_widening": widen,
        "sentence": sentence,
    }


def not_informing_decisions(
    model: ContactCentreModel, emp: pd.DataFrame, paid: dict[str, float]
) -> dict[str, Any]:
    """Sign 4: did the dashboard tell the managers what the truth would have (per pay
    period, on the customer side)?  Value: share of periods where they disagreed.

    Parameters
    ----------
    model : ContactCentreModel
        The finished model (the managers' reviews, each with the dashboard's and the
        truth's alarm).
    emp : pandas.DataFrame
        The employee table (the score's correlation with true CSAT, for the sentence).
    paid : dict of str to float
        The paid KPIs and their weights.
    """
    reviews = getattr(getattr(model, "manager", None), "reviews", [])
    n = len(reviews)
    missed = sum(r["truth_alarm"] and not r["dashboard_alarm"] for r in reviews)
    false = sum(r["dashboard_alarm"] and r["truth_clear"] for r in reviews)
    value = (missed + false) / n if n else float("nan")
    corr = float("nan")
    if not emp.empty:
        last = _scored(model, emp[emp["period"] > emp["period"].max() - 3], paid)
        signal = last["score"] if paid else last["fcr_measured"]
        corr = _corr(signal, last["csat_true"])
    flag4 = bool(np.isfinite(value) and value > DISAGREE_FLAG)
    if not n:
        sentence = "No pay period closed: nothing to compare the dashboard with."
    elif flag4 and missed >= false:
        cx = float(np.mean([r["cx_true"] for r in reviews if r["truth_alarm"]]))
        sentence = (
            f"In {missed} of {n} pay periods customers were below standard (true CSAT "
            f"{cx:.0%}) but the dashboard showed nothing, so no decision was taken."
        )
    elif flag4:
        sentence = (
            f"In {false} of {n} pay periods the dashboard raised a customer alarm that the "
            "true ledger did not bear out: decisions followed noise."
        )
    else:
        sentence = (
            f"The dashboard's verdict on customers matched the truth in {n - missed - false} "
            f"of {n} pay periods."
        )
    return {
        "value": value,
        "flag": flag4,
        "missed_periods": int(missed),
        "false_alarm_periods": int(false),
        "periods": n,
        "score_truth_corr": corr,
        "sentence": sentence,
    }


def _scored(model: ContactCentreModel, rows: pd.DataFrame, paid: dict[str, float]) -> pd.DataFrame:
    """The rows of the employees the scheme scores: without the specialists' rows when
    they are paid under a scheme of their own (``specialist_scheme``, flat by default).
    Their score is 0 by construction and their customers (transferred, harder issues)
    are less satisfied, so pooling them correlates the two teams' caseloads, not the
    score with the truth (smart_targets, seed 0: 0.66 pooled, 0.74 front line)."""
    own = model.cfg.specialist_scheme.name
    if not paid or own == model.scheme.name or "scheme" not in rows:
        return rows
    return rows[rows["scheme"] != own]


def imbalance(scheme: SchemeConfig, paid: dict[str, float]) -> dict[str, Any]:
    """Sign 5: the paid weight concentrated on one Balanced-Scorecard perspective
    (whichever it is), with no safety net on another to balance it.  Value: the largest
    perspective's share of the paid weight.

    Parameters
    ----------
    scheme : SchemeConfig
        The scheme in force (its KPIs' safety nets).
    paid : dict of str to float
        The paid KPIs and their weights.
    """
    total = sum(paid.values())
    persp = {p: 0.0 for p in PERSPECTIVES}
    for k, w in paid.items():
        persp[KPIS[k].perspective] += w
    shares = {k: (v / total if total else 0.0) for k, v in persp.items()}
    top = max(shares, key=lambda k: shares[k])
    nets = any(getattr(scheme.kpis, k).safety_metric for k in paid)
    flag5 = bool(total > 0 and shares[top] >= DOMINANT_FLAG and not nets)
    spread = ", ".join(f"{PERSPECTIVE_NAMES[k]} {v:.0%}" for k, v in shares.items() if v > 0)
    if total == 0:
        sentence = "No pay rides on KPIs: nothing to unbalance."
    elif flag5:
        sentence = (
            f"{shares[top]:.0%} of the bonus rides on {PERSPECTIVE_NAMES[top]} numbers, "
            "and no safety net on anything else holds it in check."
        )
    else:
        sentence = f"The bonus is spread over different kinds of number ({spread})" + (
            ", with safety nets." if nets else "."
        )
    return {"value": shares[top], "flag": flag5, "perspectives": shares, "sentence": sentence}
