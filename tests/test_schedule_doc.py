"""The day's schedule is written once, in ``docs/architecture.md``: its marked list must
name the calls of ``ContactCentreModel.step``, in the order ``step`` makes them.  The
day's record is declared once too (``ledgers.DayRecord``)."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

import pytest

from sim.model.centre import ContactCentreModel
from sim.model.ledgers import DayLedger

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
BEGIN, END = "<!-- schedule:begin -->", "<!-- schedule:end -->"
#: A numbered item of the marked list: its first code span names a call of ``step``.
ITEM = re.compile(r"^\d+\.\s.*?`([\w.]+)`")


def _dotted(node: ast.expr) -> str:
    """``self.manager.start_day`` -> ``manager.start_day`` (``self.`` dropped)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id != "self":
        parts.append(node.id)
    return ".".join(reversed(parts))


def step_calls() -> list[str]:
    """The calls in ``step``'s body in the order Python makes them (statement by
    statement; a call's arguments before the call)."""
    src = textwrap.dedent(inspect.getsource(ContactCentreModel.step))
    calls: list[str] = []

    class Visitor(ast.NodeVisitor):
        def visit_Call(self, node: ast.Call) -> None:
            self.generic_visit(node)
            calls.append(_dotted(node.func))

    body = ast.parse(src).body[0].body
    for stmt in body[1:] if isinstance(body[0].value, ast.Constant) else body:
        Visitor().visit(stmt)
    return calls


def doc_calls(text: str) -> list[str]:
    """The calls the marked list of the doc names, in its order."""
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    return [m.group(1) for line in block.splitlines() if (m := ITEM.match(line.strip()))]


def test_doc_schedule_is_steps_calls_in_order():
    text = DOC.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1, "one marked schedule in the doc"
    assert doc_calls(text) == step_calls()


def test_the_doc_list_is_read_item_by_item():
    """Only numbered items inside the markers count, each by its first code span."""
    text = "\n".join(
        [
            "1. `outside` before the markers",
            BEGIN,
            "Some prose with `code`.",
            "1. **Rollout** (`_roll_out`): `rollout` on the day",
            "2. `workforce.hire` - hiring",
            "   continued, `not_an_item`",
            END,
            "3. `after` the markers",
        ]
    )
    assert doc_calls(text) == ["_roll_out", "workforce.hire"]


def test_a_day_books_only_declared_fields():
    """The day record is declared once (``ledgers.DayRecord``): a day that books a field
    the declaration lacks is refused at the end of the day."""
    row = DayLedger().new_day(0)
    row["calls_offered"] = 3
    DayLedger.check(row)
    row["calls_ofered"] = 3  # type: ignore[typeddict-unknown-key]
    with pytest.raises(KeyError, match="calls_ofered"):
        DayLedger.check(row)
