"""The back-test report: one self-contained HTML page (every figure an embedded PNG).

Numbers come from :class:`~.backtest.Backtest` only.  Colours: the Okabe-Ito palette
(``sim.palette``): observed in black, the model in blue with its 90% band shaded.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np

from ..palette import OKABE_ITO
from .backtest import FIT_COVERAGE, Backtest, hhmm, misfits
from .backtest_kpis import LABELS as KLABELS
from .backtest_kpis import KpiBacktest, band
from .backtest_kpis import misfits as kmisfits
from .figures import LABELS

OBS, SIM = OKABE_ITO["black"], OKABE_ITO["blue"]
STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 8px;"
    "text-align:right}th{background:#eee}td:first-child{text-align:left}"
    ".bad{color:#D55E00;font-weight:bold}img{max-width:100%}"
)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _panels(n: int) -> tuple[Any, np.ndarray]:
    """A figure with ``n`` panels, two per row (one when ``n`` is 1), 2.8 inches high
    each; the axes flattened.

    Parameters
    ----------
    n : int
        Panels wanted.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.8 * rows), squeeze=False)
    return fig, axes.ravel()


def _finish(fig: Any, axes: np.ndarray, n: int) -> str:
    """Hide the panels beyond the ``n`` drawn, put the legend on the first, and return
    the figure as a base64 PNG.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    axes : numpy.ndarray
        Its axes, flattened (:func:`_panels`).
    n : int
        Panels drawn.
    """
    for ax in axes[n:]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, loc="best")
    fig.tight_layout()
    return _png(fig)


def curves(bt: Backtest) -> str:
    """All figures over the day: observed mean over days vs simulated mean and 90% band;
    base64 PNG.

    Parameters
    ----------
    bt : Backtest
        The back-test.
    """
    n = len(bt.figures)
    fig, axes = _panels(n)
    x = bt.interval_start_s / 3600.0
    for ax, f in zip(axes, bt.figures, strict=False):
        sim = bt.sim[f]
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(sim, axis=0)
            lo, hi = np.nanquantile(sim, (0.05, 0.95), axis=0)
            obs = np.nanmean(bt.obs[f], axis=0)
        ax.fill_between(
            x,
            lo,
            hi,
            step="post",
            color=SIM,
            alpha=0.25,
            lw=0,
            label="model, 90% band of single days",
        )
        ax.step(x, mean, where="post", color=SIM, lw=1.8, label="model, mean")
        ax.step(x, obs, where="post", color=OBS, lw=1.8, ls="--", label="observed, mean of days")
        ax.set_title(LABELS[f])
        ax.set_xlabel("time of day (h)")
        ax.grid(alpha=0.3)
    return _finish(fig, axes, n)


def _g(x: float) -> str:
    return "-" if x is None or np.isnan(x) else f"{x:.3g}"


def kpi_curves(kb: KpiBacktest) -> str:
    """Each KPI of the history per period: observed vs the seeds' mean and 90% band;
    base64 PNG.

    Parameters
    ----------
    kb : KpiBacktest
        The KPI back-test.
    """
    n = len(kb.kpis)
    fig, axes = _panels(n)
    x = np.arange(len(kb.labels))
    for ax, k in zip(axes, kb.kpis, strict=False):
        ax.fill_between(
            x, kb.lo[k], kb.hi[k], color=SIM, alpha=0.25, lw=0, label="model, 90% band of one run"
        )
        ax.plot(x, band(kb.sim[k])[0], color=SIM, lw=1.8, marker="o", label="model, mean")
        ax.plot(x, kb.obs[k], color=OBS, lw=1.8, ls="--", marker="s", label="history")
        ax.set_title(KLABELS[k])
        if kb.n_fit < len(x):  # the fit saw the periods left of this line only
            ax.axvline(kb.n_fit - 0.5, color=OBS, lw=1, ls=":", label="predicted from here")
        ax.set_xticks(x, kb.labels, fontsize=7, rotation=45 if len(x) > 12 else 0)
        ax.set_xlabel("period")
        ax.grid(alpha=0.3)
    return _finish(fig, axes, n)


