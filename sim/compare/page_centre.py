"""Words of the report about the centre compared and where its robust worlds come from
(``centre=NAME``, ``centre.posterior``)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from ..config import Config
from .plan import Plan

#: What a centre file can set that its data identify (``kpisim calibrate``), with how
#: the note shows each value: dotted key -> (label, value -> text).
CALIBRATED: dict[str, tuple[str, Callable[[Any], str]]] = {
    "demand.profile_file": ("arrivals over the day", lambda v: ""),
    "channels.open_s": ("opening hours", lambda v: f"{v / 3600:.3g} h a day"),
    "handling.mean_s": ("handling as required", lambda v: f"{v:.4g} s"),
    "customers.patience_mean_s": ("patience", lambda v: f"{v:.4g} s"),
    "employees.n": ("front-line agents", lambda v: f"{v:,}"),
    "customers.n": ("customers (sized by the volume pilot)", lambda v: f"{v:,}"),
}
#: What the data of a centre do not show, by theme: the config keys (a whole section, or
#: dotted keys) that stay kpisim's generic defaults unless the centre file sets them
#: (money: the figures of ``kpisim calibrate costs=FILE``).
GENERIC = {
    "behaviour (pay response, gaming, learning)": ("behavior",),
    "churn": (
        "customers.churn_annual_base",
        "customers.churn_loyalty_sensitivity",
        "customers.churn_after_bad",
        "customers.churn_effort_sensitivity",
    ),
    "money (salaries, costs, revenue)": (
        "costs",
        "employees.salary_novice_annual",
        "employees.salary_experienced_annual",
        "employees.replacement_cost_months",
        "customers.revenue_monthly_mean",
        "customers.margin_rate",
        "channels.web_cost",
    ),
}


def _and(items: list[str]) -> str:
    """``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _get(obj: object, key: str) -> object:
    """The value of a dotted config key (``customers.n``) of a config object."""
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj


def centre_note(cfg: Config) -> str:
    """A paragraph saying which centre the verdict is for and from which data, what its
    file sets (calibrated from the data), what is still kpisim's generic default
    (behaviour, churn, money) and the uncertainty that remains; for the generic centre
    (``centre=none``) the sentence that it is the generic one.

    Parameters
    ----------
    cfg : Config
        The current arm's config (its ``centre`` section and the keys it sets).
    """
    c = cfg.centre
    if not c.name:
        return (
            "<p class=note>The centre is kpisim's generic centre (the defaults of "
            "<code>sim/config/schema.py</code>, each with its source in "
            "docs/calibration.md), not a particular one: pass <code>centre=NAME</code> "
            "for a centre of <code>configs/centre/</code> or <code>centre=PATH</code> for a "
            "centre file written by <code>kpisim calibrate</code>.</p>"
        )
    bits = [f"calibrated from {html.escape(c.source)}" if c.source else "source not given"]
    if c.calibrated_on:
        bits.append(f"on {html.escape(c.calibrated_on)}")
    default = Config()
    set_ = [
        f"{label} {html.escape(show(_get(cfg, k)))}".strip()
        for k, (label, show) in CALIBRATED.items()
        if _get(cfg, k) != _get(default, k)
    ]
    generic = [
        theme
        for theme, keys in GENERIC.items()
        if all(_get(cfg, k) == _get(default, k) for k in keys)
    ]
    sets = (
        f" Its file sets: {', '.join(set_)}; each estimate's standard error is in the "
        f"centre's <code>calibration.csv</code>, and the replications hold them fixed."
        if set_
        else ""
    )
    robust = (
        "the robust verdict draws the parameters of the centre's posterior sample from "
        "it, fitted to its KPI history, and varies the rest over generic ranges"
        if c.posterior
        else "the robust verdict varies them over generic ranges, not this centre's"
    )
    gen = (
        f" <b>Not calibrated</b>: {_and(generic)} {'are' if len(generic) > 1 else 'is'} "
        f"kpisim's generic defaults, not "
        f"estimated from this centre's data ({robust}); the verdict's effects lean on "
        f"them, so read it as this centre's volume and service with a generic workforce "
        f"and customer base."
        if generic
        else ""
    )
    notes = f" <b>Note</b>: {html.escape(c.notes)}" if c.notes else ""
    return (
        f"<p class=note><b>This verdict is for the centre "
        f"<code>{html.escape(c.name)}</code></b> ({' '.join(bits)}): the world of both arms "
        f"is that centre's calibrated config, and it may not carry over to another "
        f"centre.{sets}{gen}{notes}</p>"
    )


def worlds_source(plan: Plan) -> str:
    """How the robust worlds were drawn, as a sentence fragment (HTML).

    Parameters
    ----------
    plan : Plan
        The comparison's plan (a posterior file or the uncertainty ranges).
    """
    if plan.posterior:
        return (
            f"by drawing rows of the centre's posterior sample "
            f"<code>{html.escape(plan.posterior)}</code> (each row one set of parameter "
            f"values consistent with its data; the ranges below are the draws' spread)"
        )
    return (
        f"by Latin hypercube over the ranges in <code>{html.escape(plan.uncertainty_path)}"
        f"</code> (each parameter uniform over its range)"
    )
