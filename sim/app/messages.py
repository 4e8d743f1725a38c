"""The page's message of the moment (:class:`Note`) and :func:`guarded`, which turns an
unexpected error in a button's action into such a message instead of a traceback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .state import RunState


log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def guarded(action: str) -> Callable[[F], F]:
    """Decorate a :class:`RunState` method that a button calls: an unexpected exception
    becomes the page message "Could not <action>: <error>" (and a log line with the
    traceback, for the server's console) instead of a traceback on the page; playing
    stops and the run on screen stays as it was.

    Parameters
    ----------
    action : str
        What the method does, for the message (e.g. "load the lesson").
    """

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def run(self: RunState, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            except Exception as exc:  # the page must never show a traceback
                log.exception("app action failed: %s", action)
                self.fail(action, exc)
                return None

        return run  # type: ignore[return-value]

    return wrap


@dataclass(frozen=True)
class Note:
    """A message on the page; it shows until the run moves on (``token`` changes)."""

    kind: str  # "info" or "error"
    text: str
    token: str