def _fit_note(misfit_lines: list[str], every: str, units: str) -> str:
    """The list of misfits, or the sentence that there are none.

    Parameters
    ----------
    misfit_lines : list of str
        One sentence per figure outside the model's band too often.
    every : str
        The sentence's start when nothing misfits ("Every KPI has").
    units : str
        What is counted inside the band ("the periods").
    """
    if misfit_lines:
        return "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in misfit_lines) + "</ul>"
    return f"<p>{every} at least {FIT_COVERAGE:.0%} of {units} inside the model's 90% band.</p>"


def kpi_section(kb: KpiBacktest, history: str) -> str:
    """The page's section on the KPI history.

    Parameters
    ----------
    kb : KpiBacktest
        The KPI back-test.
    history : str
        The history file's name, as shown.
    """
    e = html.escape
    rows = []
    for r in kb.summary.itertuples():
        cls = "" if r.fits else ' class="bad"'
        rows.append(
            f"<tr><td>{e(KLABELS[r.kpi])}</td><td>{_g(r.observed)}</td><td>{_g(r.sim_mean)}</td>"
            f"<td>{_g(r.mae)}</td><td>{_g(100 * r.rel_bias)}%</td>"
            f"<td{cls}>{r.coverage:.0%} of {r.n_observed}</td></tr>"
        )
    fit = _fit_note(kmisfits(kb), "Every KPI has", "the periods")
    head = (
        "<tr><th>KPI</th><th>history, mean of periods</th><th>model, mean</th>"
        "<th>MAE per period</th><th>bias (model - history)</th>"
        "<th>periods in band</th></tr>"
    )
    return f"""<h2>KPI history</h2>
<p>History: {e(history)}, {len(kb.labels)} periods.  Each seed runs over the history's
periods and is measured per period as the history is; the band is a 90% prediction
interval for one more run (mean +- t x sd x sqrt(1 + 1/seeds) over the seeds).</p>
{fit}
<table>{head}{"".join(rows)}</table>
<img alt="history vs model per period, every KPI" src="data:image/png;base64,{kpi_curves(kb)}">
"""


def _span(labels: list[str], schemes: list[str] | None) -> str:
    """``periods 1-3 (flat)``: a run of periods and the schemes in force."""
    span = labels[0] if len(labels) == 1 else f"{labels[0]}-{labels[-1]}"
    names = ", ".join(dict.fromkeys(schemes)) if schemes else ""
    return f"period{'s' if len(labels) > 1 else ''} {span}" + (f" ({names})" if names else "")


def prediction_sentence(kb: KpiBacktest) -> str:
    """The plain sentence of the prediction: what was fitted, what predicted, how many
    observed values fell in the band against what a right model gives.

    Parameters
    ----------
    kb : KpiBacktest
        The KPI back-test with a prediction (``kb.prediction`` not None).
    """
    assert kb.prediction is not None
    n = kb.n_fit
    sch = kb.schemes
    fit = _span(kb.labels[:n], sch[:n] if sch else None)
    pred = _span(kb.labels[n:], sch[n:] if sch else None)
    p = kb.prediction.set_index("kpi")
    tot, inside = int(p.loc["all", "n"]), int(p.loc["all", "inside"])
    lo, hi = int(p.loc["all", "expected_lo"]), int(p.loc["all", "expected_hi"])
    if tot == 0:
        return f"Fitted on {fit}; {pred} have no observed KPI to compare."
    head = (
        f"Fitted on {fit} only, the model predicted {pred}: {inside} of {tot} observed "
        f"values ({inside / tot:.0%}) lie inside its 90% prediction band; a model right "
        f"about these periods would put {lo} to {hi} of {tot} inside, 95% of the time"
    )
    if inside >= lo:
        return head + ", so the prediction holds."
    missed = [
        f"{KLABELS[r.kpi]} (model {'above' if r.bias > 0 else 'below'} by {abs(r.bias):.3g})"
        for r in p.drop(index="all").reset_index().itertuples()
        if r.n and r.inside < r.n
    ]
    return head + ", so the prediction fails; it misses " + "; ".join(missed) + "."


