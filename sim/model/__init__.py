"""The model: one file per entity or sub-model of the ODD description (docs/ODD.md).

``centre`` holds :class:`ContactCentreModel` and the day's schedule; the other modules
are its sub-models (docs/architecture.md, "sim/model/", gives each one's ODD section):

* the day's contacts: ``contacts`` (issues and contacts), ``customers`` (the columnar
  population; its per-row updates compiled in ``customers_kernel``, its churn days in
  ``churn_kernel``, its figures from
  the configuration in ``customers_calibration``), ``arrivals`` (the intraday profile),
  ``calendar`` (open days, opening hours, weekday plans, rotas and leave), ``sampling``
  (alias tables);
* the channels: ``web`` (routing, finding the number, self-service; its sessions compiled
  in ``web_kernel``), ``phone`` (the phone day in steps; the two ledgers of its
  answered calls in ``phone_outcomes``), ``queue_kernel`` (the compiled queue; its heaps
  in ``heap_kernel``),
  ``phone_kernel`` (the per-call rules after the queue, compiled), ``booking_kernel``
  (the day's booking, compiled), ``phone_booking`` (booking the phone's ledgers),
  ``call_rules`` (every per-call rule), ``experience`` (what a contact does to its
  customer), ``departments`` (failure demand, flags, fixes);
* the staff: ``employee``, ``onboarding`` (the starting staff, hiring, classroom and
  nesting), ``workforce`` (quits, attendance), ``planning`` (two per-day rules compiled
  in ``planning_kernel``), ``erlang`` (its Erlang A
  service level compiled in ``erlang_kernel``), ``roster`` and ``breaks`` (the staffing
  plan; the exact break placement for tests in ``breaks_exact``),
  ``staffing_observed`` (the front line staffed as the centre's data did),
  ``intraday`` (the day's re-forecast: overtime and voluntary time off),
  ``intraday_kernel`` (its checks compiled), ``requirement_kernel`` (its requirement
  compiled) and ``numpy_exact`` (numba replicas of numpy's float operations, to the
  bit);
* pay and learning: ``pay_period`` (closing a period; its employee rows in
  ``period_rows``), ``scheme`` (scoring and bonus),
  ``pay_reference`` (how pay is felt), ``fairness`` (types and felt fairness),
  ``transition`` (support when the scheme changes), ``behavior`` (levers and choice),
  ``learning`` (the learning rules), ``hindsight`` (the learning replay; its leg sample
  compiled in ``hindsight_kernel``, the replay itself in ``replay_kernel``);
* management: ``management`` (the managers), ``dashboard`` (what they see);
* observation: ``ledgers`` (the day and seat ledgers), ``call_records`` (the simulated
  call-detail records).
"""

from __future__ import annotations

from .centre import ContactCentreModel

__all__ = ["ContactCentreModel"]
