"""The one ``key=value`` parser of the command line (``sim.cliargs``): checked values,
one-line messages naming the word and what is allowed, Hydra override look-ups."""

from __future__ import annotations

import pytest

from sim import ConfigError
from sim.cliargs import Arg, override_value, parse_key_values

ARGS = (
    Arg("name", required=True),
    Arg("days", int, 1, 100),
    Arg("share", float, 0.0, 1.0),
    Arg("progress", bool),
)


def test_values_are_converted_and_the_last_repeat_wins():
    words = ["name=x", "days=5", "share=0.25", "progress=no", "days=7"]
    values, rest = parse_key_values(words, ARGS, "kpisim test")
    assert values == {"name": "x", "days": 7, "share": 0.25, "progress": False}
    assert rest == []


def test_other_keys_are_returned_in_order_when_accepted():
    words = ["customers.n=10", "name=x", "+foo.bar=1"]
    values, rest = parse_key_values(words, ARGS, "kpisim test", others=True)
    assert values == {"name": "x"} and rest == ["customers.n=10", "+foo.bar=1"]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["name=x", "days=0"], "days=0 is not allowed: an integer 1..100"),
        (["name=x", "days=two"], "days='two' is not allowed: an integer 1..100"),
        (["name=x", "share=1.5"], "share=1.5 is not allowed: a number 0.0..1.0"),
        (["name=x", "progress=maybe"], "progress='maybe' is not allowed: true or false"),
        (["name="], "name= needs a value"),
        (["name=x", "days"], "unexpected argument 'days': arguments take the form key=value"),
        (["name=x", "--days=3"], "unexpected argument '--days=3'"),
        (["name=x", "=3"], "unexpected argument '=3'"),
        (["name=x", "foo=1"], "unknown argument 'foo': kpisim test takes name, days, share"),
        (["days=3"], "argument name= is required (see kpisim test --help)"),
    ],
)
def test_bad_words_are_one_line_naming_the_word(words, message):
    with pytest.raises(ConfigError) as info:
        parse_key_values(words, ARGS, "kpisim test")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_override_value_reads_hydra_overrides():
    words = [
        "-m",
        "hydra/launcher=slurm",
        "hydra.launcher.partition=a",
        "++hydra.launcher.partition='b'",
    ]
    assert override_value(words, "hydra.launcher.partition") == "b"
    assert override_value(words, "hydra/launcher") == "slurm"
    assert override_value(["x=null"], "x") is None and override_value([], "x") is None
