"""docs/calibration.md is exactly what its template, the stored baseline runs and the
config defaults make (``python experiments/calibration_table.py --render`` writes it), so
no default or baseline figure it quotes can go stale by hand.  Fast: no runs (that the
stored runs are what the model gives now is tests/test_calibration.py's job)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

EXPERIMENTS = Path(__file__).resolve().parent.parent / "experiments"
if str(EXPERIMENTS) not in sys.path:
    sys.path.insert(0, str(EXPERIMENTS))

import calibration_doc  # noqa: E402


def test_page_is_what_the_command_writes():
    committed = calibration_doc.DOC.read_text(encoding="utf-8")
    assert committed == calibration_doc.page(), (
        "docs/calibration.md differs from its template, stored runs and config defaults: "
        "edit docs/_templates/calibration.md and run "
        "`python experiments/calibration_table.py --render` (or --write after a model "
        "change)"
    )


def test_stored_runs_hold_every_quoted_figure():
    figures = calibration_doc.load_figures()
    template = calibration_doc.TEMPLATE.read_text(encoding="utf-8")
    quoted = calibration_doc.quoted_figures(template, figures)
    assert len(quoted) > 20  # the page quotes the baseline, not fixed numbers
    undefined = [k for k, v in quoted.items() if "nan" in v.split("-")]
    assert not undefined, f"quoted figures with no value: {undefined}"


def test_a_placeholder_with_an_unknown_key_fails_loudly():
    figures = {"meta": {"note": "n"}, "runs": [{"fcr_true": 0.7}]}
    assert calibration_doc.render("{{run:fcr_true|.2f}}", figures).endswith("0.70")
    with pytest.raises(KeyError, match="no_such_key"):
        calibration_doc.render("{{run:no_such_key}}", figures)
    with pytest.raises(KeyError, match=r"no\.such"):
        calibration_doc.render("{{cfg:no.such}}", figures)


def test_a_config_default_is_quoted_from_the_schema():
    from sim.config.schema import ChannelsConfig

    text = calibration_doc.render(
        "{{cfg:channels.web_success_base}}", {"meta": {"note": ""}, "runs": []}
    )
    assert text.endswith(repr(ChannelsConfig().web_success_base))