def prediction_section(kb: KpiBacktest, drawn: bool) -> str:
    """The page's section "Across the scheme change": per predicted (and fitted) period
    and KPI the observed value, the model's mean and 90% band, whether it is inside, the
    coverage of the predicted periods and :func:`prediction_sentence`; empty without a
    prediction.

    Parameters
    ----------
    kb : KpiBacktest
        The KPI back-test.
    drawn : bool
        Whether each seed ran a posterior draw (else the centre's values).
    """
    if kb.prediction is None:
        return ""
    e = html.escape
    head = "<tr><th>period</th><th>scheme</th><th>part</th><th>KPI</th><th>observed</th>"
    head += "<th>model, mean</th><th>model 90% band</th><th>inside</th></tr>"
    rows = []
    for k in kb.kpis:
        mean = band(kb.sim[k])[0]
        for i, lab in enumerate(kb.labels):
            o, lo, hi = kb.obs[k][i], kb.lo[k][i], kb.hi[k][i]
            ok = not (np.isnan(o) or np.isnan(lo))
            inside = "-" if not ok else ("yes" if lo <= o <= hi else "no")
            cls = ' class="bad"' if inside == "no" and kb.part(i) == "predicted" else ""
            rows.append(
                f"<tr><td>{e(lab)}</td><td>{e(kb.schemes[i] if kb.schemes else '-')}</td>"
                f"<td>{kb.part(i)}</td><td>{e(KLABELS[k])}</td><td>{_g(o)}</td>"
                f"<td>{_g(mean[i])}</td><td>{_g(lo)} - {_g(hi)}</td><td{cls}>{inside}</td></tr>"
            )
    cov = []
    for r in kb.prediction.itertuples():
        name = "all KPIs" if r.kpi == "all" else KLABELS[r.kpi]
        bad = "" if r.n == 0 or r.inside >= r.expected_lo else ' class="bad"'
        cov.append(
            f"<tr><td>{e(name)}</td><td{bad}>{r.inside} of {r.n}</td>"
            f"<td>{r.expected_lo} - {r.expected_hi}</td><td>{_g(r.mae)}</td></tr>"
        )
    how = (
        "each seed runs one draw of the posterior sample (the fitted parameters, and the "
        "behavioural ones the fit cannot tell apart drawn from their prior)"
        if drawn
        else "each seed runs the centre's values (no posterior sample: the band is the "
        "runs' noise only)"
    )
    return f"""<h2>Across the scheme change</h2>
<p>{e(prediction_sentence(kb))}</p>
<p>The fit saw the periods marked <em>fitted</em> only; every seed then ran all periods,
each under the scheme in force (a change of scheme is a rollout on the period's first
working day); {how}.  The band is a 90% prediction interval for one more run.  Values of
the same period are correlated across KPIs, so the pooled count is rougher than its
binomial range suggests.</p>
<table><tr><th>KPI</th><th>predicted values in band</th><th>a right model, 95% of the
time</th><th>MAE per period</th></tr>{"".join(cov)}</table>
<table>{head}{"".join(rows)}</table>
"""


def policy_section(pol: dict | None, cfg: Any, sim_on_phones: np.ndarray | None) -> str:
    """The centre's staffing policy as calibrated (``staffing.py``): the mode, the implied
    target and its resolution, the service level achieved, and a chart of the agents on
    the phones per interval (the data's per weekday, the model's mean over its days).

    Parameters
    ----------
    pol : dict or None
        ``estimates.json``'s ``policy`` (None or unidentified: the section says so).
    cfg : Config
        The simulated centre's config (``workforce``, ``channels``).
    sim_on_phones : numpy.ndarray or None
        The model's front-line agents on the phones per (day, interval), all seeds.
    """
    ch, wf = cfg.channels, cfg.workforce
    if not pol or not pol.get("identified"):
        return (
            "<h2>Staffing policy</h2><p>Not identified from the data (no agent ids): the "
            f"model plans for {ch.service_level_target:.0%} within "
            f"{ch.service_level_threshold_s:.0f} s (workforce.staffing={wf.staffing}).</p>"
        )
    imp = pol["implied"]
    text = (
        f"<h2>Staffing policy</h2><p>workforce.staffing=<b>{html.escape(wf.staffing)}</b>: "
        + (
            "the front line is staffed per weekday and interval as the data show (below)."
            if wf.staffing == "observed"
            else "the model's planner staffs for the implied target."
        )
        + f"  Service level achieved in the data: {pol['service_level_achieved']:.1%} "
        f"within {imp['threshold_s']:.0f} s.  Implied target (the target whose Erlang A "
        f"requirement best reproduces the observed agents): <b>{imp['target']:.0%}</b> "
        f"(identified to about +/-{imp['resolution']:.0%}, the service-level step of one "
        f"agent; RMSE {imp['rmse_agents']:.2f} agents), channels.service_level_target="
        f"{ch.service_level_target:g}.  Agents on the phones (mean agents per interval): "
        f"each agent's answered calls, extended to the next call over idle gaps up to "
        f"{pol.get('gap_s', 600) / 60:.0f} min (a longer gap is a break) less the time a "
        "caller waited (the agent was away), mean over the weekday's days.</p>"
    )
    fig, axes = _panels(1)
    ax = axes[0]
    for i, (day, row) in enumerate(pol["on_phones"].items()):
        hours = np.arange(len(row)) * cfg.demand.interval_minutes / 60.0
        ax.plot(hours, row, lw=1, color=OBS, alpha=0.3 + 0.1 * i, label=f"data {day}")
    if sim_on_phones is not None and sim_on_phones.size:
        hours = np.arange(sim_on_phones.shape[1]) * cfg.demand.interval_minutes / 60.0
        ax.plot(hours, sim_on_phones.mean(axis=0), lw=2, color=SIM, label="model (mean)")
    ax.set_xlabel("hours since opening")
    ax.set_ylabel("agents on the phones")
    png = _finish(fig, axes, 1)
    return text + f'<img alt="agents on the phones per interval" src="data:image/png;base64,{png}">'


