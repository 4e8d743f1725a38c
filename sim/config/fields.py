"""Field helpers of the config schema and its one error type (shared by the schema's
modules without a cycle).

A schema field declares what it accepts in its ``metadata``, read by ``validate.py``
(and by ``sim.compare.uncertainty`` for ranges):
``field(default=0.3, metadata=within(0.0, 1.0))`` or
``field(default="on_top", metadata=one_of("on_top", "from_base"))``.

A knob whose range lies inside [0, 1] is a share: a value written as a percentage (60
for 0.60) is refused with the share it probably meant (:func:`percent_hint`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class ConfigError(ValueError):
    """A user-facing configuration error: no traceback needed.

    One problem reads as one line.  A file or config with several problems raises one
    error listing them all (:meth:`collected`), one per line, with any warnings of the
    same config after them; ``problems`` and ``warnings`` hold the lines.
    """

    def __init__(
        self,
        message: str = "",
        *,
        problems: Iterable[str] = (),
        warnings: Iterable[str] = (),
        where: str = "",
    ):
        self.problems: list[str] = list(problems) or [message]
        self.warnings: list[str] = list(warnings)
        self.where = where
        super().__init__(message or _block(self.problems, self.warnings, where))

    @classmethod
    def collected(cls, problems: Iterable[str], warnings: Iterable[str] = ()) -> ConfigError:
        """One error for every problem found (and the config's warnings).

        Parameters
        ----------
        problems : iterable of str
            One line per problem, each naming the key, the bad value and what is
            allowed.  A single problem without warnings keeps its one-line message.
        warnings : iterable of str
            Lines about what runs but is probably not meant (listed after the problems).
        """
        return cls(problems=list(problems), warnings=list(warnings))

    def with_prefix(self, prefix: str, strip: str = "") -> ConfigError:
        """The same problems and warnings, said to come from ``prefix`` (where the keys
        came from: the start of a one-line message, or of the head line of several) and
        with ``strip`` removed from the start of their keys.

        Parameters
        ----------
        prefix : str
            Where the keys came from (``"proposal=my.yaml: "``).
        strip : str
            A key prefix to drop (``"scheme."``: a scheme file's keys have none).
        """

        def fix(line: str) -> str:
            return line.removeprefix(strip).replace(f" {strip}", " ") if strip else line

        return ConfigError(
            problems=map(fix, self.problems),
            warnings=map(fix, self.warnings),
            where=prefix + self.where,
        )


def _block(problems: list[str], warnings: list[str], where: str) -> str:
    """The message: the one problem on one line, else a head line counting them, then
    one problem or warning a line."""
    if len(problems) == 1 and not warnings:
        return where + problems[0]
    n, w = len(problems), len(warnings)
    head = f"{where}{n} problem{'s' if n != 1 else ''}"
    head += f" and {w} warning{'s' if w != 1 else ''}:" if w else ":"
    lines = [head, *(f"  - {p}" for p in problems)]
    lines += [f"  - warning: {w}" for w in warnings]
    return "\n".join(lines)


def within(
    lo: float | None, hi: float | None, *, share: bool | None = None, why: str = ""
) -> dict[str, Any]:
    """Field metadata: a numeric knob must lie in the closed range ``[lo, hi]``.

    Parameters
    ----------
    lo, hi : float or None
        Lowest and highest allowed value, in the knob's own unit; None = unbounded
        on that side.
    share : bool, optional
        The knob is a share (a fraction, 0.6 = 60 %), so a value written as a
        percentage gets the share it probably meant.  Default: a range inside [0, 1].
    why : str
        Why the range ends where it does, added to the out-of-range message (a cap).
    """
    if share is None:
        share = lo is not None and hi is not None and lo >= 0.0 and 0.0 < hi <= 1.0
    return {"range": (lo, hi), "share": share, "why": why}


def one_of(*allowed: object) -> dict[str, Any]:
    """Field metadata: the values a knob may take (strings, or numbers such as the
    planning interval's minutes).

    Parameters
    ----------
    *allowed : str or int
        Every allowed value, in the order the error message lists them.
    """
    return {"choices": allowed}


def percent_hint(value: float, lo: float = 0.0, hi: float = 1.0) -> str:
    """The hint for a share written as a percentage: ``"... did you mean 0.60?"`` for 60
    (a value in (1, 100] whose hundredth lies in ``[lo, hi]``), else "".

    Parameters
    ----------
    value : float
        The value given.
    lo, hi : float
        The share's allowed range (the hint is only offered when it would be allowed).
    """
    if not 1.0 < value <= 100.0 or not lo <= value / 100.0 <= hi:
        return ""
    text = f"{value / 100.0:.4f}".rstrip("0")
    text += "0" * max(0, 4 - len(text))  # at least two decimals: 0.6 -> 0.60
    return f"a share (1 = 100 %) >1: did you mean {text}?"
