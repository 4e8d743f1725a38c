"""kpisim: what a KPI-based pay scheme really does in a customer contact centre.

>>> from sim import load_config, run_simulation
>>> cfg = load_config("aht_pay", overrides=["seed=7", "days=60"])  # doctest: +SKIP
>>> result = run_simulation(cfg)                                     # doctest: +SKIP

Packages and modules (docs/architecture.md maps every file), from the top layer down:

* :mod:`~sim.cli` - the ``kpisim`` command, dispatching to the audiences' packages:
  :mod:`~sim.compare` (leaders: current scheme vs a proposal), :mod:`~sim.calibrate`
  (leaders: their own centre), :mod:`~sim.design` (leaders: searching for a scheme),
  :mod:`~sim.sweep` (researchers: runs and sweeps) and :mod:`~sim.app` (trainers: the
  live browser app);
* :mod:`~sim.run` - ``run_simulation``: config -> model -> outputs;
* :mod:`~sim.palette`, :mod:`~sim.stats`, :mod:`~sim.browser` - the colours, the
  confidence intervals and the headless-Chromium flags shared by the presentation code;
  :mod:`~sim.cliargs` (every command's ``key=value`` arguments) and :mod:`~sim.pool`
  (the one process pool of compare and calibrate);
* :mod:`~sim.outputs` - a run's tables, summary, signs and files;
* :mod:`~sim.model` - the simulation itself (docs/ODD.md);
* :mod:`~sim.config` - the config schema, its validation and loading through Hydra;
* :mod:`~sim.measurement` - every KPI's definition; :mod:`~sim.units` - units of time.
"""

from __future__ import annotations

from .config import Config, ConfigError, load_config
from .outputs import RunResult
from .run import run_simulation

__all__ = ["Config", "ConfigError", "RunResult", "load_config", "run_simulation"]
__version__ = "0.1.0"
