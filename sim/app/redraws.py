"""The handshake between the play loop and the live part's redraws (:class:`Redraws`):
the loop steps only after the page has drawn the previous step, and stops at once when
its epoch ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Redraws:
    """The token (:attr:`RunState.token`) of the live part's last finished redraw, so
    that the play loop waits for each redraw before the next step.

    Without it a play loop with no pause changed the run during every render pass of a
    render running in another thread (an export, a lesson chosen while playing) and
    reacton gave up after 100 passes with "Too many renders triggered".
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._token: str | None = None
        #: bumped whenever playing must stop (a plain counter, seen at once by the play
        #: thread); a play loop runs only while the epoch it started in lasts
        self.epoch = 0

    def drawn(self, token: str) -> None:
        """Called by the live part once a redraw is done (an effect: after the commit).

        Parameters
        ----------
        token : str
            The token of the run and day drawn.
        """
        with self._cond:
            self._token = token
            self._cond.notify_all()

    def wait(self, token: str, go_on: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait until ``token`` has been drawn, while ``go_on()`` holds, at most
        ``timeout`` seconds; True if it was drawn.

        Parameters
        ----------
        token : str
            The token to wait for.
        go_on : callable
            Checked every 50 ms; the wait ends when it returns False.
        timeout : float
            Longest wait, seconds.
        """
        end = time.monotonic() + timeout
        with self._cond:
            while self._token != token and go_on() and time.monotonic() < end:
                self._cond.wait(0.05)
            return self._token == token
