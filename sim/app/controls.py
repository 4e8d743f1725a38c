"""The page's setting controls: pay scheme, population and seed.

Each control writes into a :class:`~sim.app.settings.Settings` held in a Solara reactive
variable; nothing reaches the model until the page applies the settings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import solara

from ..config import ConfigError
from .settings import (
    CSAT_DEFINITIONS,
    CUSTOMERS_PER_AGENT,
    FCR_DEFINITIONS,
    WEIGHT_KPIS,
    Settings,
    parse_seed,
)


@solara.component
def SchemeControls(settings: solara.Reactive[Settings]) -> None:
    s = settings.value

    def setter(name: str) -> Callable[[Any], None]:
        def on_value(v: Any) -> None:
            settings.set(dataclasses.replace(settings.value, **{name: v}))

        return on_value

    for kpi, label in WEIGHT_KPIS:
        solara.SliderFloat(
            f"Weight: {label} = {s.weight(kpi):.2f}",
            value=s.weight(kpi),
            min=0.0,
            max=1.0,
            step=0.05,
            on_value=lambda v, k=kpi: settings.set(settings.value.with_weight(k, v)),
        )
    solara.SliderFloat(
        f"Bonus at full score: {s.bonus_share:.0%} of salary",
        value=s.bonus_share,
        min=0.0,
        max=0.5,
        step=0.01,
        on_value=setter("bonus_share"),
    )
    solara.Select(
        "FCR measured as",
        value=s.fcr_definition,
        values=list(FCR_DEFINITIONS),
        on_value=setter("fcr_definition"),
    )
    solara.Text(FCR_DEFINITIONS.get(s.fcr_definition, ""))
    solara.Select(
        "CSAT measured by",
        value=s.csat_definition,
        values=list(CSAT_DEFINITIONS),
        on_value=setter("csat_definition"),
    )
    solara.Text(CSAT_DEFINITIONS.get(s.csat_definition, ""))
    solara.Switch(
        label="Phone number visible on the website",
        value=s.phone_visible,
        on_value=setter("phone_visible"),
    )
    solara.SliderFloat(
        f"Quality audits: {s.audit_rate:.0%} of contacts",
        value=s.audit_rate,
        min=0.0,
        max=0.2,
        step=0.01,
        on_value=setter("audit_rate"),
    )


@solara.component
def PopulationControls(settings: solara.Reactive[Settings], fixed: bool) -> None:
    s = settings.value
    if fixed:
        solara.Text("This preset sets its own call stream and staff; size is fixed.")
    else:
        solara.SliderInt(
            "Customers",
            value=s.customers,
            min=10_000,
            max=300_000,
            step=10_000,
            on_value=lambda v: settings.set(dataclasses.replace(settings.value, customers=v)),
        )
        solara.Text(f"{s.agents} agents (one per {CUSTOMERS_PER_AGENT:,} customers)")
    seed_error = ""
    try:
        parse_seed(s.seed_text)
    except ConfigError as exc:
        seed_error = str(exc)
    solara.InputText(
        "Seed (whole number)",
        value=s.seed_text,
        on_value=lambda v: settings.set(dataclasses.replace(settings.value, seed_text=str(v))),
        continuous_update=False,
        error=seed_error or False,
        classes=["kpisim-seed"],
    )
