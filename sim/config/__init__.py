"""Configuration: the schema (``schema``), its validation (``validate``) and loading
through Hydra (``load``)."""

from __future__ import annotations

from .load import (
    CONFIG_DIR,
    HYDRA_VERSION_BASE,
    available_scenarios,
    available_schemes,
    clean_hydra_message,
    compose,
    config_hash,
    flatten,
    load_config,
    to_config,
    to_dict,
    to_yaml,
)
from .schema import (
    BehaviorConfig,
    ChannelsConfig,
    Config,
    ConfigError,
    CustomersConfig,
    DemandConfig,
    EmployeesConfig,
    HandlingConfig,
    KPIConfig,
    KPIsConfig,
    ScenarioMeta,
    SchemeConfig,
)
from .validate import validate

__all__ = [
    "CONFIG_DIR",
    "HYDRA_VERSION_BASE",
    "BehaviorConfig",
    "ChannelsConfig",
    "Config",
    "ConfigError",
    "CustomersConfig",
    "DemandConfig",
    "EmployeesConfig",
    "HandlingConfig",
    "KPIConfig",
    "KPIsConfig",
    "ScenarioMeta",
    "SchemeConfig",
    "available_scenarios",
    "available_schemes",
    "clean_hydra_message",
    "compose",
    "config_hash",
    "flatten",
    "load_config",
    "to_config",
    "to_dict",
    "to_yaml",
    "validate",
]
