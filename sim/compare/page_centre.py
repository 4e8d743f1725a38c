"""Words of the report about the centre compared and where its robust worlds come from
(``centre=NAME``, ``centre.posterior``)."""

from __future__ import annotations

import html

from ..config import Config
from .plan import Plan


def centre_note(cfg: Config) -> str:
    """A paragraph saying which centre the verdict is for and from which data; empty
    for the generic centre (``centre=none``).

    Parameters
    ----------
    cfg : Config
        The current arm's config (its ``centre`` section).
    """
    c = cfg.centre
    if not c.name:
        return (
            "<p class=note>The centre is kpisim's generic centre (the defaults of "
            "<code>sim/config/schema.py</code>, each with its source in "
            "docs/calibration.md), not a particular one: pass <code>centre=NAME</code> "
            "for a centre of <code>configs/centre/</code>.</p>"
        )
    bits = [f"calibrated from {html.escape(c.source)}" if c.source else "source not given"]
    if c.calibrated_on:
        bits.append(f"on {html.escape(c.calibrated_on)}")
    notes = f" {html.escape(c.notes)}" if c.notes else ""
    return (
        f"<p class=note><b>This verdict is for the centre "
        f"<code>{html.escape(c.name)}</code></b> ({' '.join(bits)}): the world of both arms "
        f"is that centre's calibrated config, and it may not carry over to another "
        f"centre.{notes}</p>"
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
