"""How the report shows the arms and the uncertain parameters: the arms' names (their
scheme names) and colours, the parameters' plain words for a leader."""

from __future__ import annotations

from ..palette import OKABE_ITO
from .outcome import Outcome

#: colour of each arm in every figure and in the page's key (Okabe-Ito blue, orange)
ARM_COLOUR = {"current": OKABE_ITO["blue"], "proposal": OKABE_ITO["orange"]}

#: plain names of the uncertain parameters (fallback: the config key)
PARAM_LABELS = {
    "behavior.pay_weight": "how much staff value pay",
    "behavior.intrinsic_weight": "how much staff value the customer's outcome",
    "behavior.integrity_weight": "moral cost of gaming",
    "behavior.learning_step": "how fast behaviour adapts",
    "behavior.imitation_rate": "how readily staff copy better-paid peers",
    "behavior.choice_noise": "how noisily staff judge what pays",
    "behavior.loss_aversion": "how much more a pay cut hurts than a rise pleases",
    "behavior.pay_reference_adaptation": "how fast staff get used to a new level of pay",
    "behavior.never_game_share": "share of staff who never game",
    "behavior.fairness_sensitivity": "how much feeling unfairly treated licenses gaming",
    "behavior.equity_sensitivity_sd": "how much staff differ in feeling short-changed",
    "employees.integrity_mean": "staff integrity",
    "employees.intrinsic_motivation_mean": "staff intrinsic motivation",
    "employees.attrition_annual_base": "baseline staff attrition",
    "employees.morale_quit_sensitivity": "how strongly low morale drives quits",
    "customers.churn_after_bad": "extra chance of leaving within a year after a bad experience",
    "customers.churn_annual_base": "customers' base churn rate",
    "customers.churn_loyalty_sensitivity": "how strongly churn follows loyalty",
    "customers.churn_effort_sensitivity": "extra chance of leaving after a high-effort contact",
    "customers.loyalty_loss_aversion": "loyalty a bad contact costs vs what a good one gives",
    "customers.loyalty_half_life_days": "half-life of a contact's effect on loyalty (days)",
    "behavior.pace_cost": "how tiring it is for staff to work faster",
    "behavior.unlearning_ratio": "how fast staff drop a habit, against how fast they formed it",
    "behavior.learning": "how staff learn what pays (rule)",
    "demand.daily_volume_cv": "how much call volume varies from day to day",
    "workforce.absence_morale_sensitivity": "how strongly low morale raises absence",
    "workforce.coaching_share": "share of paid time spent in coaching",
    "workforce.training_share": "share of paid time spent in training",
    "workforce.meetings_share": "share of paid time spent in meetings",
    "costs.loading": "employer's on-costs on top of wages",
    "costs.overhead_per_seat_annual": "overhead per seat a year",
    "costs.telephony_per_minute": "telephony cost per minute",
    "teams.specialist_skill_factor": "specialists' skill against the front line",
    "teams.transfer_patience_factor": "callers' patience after a transfer vs their first wait",
    "channels.one_click_miss": "how often a searcher misses a number one click away",
    "channels.hidden_miss": "how often a searcher misses a hidden number",
    "channels.one_click_search_effort": "customer effort of looking for a number one click away",
    "channels.hidden_search_effort": "customer effort of looking for a hidden number",
    "channels.number_memory_days": "how long customers remember where the number is (working days)",
    "channels.number_word_of_mouth": "how often customers hear the number from others",
    "channels.web_success_base": "how often the website solves an issue on its own",
    "management.detect_margin": "how far past a limit before managers act",
    "management.detect_periods": "pay periods past a limit before managers act",
    "management.decision_delay_days": "working days from spotting a problem to acting on it",
    "management.coaching_gain": "how much of the gap one coaching session closes",
    "management.coach_share": "share of the front line coached each pay period",
    "management.redesign_periods": "pay periods a safety net trips before its KPI is redesigned",
    "management.cx_limit": "the lowest survey CSAT managers accept",
    "departments.billing_share": "share of issues caused by billing",
    "departments.product_share": "share of issues caused by the product",
    "departments.delivery_share": "share of issues caused by delivery",
    "departments.fulfilment_failure": "how often other departments fail to deliver what was agreed",
    "departments.flag_prob": "how often staff report a root cause",
    "departments.review_days": "working days between departments' reviews of reports",
    "departments.act_on_feedback": "how often a department acts on reports",
    "departments.fix_size": "share of its failure demand one fix removes",
    "departments.fix_lag_days": "working days before a department's fix takes effect",
    "employees.learning_days": "working days a new agent takes to learn to resolve",
    "employees.novice_skill_share": "a new agent's resolution skill, share of its potential",
    "handling.acw_share": "share of handle time spent on after-call work",
    "handling.hold_share": "share of handle time callers spend on hold",
    "workforce.intraday.above": "how far above plan a day runs before overtime",
    "workforce.intraday.below": "how far below plan a day runs before staff go home",
    "workforce.intraday.check_minutes": "minutes between the day's re-forecasts",
    "workforce.nesting_aht_multiple": "a new agent's first-day handle time vs a tenured one's",
    "workforce.nesting_half_life_days": "days for a new agent's extra handle time to halve",
    "workforce.occupancy_cap": "most time on calls the plan allows per agent",
    "workforce.part_time_max_share": "most part-time shifts, share of all shifts",
}


def param_label(key: str) -> str:
    """The plain name of an uncertain parameter (its dotted config key if it has none).

    Parameters
    ----------
    key : str
        The parameter's dotted config key.
    """
    return PARAM_LABELS.get(key, key)


def arm_names(o: Outcome) -> dict[str, str]:
    """Display names of the arms: the scheme names, told apart when equal.

    Keys: ``current``/``proposal`` (for legends and table heads) and
    ``current_scheme``/``proposal_scheme`` (the bare scheme names).

    Parameters
    ----------
    o : Outcome
        The finished comparison (its plan's configs).
    """
    cur = o.plan.cfg_current.scheme.name
    prop = o.plan.cfg_proposal.proposal.name if o.plan.cfg_proposal.proposal else cur
    prop = o.plan.proposal.label if o.plan.identical else prop
    if cur == prop:
        return {
            "current": f"current ({cur})",
            "proposal": f"proposal ({prop})",
            "current_scheme": cur,
            "proposal_scheme": prop,
        }
    return {
        "current": f"{cur} (current)",
        "proposal": f"{prop} (proposal)",
        "current_scheme": cur,
        "proposal_scheme": prop,
    }
