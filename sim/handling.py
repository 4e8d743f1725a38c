"""What happens when an agent handles a call: the formulas shared by the day's real
calls (``sim/model.py``) and an employee's hindsight about them (``sim/hindsight.py``).

Experience is a latent satisfaction score on a 0-10 scale (top-2-box at or above
``TOP2``); effort is a customer-effort score on the 1-7 CES scale.
"""

from __future__ import annotations

import numpy as np

from .config import HandlingConfig

#: Experience score at or above which a contact is top-2-box.
TOP2 = 7.5
#: Experience score below which a contact is a "bad experience" (churn and complaints).
BAD = 4.0
#: Noise (experience points) between a customer's experience and their survey answer.
ANSWER_NOISE = 0.7
#: Noise of an agent's guess of whether the customer is happy (survey steering).
GUESS_NOISE = 0.5
#: Share of answered calls an agent offers the post-call survey to (agent_offered).
AGENT_OFFER_RATE = 0.5
#: Share of contacts in the company's random relationship survey.
RANDOM_SURVEY_RATE = 0.10
#: Survey-answer lift when the agent asks for a top score (experience points).
BEG_LIFT = 1.0


def p_resolve(skill: np.ndarray, theta: np.ndarray, cx: np.ndarray, h: HandlingConfig):
    """Probability that a handled call truly resolves the issue: the agent's skill,
    lowered by rushing (thoroughness below 1) and by the issue's complexity."""
    p = skill * np.minimum(1.0, theta) ** h.rush_penalty_exponent * cx**-h.complexity_penalty
    return np.clip(p, 0.0, 0.98)


def experience_answered(
    resolved, extra, wait_s, transferred, hung, pushed, courtesy, carry
) -> np.ndarray:
    """Expected experience (0-10, before individual noise) of an answered call."""
    return (
        6.3
        + 2.7 * resolved
        - 0.6 * extra
        - 0.8 * np.minimum(wait_s / 120.0, 3.0)
        - 0.6 * transferred
        - 2.0 * hung
        - 1.0 * pushed
        + 1.2 * courtesy
        - 0.4 * carry
    )


def experience_lost(wait_s, carry) -> np.ndarray:
    """Expected experience of a call that abandoned the queue."""
    return 4.0 - 0.5 * np.minimum(wait_s / 120.0, 3.0) - 0.4 * carry


def effort(extra, wait_s, transferred, hung, pushed, carry) -> np.ndarray:
    """Customer effort (CES, 1-7) of a call."""
    e = (
        1.0
        + carry
        + 1.0 * extra
        + 1.5 * transferred
        + 2.0 * hung
        + 0.5 * pushed
        + np.minimum(wait_s / 120.0, 2.0)
    )
    return np.clip(e, 1.0, 7.0)


def response_p(propensity: np.ndarray, xp: np.ndarray) -> np.ndarray:
    """Probability of answering a survey: the customer's propensity, raised for
    extreme experiences (response bias: the delighted and the furious answer more)."""
    return np.clip(propensity * (1.0 + 0.5 * np.abs(xp - 6.5) / 3.0), 0.0, 1.0)
