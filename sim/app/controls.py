"""The page's setting controls: pay scheme, population and seed.

Each control writes into the *draft* :class:`~sim.app.settings.Settings` (a Solara
reactive variable); nothing reaches the model until the page applies the draft.  Every
control has a caption with its value (class ``kpisim-ctl-<name>``), marked
"not applied" (class ``kpisim-changed``) while it differs from the run on screen, so
the sidebar always says what runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import solara

from ..config import ConfigError
from .settings import (
    CSAT_DEFINITIONS,
    FCR_DEFINITIONS,
    MAX_WEIGHT_TOTAL,
    PHONE_LEVELS,
    WEIGHT_KPIS,
    Settings,
    customers_per_agent,
    parse_seed,
    pct,
)

#: Mark of a control whose value is not applied to the run yet.
NOT_APPLIED = " · not applied"


@solara.component
def Caption(text: str, name: str, changed: bool) -> None:
    """A control's caption with its value; marked while not applied.

    Parameters
    ----------
    text : str
        The caption, with the control's current value.
    name : str
        The control's name in its CSS class ``kpisim-ctl-<name>`` (for tests and styling).
    changed : bool
        Whether the draft value differs from the applied one.
    """
    classes = ["kpisim-ctl", f"kpisim-ctl-{name}"] + (["kpisim-changed"] if changed else [])
    solara.Text(text + (NOT_APPLIED if changed else ""), classes=classes)


def _setter(draft: solara.Reactive[Settings], name: str) -> Callable[[Any], None]:
    def on_value(v: Any) -> None:
        draft.set(dataclasses.replace(draft.value, **{name: v}))

    return on_value


def _pick(
    draft: solara.Reactive[Settings], field: str, options: dict[str, str], shown: Any
) -> None:
    """Set ``field`` to the code of the menu label ``shown``; a value that is not one of
    the labels (a cleared menu sends None) leaves the setting as it was."""
    code = {v: k for k, v in options.items()}.get(shown)
    if code is not None:
        _setter(draft, field)(code)


@solara.component
def WeightControls(draft: solara.Reactive[Settings], applied: Settings) -> None:
    """One slider per payable KPI and the running total of the weights.

    Parameters
    ----------
    draft : solara.Reactive[Settings]
        The controls' settings, written by the sliders.
    applied : Settings
        The settings of the run on screen (a changed slider is marked).
    """
    s = draft.value
    for kpi, label in WEIGHT_KPIS:
        w = s.weight(kpi)
        Caption(f"{label}: {w:.2f}", f"weight-{kpi}", abs(w - applied.weight(kpi)) > 1e-9)
        with solara.Column(classes=["kpisim-slider", f"kpisim-slider-{kpi}"], gap="0px"):
            solara.SliderFloat(
                "",
                value=w,
                min=0.0,
                max=1.0,
                step=0.05,
                on_value=lambda v, k=kpi: draft.set(draft.value.with_weight(k, v)),
            )
    total = s.weight_total
    over = total > MAX_WEIGHT_TOTAL + 1e-9
    solara.Text(
        f"Total of KPI weights: {total:.2f}"
        + (" — above 1: lower a weight before applying" if over else " (at most 1)"),
        classes=["kpisim-weight-total"] + (["kpisim-over"] if over else []),
    )


def _choice(
    draft: solara.Reactive[Settings],
    applied: Settings,
    field: str,
    label: str,
    options: dict[str, str],
) -> None:
    """A caption (the value in force, marked when not applied) and a menu of plain
    labels for one setting that takes one of a few codes.

    Parameters
    ----------
    draft : solara.Reactive[Settings]
        The controls' settings, written by the menu.
    applied : Settings
        The settings of the run on screen (a changed value is marked).
    field : str
        The :class:`Settings` field set by the menu, and the caption's key.
    label : str
        The menu's label, also the caption's start.
    options : dict of str to str
        The codes the field may take, each with the label shown for it.
    """
    code = getattr(draft.value, field)
    Caption(f"{label}: {options.get(code, code)}", field, code != getattr(applied, field))
    solara.Select(
        label,
        value=options.get(code, code),
        values=list(options.values()),
        on_value=lambda shown: _pick(draft, field, options, shown),
    )


@solara.component
def SchemeControls(draft: solara.Reactive[Settings], applied: Settings) -> None:
    """Weights, bonus, how FCR and CSAT are measured, phone visibility, audits.

    Parameters
    ----------
    draft : solara.Reactive[Settings]
        The controls' settings, written by the controls.
    applied : Settings
        The settings of the run on screen.
    """
    s = draft.value
    WeightControls(draft, applied)
    Caption(
        f"On-target bonus: {pct(s.bonus_share)} of salary",
        "bonus",
        abs(s.bonus_share - applied.bonus_share) > 1e-9,
    )
    with solara.Column(classes=["kpisim-slider", "kpisim-slider-bonus"], gap="0px"):
        solara.SliderFloat(
            "",
            value=s.bonus_share,
            min=0.0,
            max=0.5,
            step=0.005,  # on-target bonuses come in half points (7.5%)
            on_value=_setter(draft, "bonus_share"),
        )
    _choice(draft, applied, "fcr_definition", "FCR measured as", FCR_DEFINITIONS)
    _choice(draft, applied, "csat_definition", "CSAT measured by", CSAT_DEFINITIONS)
    _choice(draft, applied, "phone_visibility", "Phone number on the website", PHONE_LEVELS)
    Caption(
        f"Quality audits: {s.audit_rate:.0%} of contacts",
        "audit",
        abs(s.audit_rate - applied.audit_rate) > 1e-9,
    )
    with solara.Column(classes=["kpisim-slider", "kpisim-slider-audit"], gap="0px"):
        solara.SliderFloat(
            "",
            value=s.audit_rate,
            min=0.0,
            max=0.2,
            step=0.01,
            on_value=_setter(draft, "audit_rate"),
        )


@solara.component
def PopulationControls(draft: solara.Reactive[Settings], applied: Settings, fixed: bool) -> None:
    """Customers (agents follow) and the seed; a bad seed is flagged at once.

    Parameters
    ----------
    draft : solara.Reactive[Settings]
        The controls' settings.
    applied : Settings
        The settings of the run on screen.
    fixed : bool
        The preset sets its own call stream and staff: the size cannot be changed.
    """
    s = draft.value
    if fixed:
        solara.Text("This preset sets its own call stream and staff; size is fixed.")
    else:
        Caption(
            f"Customers: {s.customers:,} ({s.agents} agents + {s.specialists} specialists, "
            f"one agent per {round(customers_per_agent()):,} customers)",
            "customers",
            s.customers != applied.customers,
        )
        with solara.Column(classes=["kpisim-slider", "kpisim-slider-customers"], gap="0px"):
            solara.SliderInt(
                "",
                value=s.customers,
                min=10_000,
                max=300_000,
                step=10_000,
                on_value=_setter(draft, "customers"),
            )
    seed_error = ""
    try:
        parse_seed(s.seed_text)
    except ConfigError as exc:
        seed_error = str(exc)
    Caption(
        f"Seed: {s.seed_text.strip()[:20]}",
        "seed",
        s.seed_text.strip() != applied.seed_text.strip(),
    )
    solara.InputText(
        "Seed (whole number)",
        value=s.seed_text,
        on_value=lambda v: draft.set(dataclasses.replace(draft.value, seed_text=str(v))),
        continuous_update=False,
        error=seed_error or False,
        classes=["kpisim-seed"],
    )
