"""``kpisim compare``: the current pay scheme against a proposal, for leaders.

Both arms simulate the same centre with the same seeds (common random numbers): replication
``r`` uses seed ``seed + r`` in both.  Both start under the current scheme; in the proposal
arm the proposed scheme replaces it on ``rollout_day`` (the current arm never switches), so
the transition is visible.  Unless given, the rollout day is the first pay-period boundary
at which the current arm has settled (:mod:`.settle`).  Differences are paired (proposal -
current, per replication) with 95 % t-intervals.

The robust verdict samples the uncertain behavioural parameters declared in
``configs/uncertainty/*.yaml`` by Latin hypercube; in each sampled world both arms run once
(again with common random numbers) on a smaller centre (``robust_scale``), and the report
gives the share of worlds in which the proposal wins on profit, customers and employees,
and which parameters that verdict hinges on (rank correlations).

Outputs in ``out=DIR``: ``report.html`` (self-contained), ``comparison.csv`` (one row per
metric), ``replications.csv`` (every run's summary), ``robust.csv`` (every world),
``timeseries.csv``, ``sensitivity.csv``, ``verdict.json``, the figures as PNG files and
the resolved configs.  Every file is written atomically; ``DIR`` is created only when the
inputs are valid.

Modules, in the order a comparison uses them:

* :mod:`.cli` - ``main(argv)``, the entry point of ``kpisim compare``; :mod:`.__main__` -
  ``python -m sim.compare``
* :mod:`.args` - the ``key=value`` arguments (:class:`~.args.CompareArgs`, help text)
* :mod:`.inputs` - reading the user's YAML files with one-line errors
* :mod:`.arms` - what ``current=``/``proposal=`` name: scenario, scheme or file
* :mod:`.uncertainty` - ranges of the uncertain parameters, Latin-hypercube worlds
* :mod:`.plan` - both arms' configs and the robust worlds, validated up front
* :mod:`.runner` - running configs in a process pool, derived metrics
* :mod:`.settle` - when an arm has settled (the warm-up criterion) and the rollout day it
  gives; :mod:`.runrate` - the run-rate of each arm's last weeks
* :mod:`.definitions` - each run's FCR under every definition, and which definitions the
  arms differ in
* :mod:`.compute` - from plan to :class:`~.outcome.Outcome`: the current arm first, then
  the rollout day, then the proposal arm
* :mod:`.metrics`, :mod:`.tables` - the metric list and every table (CSV) of the result;
  :mod:`.bridge` - the money bridge; :mod:`.smart` - the SMART table; :mod:`.people` -
  headcount flows, turnover by tier and per-agent pay changes
* :mod:`.outcome` - the finished comparison, all the report reads
* :mod:`.formatting`, :mod:`.names`, :mod:`.verdict`, :mod:`.verdict_rule`,
  :mod:`.verdict_money` - the report's numbers, names and verdict sentences
* :mod:`.plotting`, :mod:`.figures`, :mod:`.figures_money`, :mod:`.figures_settle`,
  :mod:`.figures_rollout`, :mod:`.figures_robust` - its figures
* :mod:`.page`, :mod:`.page_money`, :mod:`.page_centre`, :mod:`.page_people`,
  :mod:`.page_settle`, :mod:`.page_robust` - the HTML page
* :mod:`.outputs` - writing every file atomically

The report modules only read an ``Outcome``; nothing on the computing side imports them.
"""
