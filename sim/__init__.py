"""kpisim: what a KPI-based pay scheme really does in a customer contact centre.

>>> from sim import load_config, run_simulation
>>> cfg = load_config("aht_pay", overrides=["seed=7", "days=60"])  # doctest: +SKIP
>>> result = run_simulation(cfg)                                     # doctest: +SKIP
"""

from __future__ import annotations

from .config import Config, ConfigError, load_config
from .outputs import RunResult
from .run import run_simulation

__all__ = ["Config", "ConfigError", "RunResult", "load_config", "run_simulation"]
__version__ = "0.1.0"
