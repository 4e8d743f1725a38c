"""The ``key=value`` arguments of the command line, parsed and checked in one place.

``kpisim compare``, ``kpisim calibrate`` and ``kpisim app`` take ``key=value`` words;
``kpisim run`` hands its overrides to Hydra, and the sweep checks read values back out
of them (:func:`override_value`).  A command declares its own arguments as :class:`Arg`
(name, type, range) and :func:`parse_key_values` turns the words into checked values.
Bad input raises :class:`~sim.config.ConfigError` with one line naming the word and
what is allowed, which every command prints without a traceback (exit code 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .config import ConfigError

#: Words a boolean argument accepts, and what they mean.
BOOL_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class Arg:
    """One ``key=value`` argument of a command.

    Parameters
    ----------
    name : str
        The key.
    kind : type
        ``str``, ``int``, ``float`` or ``bool``: what the value is turned into.
    lo, hi : float, optional
        Closed range allowed for an ``int`` or ``float`` (in the argument's own unit);
        None = unbounded on that side.
    required : bool
        Whether the command refuses to run without it.
    """

    name: str
    kind: type = str
    lo: float | None = None
    hi: float | None = None
    required: bool = False

    def convert(self, value: str) -> Any:
        """The value of ``name=value``, checked; :class:`ConfigError` if not allowed.

        Parameters
        ----------
        value : str
            The text after ``=``.
        """
        if value == "":
            raise ConfigError(f"{self.name}= needs a value")
        if self.kind is bool:
            if value.lower() not in BOOL_WORDS:
                raise ConfigError(f"{self.name}={value!r} is not allowed: true or false")
            return BOOL_WORDS[value.lower()]
        if self.kind is str:
            return value
        what = ("an integer" if self.kind is int else "a number") + self._range()
        try:
            x = self.kind(value)
        except ValueError:
            raise ConfigError(f"{self.name}={value!r} is not allowed: {what}") from None
        if (self.lo is not None and x < self.lo) or (self.hi is not None and x > self.hi):
            raise ConfigError(f"{self.name}={x} is not allowed: {what}")
        return x

    def _range(self) -> str:
        """The allowed range as text: `` lo..hi``, `` >= lo``, `` <= hi`` or nothing."""
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None:
            return f" {lo}..{hi}"
        if lo is not None:
            return f" >= {lo}"
        return f" <= {hi}" if hi is not None else ""


def split_word(word: str) -> tuple[str, str] | None:
    """``"key=value"`` -> ``("key", "value")``; None for anything else (no ``=``, no
    key, or a flag such as ``--x=1``).

    Parameters
    ----------
    word : str
        One word of the command line.
    """
    key, eq, value = word.partition("=")
    if not eq or not key or word.startswith("-"):
        return None
    return key, value


def parse_key_values(
    words: Iterable[str],
    args: Sequence[Arg],
    command: str,
    *,
    others: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """Parse a command's ``key=value`` words against its arguments.

    Parameters
    ----------
    words : iterable of str
        The command line after the command's name.
    args : sequence of Arg
        The command's own arguments.
    command : str
        The command's name (``"kpisim compare"``), for the messages.
    others : bool
        Whether ``key=value`` words with another key are accepted (returned as they
        are, e.g. config overrides) rather than refused.

    Returns
    -------
    values : dict
        The value of each argument given (the last one when a key is repeated),
        converted and checked; arguments not given are absent.
    rest : list of str
        The other ``key=value`` words, in order (empty unless ``others``).

    Raises
    ------
    ConfigError
        One line naming the word that is not ``key=value``, the unknown key, the
        value not allowed or the required argument missing.
    """
    spec = {a.name: a for a in args}
    values: dict[str, Any] = {}
    rest: list[str] = []
    for word in words:
        kv = split_word(word)
        if kv is None:
            raise ConfigError(
                f"unexpected argument {word!r}: arguments take the form key=value "
                f"(see {command} --help)"
            )
        key, value = kv
        if key in spec:
            values[key] = spec[key].convert(value)
        elif others:
            rest.append(word)
        else:
            raise ConfigError(
                f"unknown argument {key!r}: {command} takes {', '.join(spec)} "
                f"(see {command} --help)"
            )
    for a in args:
        if a.required and a.name not in values:
            raise ConfigError(f"argument {a.name}= is required (see {command} --help)")
    return values, rest


def override_value(words: Iterable[str], key: str) -> str | None:
    """The value of ``key`` among Hydra overrides (``key=``, ``+key=`` or ``++key=``;
    the last one wins), without quotes; None when absent, empty or ``null``.

    Parameters
    ----------
    words : iterable of str
        The command line's overrides.
    key : str
        The key looked up (``hydra.launcher.partition``, ``hydra/launcher``).
    """
    value = None
    for word in words:
        kv = split_word(word)
        if kv is not None and kv[0].lstrip("+") == key:
            value = kv[1]
    return None if value in (None, "null", "None", "") else value.strip("'\"")
