"""Sweeps for researchers: ``kpisim run`` (``-m`` for a Hydra multirun), ``kpisim
collect`` and ``kpisim scenarios``.

Modules, one concern each:

* :mod:`~sim.sweep.hydra_app`: the Hydra task and the ``kpisim run`` entry point;
* :mod:`~sim.sweep.validate`: checks of a sweep's grid and launcher before it starts;
* :mod:`~sim.sweep.clusters`: is the cluster there before a sweep starts, where each job ran;
* :mod:`~sim.sweep.runs`: run folders (key, completeness, staging and publishing);
* :mod:`~sim.sweep.status`: the jobs' status files, read by the monitor;
* :mod:`~sim.sweep.monitor`: the ``SweepMonitor`` callback (progress and summary);
* :mod:`~sim.sweep.collect`: ``kpisim collect``, one tidy table from a sweep;
* :mod:`~sim.sweep.scenarios`: ``kpisim scenarios``.

See docs/sweeps.md for the user's side.
"""
