"""Config section of the other departments whose failures cause contacts (failure demand).

Some of the customers' issues are not the centre's own: a wrong bill, a faulty product, a
late delivery.  Seddon calls such contacts *failure demand* (demand caused by a failure
to do something, or to do it right, for the customer).  The sub-model
(``sim/model/departments.py``, docs/ODD.md "Departments") draws each new issue's root
cause, lets agents flag causes, lets departments fix flagged causes when the dashboard is
shared with them, and lets a department's fulfilment fail after the agent honestly
resolved its part of the call.

Each default figure's source is cited beside it and in ``docs/calibration.md``; figures
no public source pins down are *uncertain* and have a range in
``configs/uncertainty/default.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fields import within


@dataclass
class DepartmentsConfig:
    """Root causes of issues in other departments, their flags, fixes and fulfilment."""

    # Share of new issues whose root cause lies in each department (failure demand).
    # Total 0.27: a CCA/Sabio survey of UK contact centres found on average 27% of
    # contacts unnecessary or avoidable, up to 40% (stated, survey; the most common
    # kinds: chasing deliveries, unclear bills and outbound communication).  Vanguard
    # (Seddon) observes 30-60% failure demand in financial services and 70-90% in
    # telecoms, but that figure also counts the centre's own repeats, which the model
    # generates itself.  The split over departments is uncertain (equal thirds).
    billing_share: float = field(default=0.09, metadata=within(0.0, 1.0))
    product_share: float = field(default=0.09, metadata=within(0.0, 1.0))
    delivery_share: float = field(default=0.09, metadata=within(0.0, 1.0))
    # Probability that a department's fulfilment fails after the agent resolved its part
    # of a department-caused issue (the customer calls again; the agent's code says
    # "resolved", honestly).  Calibrated so that under flat pay self-coded FCR exceeds
    # true FCR by several points, towards the illustration of Call Centre a2z (2013):
    # 90% resolved by the agents' codes vs 80% from the customers' side, the gap put
    # down to misrouting and fulfilment by other departments.  Uncertain (0.1-0.5).
    fulfilment_failure: float = field(default=0.3, metadata=within(0.0, 1.0))
    # Probability that an agent flags the root cause of a department-caused call it
    # handled, at full thoroughness and full intrinsic motivation (it scales with both:
    # noticing and reporting a cause takes time and caring).  Uncertain (0.2-0.8).
    flag_prob: float = field(default=0.5, metadata=within(0.0, 1.0))
    # Working days between a department's reviews of the flags it received.  Uncertain
    # (monthly: 20; range 10-60).
    review_days: int = field(default=20, metadata=within(1, 10_000))
    # Probability that a department acts on the feedback at a review (starts a fix of
    # one root cause).  SQM Group's agents rank "FCR issues are not fixed in a timely
    # manner" first among what hinders them, the main source of error being non-call-
    # centre departments (survey); how often departments act is uncertain (0.2-0.8).
    act_on_feedback: float = field(default=0.5, metadata=within(0.0, 1.0))
    # Flags at a review that make a department confident the cause is real: the chance
    # of acting is act_on_feedback x (1 - exp(-flags / flags_per_fix)).  Uncertain.
    flags_per_fix: float = field(default=20.0, metadata=within(0.01, 1e9))
    # Share of a department's remaining failure demand one fix removes (one root cause
    # among several), and working days from the decision to the fix taking effect.
    # Both uncertain (size 0.05-0.25, lag 10-60 days).
    fix_size: float = field(default=0.10, metadata=within(0.0, 1.0))
    fix_lag_days: int = field(default=20, metadata=within(0, 10_000))
