"""The timeline of a run: pay days, managers' decisions, scheme changes, hiring waves.

Every event is read from what the model records; nothing here re-runs model logic:

- pay days: the employee table's ``day_end`` (one row per employee per closed pay period,
  ``model.employee_rows``);
- managers' decisions: ``model.decisions`` (``sim/model/management.py``: the number
  moved one click away, a KPI redesigned, a target moved, coaching, an early re-plan);
- scheme changes: ``model.scheme_changes`` (``ContactCentreModel.rollout``: the
  rollout day of a preset that changes scheme, e.g. the removal of the AHT metric);
- hiring waves: the daily table's ``hires`` (requisitions filled that day), days with
  hires less than :data:`WAVE_GAP_DAYS` apart joined into one wave;
- dismissals: the daily table's ``dismissals`` (forced ranking's bottom group let go).

Positions use the charts' x axis, working days completed (:func:`sim.app.livecharts.
live_table`): a day's closing event (a pay day, hires booked that day) sits at the day
index + 1; a decision or a scheme change in force from the morning of day index ``d``
sits at ``d`` (the boundary before that day).  :func:`model_log` copies the model's
logs (called under the session's lock by :func:`sim.app.snapshot.take_snapshot`);
:func:`events` turns a snapshot into the list the page, the charts, the export and the
debrief show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import ContactCentreModel
    from .snapshot import Snapshot

#: Hire days closer than this many working days form one hiring wave (a working week:
#: the requisitions of one re-plan are filled over a few days).
WAVE_GAP_DAYS = 5

#: Kinds of event, in the order the list explains them: (short label for the charts'
#: rules, plain-language name for the list).
KINDS = {
    "pay day": "pay day: the pay period closes and bonuses are paid",
    "scheme change": "the pay scheme changes",
    "decision": "a manager's decision read off the dashboard",
    "coaching": "team leaders coach the agents the dashboard flags",
    "hiring": "new hires start",
    "dismissal": "employees dismissed",
}

#: A manager's action (``model.decisions``) in words a team leader would use.
ACTIONS = {
    "phone_one_click": ("number moved", "the phone number moved one click away (under Help)"),
    "redesign": ("{kpi} redesigned", "the {kpi} KPI redesigned: part of its weight moved"),
    "raise_target": ("{kpi} target up", "the {kpi} target raised"),
    "relax_target": ("{kpi} target down", "the {kpi} target relaxed"),
    "replan": ("re-plan", "staffing re-planned early: service level below target"),
    "coach": ("coaching", "{n} agents coached (hours off the phones)"),
}


@dataclass(frozen=True)
class Event:
    """One event of the timeline.

    ``x`` is its position on the charts' axis (working days completed), ``kind`` a key
    of :data:`KINDS`, ``label`` a short text for the chart's rule, ``text`` the
    sentence of the list.
    """

    x: int
    kind: str
    label: str
    text: str


def model_log(model: ContactCentreModel) -> dict[str, list[dict[str, Any]]]:
    """Copies of the model's event logs (its decisions and scheme changes), safe to read
    after the model has moved on.

    Parameters
    ----------
    model : ContactCentreModel
        The running model (read under the session's lock).
    """
    return {
        "decisions": [dict(r) for r in model.decisions],
        "scheme_changes": [dict(r) for r in getattr(model, "scheme_changes", [])],
    }


def _decision(rec: dict[str, Any]) -> Event:
    """A manager's decision as an event (coaching has a kind of its own)."""
    action = str(rec.get("action", ""))
    kpi = str(rec.get("kpi") or "").upper()
    short, long = ACTIONS.get(action, (action, action.replace("_", " ")))
    n = rec.get("measured")
    count = int(n) if isinstance(n, (int, float)) and n == n else 0
    kind = "coaching" if action == "coach" else "decision"
    return Event(int(rec["day"]), kind, short.format(kpi=kpi), long.format(kpi=kpi, n=count))


def _waves(snap: Snapshot, column: str) -> list[tuple[int, int, int]]:
    """Groups of days with ``column`` > 0 less than :data:`WAVE_GAP_DAYS` apart, as
    (first x, last x, total); x = day index + 1."""
    d = snap.daily
    if column not in d:
        return []
    days = d.loc[d[column].fillna(0) > 0, ["day", column]].to_numpy()
    out: list[tuple[int, int, int]] = []
    for day, n in days:
        x = int(day) + 1
        if out and x - out[-1][1] < WAVE_GAP_DAYS:
            first, _, total = out[-1]
            out[-1] = (first, x, total + int(n))
        else:
            out.append((x, x, int(n)))
    return out


def events(snap: Snapshot | None) -> list[Event]:
    """The run's events up to the snapshot's day, in order of position (a pay day before
    what follows on the same position).

    Parameters
    ----------
    snap : Snapshot or None
        The run's state (None before the first day: no events).
    """
    if snap is None:
        return []
    out: list[Event] = []
    emp = snap.employees
    if not emp.empty and "day_end" in emp:
        for n, d in enumerate(sorted({int(v) for v in emp["day_end"]}), start=1):
            out.append(Event(d + 1, "pay day", "pay", f"pay day {n}: bonuses of period {n} paid"))
    log = snap.log or {}
    for rec in log.get("scheme_changes", []):
        name = str(rec.get("scheme", ""))
        out.append(
            Event(
                int(rec["day"]),
                "scheme change",
                "scheme change",
                f"the pay scheme becomes '{name}'",
            )
        )
    out.extend(_decision(r) for r in log.get("decisions", []) if int(r["day"]) <= snap.day)
    for first, last, n in _waves(snap, "hires"):
        days = f"day {first}" if first == last else f"days {first}–{last}"
        out.append(Event(first, "hiring", f"+{n} hired", f"{n} new hires start ({days})"))
    for first, _last, n in _waves(snap, "dismissals"):
        out.append(Event(first, "dismissal", f"{n} dismissed", f"{n} employees dismissed"))
    order = list(KINDS)
    return sorted(out, key=lambda e: (e.x, order.index(e.kind)))


def event_lines(evs: list[Event]) -> list[str]:
    """The list as lines of text, e.g. "Day 26 · the phone number moved one click away".

    Parameters
    ----------
    evs : list of Event
        :func:`events`.
    """
    return [f"Day {e.x} · {e.text}" for e in evs]
