"""The presenter's tiles in plain words, and the glossary behind the terms that stay.

A lesson names three or four tiles in its YAML (``scenario.live.tiles``: tile key ->
"up" / "down" against its comparison by day 120, or "show"); :data:`TILES` says what
each key shows: a plain label a team leader would use, the number the dashboard shows
(if any), the real number (the one judged against the comparison) and a hover text
(``title=``) for the term behind it.  Every number comes from the page's
:class:`~sim.app.snapshot.Snapshot` (``summary_dict`` of the run so far, the daily table,
the SMART check); nothing here re-computes a KPI.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..outputs.smart import PERIOD_MAX_DAYS
from .snapshot import Snapshot

#: Words behind the terms that must stay on screen (shown on hover, ``title=``).
GLOSSARY = {
    "dashboard": "What the managers' screen shows: the number as the scheme measures it.",
    "really": "What actually happened to the customers, from the simulation's true record.",
    "value": (
        "Profit so far plus the change in what the customer base is worth (customer "
        "equity): customers driven away count as money lost, not only as today's margin."
    ),
    "seed": "The dice: the same number gives the same run; both sides use the same one.",
    "failure demand": (
        "Contacts caused by a failure elsewhere in the firm (a wrong bill, a delivery "
        "that never came): work the contact centre only exists to absorb."
    ),
    "fcr gap": (
        "Measured first-contact resolution counts a call as fixed when the agent closed "
        "it; if billing or delivery then fail, the customer calls back. So measured is "
        "above real even with no bonus at all: that gap belongs to the other departments."
    ),
    "gaming": (
        "Acts that flatter a number without serving the customer: coding a call resolved "
        "that was not, steering the survey, dumping or rushing calls, pushing callers to "
        "the web."
    ),
    "smart": (
        "SMART: a target should be Specific (the agent's own work moves it), Measurable "
        "(not mostly luck), Achievable, Relevant (it stands for what customers get) and "
        "Time-bound (a period long enough to judge)."
    ),
}


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _num(snap: Snapshot, key: str, scale: float = 1.0) -> float | None:
    v = snap.summary.get(key)
    return None if _missing(v) else scale * float(v)


def _quits(snap: Snapshot) -> float:
    return float(snap.daily["quits"].sum())


def _smart_fails(snap: Snapshot, letter: str) -> list[str]:
    """The paid KPIs failing SMART criterion ``letter`` in the last check."""
    t = snap.smart
    if not len(t):
        return []
    bad = t[(t["criterion"] == letter) & ~t["passed"].astype(bool)]
    return [str(k).upper().replace("_", " ") for k in bad["kpi"]]


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _pts(v: float) -> str:
    return f"{v * 100:+.1f} pts"


def _numbers(spec: str, unit: str = "", per: float = 1.0) -> dict[str, Callable[[float], str]]:
    """A tile's ``fmt`` and ``diff`` for plain numbers: ``v / per`` in the format ``spec``
    followed by ``unit`` (the difference signed), e.g. ``_numbers(",.0f", " k", 1e3)``.

    Parameters
    ----------
    spec : str
        Format spec without a sign (``".2f"``, ``",.0f"``).
    unit : str
        Text after the number (``" s"``, ``" days"``).
    per : float
        Divisor applied first (1e3: thousands).
    """
    return {
        "fmt": lambda v: f"{v / per:{spec}}{unit}",
        "diff": lambda v: f"{v / per:+{spec}}{unit}",
    }


@dataclass(frozen=True)
class Tile:
    """One presenter tile: what it shows, in plain words, and how."""

    key: str
    label: str  # what the tile is about, in a team leader's words
    tip: str  # the hover text: what the number is and where it comes from
    true: Callable[[Snapshot], float | None]  # the real number (judged vs the comparison)
    fmt: Callable[[float], str] = _pct
    diff: Callable[[float], str] = _pts  # the difference lesson - comparison
    dash: Callable[[Snapshot], float | None] | None = None  # what the dashboard shows
    dash_caption: str = "Dashboard"
    true_caption: str = "Really"
    note: Callable[[Snapshot], str] | None = None  # a sentence under the numbers

    def value(self, snap: Snapshot | None) -> float | None:
        """The real number of ``snap`` (None when not defined yet).

        Parameters
        ----------
        snap : Snapshot or None
            A run's state.
        """
        if snap is None:
            return None
        v = self.true(snap)
        return None if _missing(v) else float(v)  # type: ignore[arg-type]

    def shown(self, snap: Snapshot | None) -> float | None:
        """The dashboard's number of ``snap`` (None without one).

        Parameters
        ----------
        snap : Snapshot or None
            A run's state.
        """
        if snap is None or self.dash is None:
            return None
        v = self.dash(snap)
        return None if _missing(v) else float(v)  # type: ignore[arg-type]


def fmt(tile: Tile, v: float | None, diff: bool = False) -> str:
    """``v`` in the tile's format ("–" when missing).

    Parameters
    ----------
    tile : Tile
        The tile.
    v : float or None
        The number.
    diff : bool
        Format it as a difference.
    """
    if _missing(v):
        return "–"
    return (tile.diff if diff else tile.fmt)(float(v))  # type: ignore[arg-type]


def _fcr_note(snap: Snapshot) -> str:
    gap, gaming = _num(snap, "fcr_gap"), _num(snap, "fcr_gaming_gap")
    if gap is None or gaming is None:
        return ""
    return (
        f"Gap: {max(0.0, gap - gaming) * 100:.1f} pts from other departments' failed "
        f"deliveries, {gaming * 100:.1f} gamed."
    )


def _phone_note(snap: Snapshot) -> str:
    day = snap.summary.get("phone_one_click_day")
    end = snap.summary.get("phone_visibility_end") or snap.summary.get("phone_visibility")
    if day is not None:
        return f"The manager moved the number one click away on day {day}."
    return f"The manager has not moved it: the number is {str(end).replace('_', ' ')}."


def _smart_tile(letter: str, word: str, why: str) -> Tile:
    def note(snap: Snapshot) -> str:
        bad = _smart_fails(snap, letter)
        return f"Fails: {', '.join(bad)}" if bad else "Every paid number passes."

    return Tile(
        f"smart_{word.lower().replace('-', '')}",
        f"Is the target {word.lower()}?",
        f"SMART '{word}': {why} " + GLOSSARY["smart"],
        lambda s: float(len(_smart_fails(s, letter))),
        fmt=lambda v: f"{v:.0f} paid number{'s' if v != 1 else ''} fail",
        diff=lambda v: f"{v:+.0f}",
        true_caption="Check",
        note=note,
    )


def _tiles() -> dict[str, Tile]:
    money = dict(**_numbers(",.2f", " M", 1e6), dash_caption="Profit")
    tiles = [
        Tile(
            "fixed_first_time",
            "Problems fixed at the first contact",
            "First-contact resolution (FCR). " + GLOSSARY["fcr gap"],
            lambda s: _num(s, "fcr_true"),
            dash=lambda s: _num(s, "fcr_measured"),
            note=_fcr_note,
        ),
        Tile(
            "happy_customers",
            "Customers happy with the service",
            "Customer satisfaction (CSAT): the survey on the dashboard, every customer's "
            "real experience below.",
            lambda s: _num(s, "csat_true"),
            dash=lambda s: _num(s, "csat_survey"),
        ),
        Tile(
            "effort",
            "Customer effort (1 easy, 7 hard)",
            "How hard customers had to work to get a problem solved, 1-7; the dashboard "
            "shows the share of contacts kept on the website instead.",
            lambda s: _num(s, "customer_effort"),
            **_numbers(".2f"),
            dash=lambda s: _num(s, "web_containment"),
            dash_caption="Kept on web",
        ),
        Tile(
            "call_time",
            "Time per call (seconds)",
            "Average handle time (AHT) on the dashboard; below, the handling time per "
            "problem really solved.",
            lambda s: _num(s, "handle_s_per_resolved"),
            **_numbers(".0f", " s"),
            dash=lambda s: _num(s, "aht_s"),
            true_caption="Per fix",
        ),
        Tile(
            "customers_kept",
            "Customers still with us",
            "Share of the day-0 customers still customers today.",
            lambda s: _num(s, "retention"),
        ),
        Tile(
            "complaints",
            "Complaints per 1,000 contacts",
            "Formal complaints per 1,000 contacts, run so far.",
            lambda s: _num(s, "complaint_rate", 1000.0),
            **_numbers(".1f"),
        ),
        Tile(
            "failure_demand",
            "Contacts caused by mistakes elsewhere",
            "Failure demand: " + GLOSSARY["failure demand"],
            lambda s: _num(s, "issues_failure_demand"),
            **_numbers(",.0f"),
            true_caption="So far",
            note=lambda s: (
                f"{_num(s, 'root_cause_fixes') or 0:,.0f} root causes fixed by other departments."
            ),
        ),
        Tile(
            "gaming",
            "Calls gamed to flatter a number",
            "Share of answered calls with a gaming act. " + GLOSSARY["gaming"],
            lambda s: _num(s, "gaming_rate"),
        ),
        Tile(
            "morale",
            "Staff morale (0 low, 1 high)",
            "Average morale of the front-line staff, 0-1.",
            lambda s: _num(s, "employee_satisfaction"),
            **_numbers(".2f"),
            true_caption="Now",
        ),
        Tile(
            "quits",
            "People who quit",
            "Front-line staff who resigned, run so far (dismissals not counted).",
            _quits,
            **_numbers(".0f"),
            true_caption="So far",
        ),
        Tile(
            "bonus",
            "Bonus paid to staff",
            "Bonus paid so far (the scheme's payments and any protection of it).",
            lambda s: _num(s, "bonus_paid"),
            **_numbers(",.0f", " k", 1e3),
            true_caption="So far",
        ),
        Tile(
            "value",
            "Money made, customers counted",
            "Value: " + GLOSSARY["value"],
            lambda s: _num(s, "value"),
            dash=lambda s: _num(s, "profit"),
            true_caption="Value",
            **money,  # type: ignore[arg-type]
        ),
        Tile(
            "phone_hidden",
            "Days the phone number was hidden",
            "Days on which the website hid the phone number; a manager who sees what "
            "hiding it does to callers moves it back within reach.",
            lambda s: _num(s, "days_phone_hidden"),
            **_numbers(".0f", " days"),
            true_caption="Hidden",
            note=_phone_note,
        ),
        Tile(
            "score_follows_customers",
            "Does the bonus score follow what customers get?",
            "Across the agents, the correlation of their bonus score with their customers' "
            "real satisfaction (1: perfectly, 0: not at all), last three pay periods.",
            lambda s: _num_nested(s, "not_informing_decisions", "score_truth_corr"),
            **_numbers(".2f"),
            true_caption="Link",
        ),
        _smart_tile("S", "Specific", "the agent's own work moves the number."),
        _smart_tile("M", "Measurable", "one agent's month is not mostly luck."),
        _smart_tile("A", "Achievable", "most honest agents can reach it."),
        _smart_tile("R", "Relevant", "it stands for what customers really get."),
        Tile(
            "smart_timebound",
            "Is the target time-bound?",
            "SMART 'Time-bound': feedback (the pay period) comes soon enough to steer the "
            f"work: at most {PERIOD_MAX_DAYS:.0f} working days. " + GLOSSARY["smart"],
            _period_days,
            **_numbers(".0f", " days"),
            true_caption="Feedback",
            note=lambda s: (
                f"Fails: feedback comes after more than {PERIOD_MAX_DAYS:.0f} working days."
                if (_period_days(s) or 0) > PERIOD_MAX_DAYS
                else "Passes: feedback within a quarter."
            ),
        ),
    ]
    return {t.key: t for t in tiles}


def _period_days(snap: Snapshot) -> float | None:
    """The pay period of the run's scheme (working days): SMART's T needs no closed
    period to judge (a scheme paying twice a year has none by day 120)."""
    return None if snap.cfg is None else float(snap.cfg.scheme.period_days)


def _num_nested(snap: Snapshot, sign: str, key: str) -> float | None:
    v = snap.summary.get("toxic_signs", {}).get(sign, {}).get(key)
    return None if _missing(v) else float(v)


#: Every tile a lesson can name in ``scenario.live.tiles``.
TILES: dict[str, Tile] = _tiles()
#: What a tile may expect of the lesson against its comparison.
TILE_DIRECTIONS = ("up", "down", "show")
