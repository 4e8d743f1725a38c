"""Configuration: the schema (``schema``), its validation (``validate``) and loading
through Hydra (``load``)."""

from __future__ import annotations

from .departments import DepartmentsConfig
from .economics import CostsConfig, TeamsConfig, WorkforceConfig
from .load import (
    CONFIG_DIR,
    HYDRA_VERSION_BASE,
    available_centres,
    available_scenarios,
    available_schemes,
    check_centre,
    clean_hydra_message,
    compose,
    config_hash,
    flatten,
    load_config,
    to_config,
    to_dict,
    to_yaml,
)
from .management import ManagementConfig
from .paths import resolve_data_path
from .schema import (
    BehaviorConfig,
    CentreMeta,
    ChannelsConfig,
    Config,
    ConfigError,
    CustomersConfig,
    DemandConfig,
    EmployeesConfig,
    ExportConfig,
    HandlingConfig,
    KPIConfig,
    KPIsConfig,
    ScenarioMeta,
    SchemeConfig,
    TransitionConfig,
)
from .validate import validate

__all__ = [
    "CONFIG_DIR",
    "HYDRA_VERSION_BASE",
    "BehaviorConfig",
    "CentreMeta",
    "ChannelsConfig",
    "Config",
    "ConfigError",
    "CostsConfig",
    "CustomersConfig",
    "DemandConfig",
    "DepartmentsConfig",
    "EmployeesConfig",
    "ExportConfig",
    "HandlingConfig",
    "KPIConfig",
    "KPIsConfig",
    "ManagementConfig",
    "ScenarioMeta",
    "SchemeConfig",
    "TeamsConfig",
    "TransitionConfig",
    "WorkforceConfig",
    "available_centres",
    "available_scenarios",
    "available_schemes",
    "check_centre",
    "clean_hydra_message",
    "compose",
    "config_hash",
    "flatten",
    "load_config",
    "resolve_data_path",
    "to_config",
    "to_dict",
    "to_yaml",
    "validate",
]
