"""Configuration: the schema, its validation and loading through Hydra.

* ``schema`` - the structured-config dataclasses, one per section, and ``Config``; the
  sections of the centre's economics in ``economics`` (workforce, teams, costs), of its
  management in ``management``, of the other departments in ``departments`` and of the
  week, opening hours and rotas in ``calendar``;
* ``fields`` - the field helpers (ranges, choices, shares) and ``ConfigError``;
* ``profile`` - intraday profile CSVs and the demand section's cross-field rules;
* ``paths`` - where the shipped configs live and how a relative data path is found;
* ``validate`` - ranges, choices and cross-field rules, every problem in one error;
* ``scheme_checks`` - a pay scheme's checks (definitions, share levels, curve order,
  weights) and its warnings;
* ``load`` - Hydra composition, ``load_config``, YAML/dict/hash, the shipped names.
"""

from __future__ import annotations

from .departments import DepartmentsConfig
from .economics import CostsConfig, EconomicsConfig, TeamsConfig, WorkforceConfig
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
    "EconomicsConfig",
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
