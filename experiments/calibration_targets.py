"""Published ranges of the baseline's headline figures: the one home of the calibration
targets, used by ``experiments/calibration_table.py`` (the table in docs/calibration.md)
and by ``tests/test_calibration.py`` (each simulated baseline figure lies in its range).

Each target names the summary key it checks, the range as shares in [0, 1], where the
range comes from and what kind of evidence it is: *observed* (records of real centres
or customers), *survey* (what customers or managers report), or *rule of thumb*
(industry targets and conventions).  Kept out of the model on purpose: the model never
reads its own calibration targets.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds of evidence a target can rest on.
KINDS = ("observed", "survey", "rule of thumb")


@dataclass(frozen=True)
class Target:
    """A published range for one summary key of the baseline."""

    key: str  # summary key (docs/reference.md)
    label: str  # plain-words name for the table
    low: float
    high: float
    source: str
    kind: str

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in [low, high]."""
        return self.low <= value <= self.high


TARGETS: tuple[Target, ...] = (
    Target(
        "abandon_rate",
        "abandonment (calls abandoned / offered)",
        0.05,
        0.08,
        'Uniphore glossary and CallTracking.reviews: 5-8% "considered the industry '
        'standard" / "typical"; 10% counts as high',
        "rule of thumb",
    ),
    Target(
        "service_level",
        "service level (answered within 20 s / offered)",
        0.70,
        0.90,
        '80/20 is a common objective, "NOT an industry standard" (Off Center Insight); '
        "centres use targets from 70/20 (SparkQueue) to 90% (Turnella: 80% -> 90% needs "
        "10-20% more agents)",
        "rule of thumb",
    ),
    Target(
        "teams.front.occupancy",
        "front-line agent occupancy (busy / available)",
        0.75,
        0.90,
        "Turnella: 75-85% target zone for voice centres, 85-90% pressure zone; "
        "Multichannel Merchant: most centres aim for 85-90%; CCManager: ~85% optimal "
        "(front-line inbound voice; the small specialist team's occupancy is lower, as "
        "Erlang's economies of scale predict, and reported beside it)",
        "rule of thumb",
    ),
    Target(
        "fcr_true",
        "true FCR per answered call (truly resolved / owned calls)",
        0.67,
        0.79,
        "SQM Group (post-call surveys of 500+ North American centres): average call-centre "
        "FCR 67-70%; 70-79% is 'good', 80% or more world class (5% of centres); the "
        "range runs from the average to the top of 'good'",
        "survey",
    ),
    Target(
        "fcr_issue_true",
        "issue-level FCR (issues solved at the first contact)",
        0.49,
        0.80,
        "SQM Group: one-contact resolution (first contact, any channel) averages 59% "
        "against 70% call-centre FCR, 'strive for 75%', world class 80%; the low end is "
        "the average less the 10-point width of SQM's 'good' FCR band (a judgement of "
        "the spread of average centres)",
        "survey",
    ),
    Target(
        "staff_turnover_annual",
        "staff turnover (leavers a year / headcount)",
        0.19,
        0.27,
        "Merchants / Dimension Data Global Contact Centre Benchmarking 2003: 19% globally, "
        "25% in Europe and the UK; ContactBabel 2014 (US): ~27%",
        "observed",
    ),
    Target(
        "absence_rate",
        "absence (scheduled time lost to absence)",
        0.04,
        0.08,
        "Direct Health Solutions (Australia): contact centres 4% (9.2 days a year); "
        "Merchants / Dimension Data 2003: UK agent absenteeism 8%",
        "observed",
    ),
    Target(
        "web_containment",
        "web containment (sessions not escalated to the phone)",
        0.05,
        0.40,
        "Gartner 2019 (8,000 customer journeys): only 9% fully resolve in self-service; "
        "Gartner 2020: service leaders report 20-40% of live volume could be resolved "
        "in self-service",
        "survey",
    ),
)

#: Baseline runs behind the table and the test: scenario, working days, seeds.
SCENARIO = "baseline"
DAYS = 250
SEEDS = (0, 1, 2)
