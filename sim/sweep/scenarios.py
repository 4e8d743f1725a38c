"""``kpisim scenarios``: the shipped scenarios (``configs/scenario/``) with their lessons.

The names listed are the values of ``scenario=NAME`` in ``kpisim run`` and sweeps.
"""

from __future__ import annotations

import textwrap

from ..config import available_scenarios, load_config


def scenarios_main(argv: list[str]) -> int:
    """``kpisim scenarios``: each scenario with its description and lesson.

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim scenarios`` (only ``-h``/``--help`` is read).

    Returns
    -------
    int
        The exit code, 0.
    """
    if any(a in ("-h", "--help") for a in argv):
        print("usage: kpisim scenarios\n\nList the scenarios with their descriptions and lessons.")
        return 0
    for name in available_scenarios():
        cfg = load_config(name)
        print(f"{name}\n  {textwrap.fill(cfg.scenario.description, 76, subsequent_indent='  ')}")
        print(f"  lesson: {textwrap.fill(cfg.scenario.lesson, 68, subsequent_indent='  ')}\n")
    return 0
