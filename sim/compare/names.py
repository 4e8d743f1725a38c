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
