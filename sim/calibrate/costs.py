"""A centre's own cost figures (optional input of ``kpisim calibrate costs=FILE``).

A small YAML file of the figures a finance lead has, each mapped to the config key it
sets; every value is checked against that key's allowed range by the same validation
``load_config`` uses, so a bad figure names the file, the figure and what is allowed.
Figures not given keep the generic defaults (``docs/calibration.md``).

    salary_novice_annual: 26000       # employees.salary_novice_annual
    salary_experienced_annual: 33000  # employees.salary_experienced_annual
    loading: 1.35                     # costs.loading (on-costs on salary and bonus)
    overhead_per_seat_annual: 9000    # costs.overhead_per_seat_annual
    telephony_per_minute: 0.012       # costs.telephony_per_minute
    web_cost_per_session: 0.12        # channels.web_cost
    replacement_cost_months: 3        # employees.replacement_cost_months (hiring, training)
    revenue_monthly_mean: 55          # customers.revenue_monthly_mean
    margin_rate: 0.25                 # customers.margin_rate (gross margin, also in CLV)
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..config import ConfigError, load_config
from .mapping import DataError

#: Figure name in the costs file -> the config key it sets.
COST_KEYS = {
    "salary_novice_annual": "employees.salary_novice_annual",
    "salary_experienced_annual": "employees.salary_experienced_annual",
    "loading": "costs.loading",
    "overhead_per_seat_annual": "costs.overhead_per_seat_annual",
    "telephony_per_minute": "costs.telephony_per_minute",
    "web_cost_per_session": "channels.web_cost",
    "replacement_cost_months": "employees.replacement_cost_months",
    "revenue_monthly_mean": "customers.revenue_monthly_mean",
    "margin_rate": "customers.margin_rate",
}


def read_costs(path: str | Path) -> dict[str, float]:
    """The costs file as config overrides ``{dotted key: value}``, checked.

    Parameters
    ----------
    path : str or pathlib.Path
        The costs YAML file (``costs=FILE``).

    Raises
    ------
    DataError
        The file cannot be read, or a figure is unknown or out of its key's range.
    """
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"costs file {p}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise DataError(f"costs file {p}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict) or not raw:
        raise DataError(f"costs file {p}: expected figures as 'name: value' lines")
    unknown = sorted(set(raw) - set(COST_KEYS))
    if unknown:
        raise DataError(
            f"costs file {p}: unknown figure {unknown[0]!r}; allowed: {', '.join(COST_KEYS)}"
        )
    flat: dict[str, float] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataError(f"costs file {p}: {name}={value!r} is not allowed: a number")
        flat[COST_KEYS[name]] = float(value)
    try:  # the config's own ranges and cross-field rules, one message naming the key
        load_config("baseline", [f"{k}={v!r}" for k, v in flat.items()])
    except ConfigError as exc:
        raise DataError(f"costs file {p}: {exc}") from None
    return flat