def build_html(bt: Backtest, title: str, source: str, kpis: str = "", policy: str = "") -> str:
    """The report's HTML.

    Parameters
    ----------
    bt : Backtest
        The back-test.
    title : str
        The page's title.
    source : str
        The data file's name, as shown.
    kpis : str
        The KPI history's section (:func:`kpi_section`), or empty.
    policy : str
        The staffing policy's section (:func:`policy_section`), or empty.
    """
    e = html.escape
    rows = []
    for r in bt.summary.itertuples():
        cls = "" if r.fits else ' class="bad"'
        dcls = "" if r.day_fits else ' class="bad"'
        rows.append(
            f"<tr><td>{e(LABELS[r.figure])}</td><td>{_g(r.day_observed)}</td>"
            f"<td>{_g(r.day_sim_mean)}</td><td>{_g(r.day_sim_lo)} - {_g(r.day_sim_hi)}</td>"
            f"<td{dcls}>{r.day_coverage:.0%}</td><td>{_g(r.mae)}</td>"
            f"<td>{_g(100 * r.rel_bias)}%</td>"
            f"<td{cls}>{r.coverage:.0%}</td></tr>"
        )
    fit = _fit_note(misfits(bt), "Every figure has", "the observed intervals and days")
    notes = "".join(f"<p>{e(n)}</p>" for n in bt.notes)
    head = (
        "<tr><th>figure</th><th>observed, per day</th><th>model, per day</th>"
        "<th>model 90% band (days)</th><th>observed days in band</th>"
        "<th>MAE per interval</th><th>bias (model - data)</th>"
        "<th>observed intervals in band</th></tr>"
    )
    span = f"{hhmm(bt.interval_start_s[0])}-{hhmm(bt.interval_start_s[-1])}"
    wd_note = (
        " (an observed day is counted inside by the band of the simulated days of its weekday)"
        if bt.by_weekday
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{e(title)}</h1>
<p>Data: {e(source)}, {bt.observed_days} days.  Model: the calibrated centre (baseline
scenario with the centre file's keys), {len(bt.seeds)} seeds x {bt.simulated_days} working
days after the warm-up = {len(bt.seeds) * bt.simulated_days} simulated days.  Intervals
starting {span}.</p>
<h2>Where the model does not fit</h2>
{fit}
<p>A figure is flagged when fewer than {FIT_COVERAGE:.0%} of the observed (day, interval)
values lie inside the model's 90% band, or fewer than {FIT_COVERAGE:.0%} of the observed
days inside the band of single simulated days: if the data were one more draw from the
model, about 90% would.</p>
{notes}
<h2>Error figures</h2>
<table>{head}{"".join(rows)}</table>
<p>Per day: the figure over the whole day (counts per day; ratios over the day's calls);
the band is the 5%-95% range of single simulated days{wd_note}.  MAE: mean over intervals of
|observed mean - model mean|.  Bias: mean over intervals of (model - observed), relative
to the observed mean.</p>
<h2>Over the day</h2>
<img alt="observed vs model over the day, every figure" src="data:image/png;base64,{curves(bt)}">
{policy}{kpis}</body></html>
"""
