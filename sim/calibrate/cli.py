"""``kpisim calibrate``: a centre's own data in, a centre config out.

    kpisim calibrate data=FILE mapping=MAP.yaml name=my_centre [out=DIR] [pilot_days=40]
                     [kpis=HISTORY.csv trials=60 warmup_days=0 predict_after=PERIOD]
                     [backtest=true]

Reads and checks everything first; any bad input ends in one message on stderr and exit
code 2, and nothing is written.  Then estimates (:mod:`.estimate`), sizes the customer
base by pilot simulations (:mod:`.centre`) and writes, each file atomically:
``DIR/<name>.yaml`` (the Hydra group ``centre``), ``DIR/<name>.profile.csv`` (the
arrival profile), ``DIR/<name>.estimates.json`` and ``DIR/<name>.calibration.csv``
(every estimate with its uncertainty).  With ``kpis=`` (a KPI history,
:mod:`.history`) it also fits the parameters the records cannot show (:mod:`.infer`)
and writes their posterior sample ``DIR/<name>.posterior.csv``, named by the centre
file's ``centre.posterior``.  Last, the back-test (:mod:`.backtest`) simulates the
written centre and compares it with the data: ``DIR/<name>.backtest.html`` and
``DIR/<name>.backtest.csv`` (with ``kpis=`` also ``DIR/<name>.backtest_kpis.csv``, the
history per period; :mod:`.backtest_run`); ``backtest_only=true`` runs only this stage
on an existing centre file.  With ``predict_after=PERIOD`` the fit sees the history's
periods up to PERIOD only and the back-test predicts the later ones (under the schemes
of the history's ``scheme`` column, :mod:`.schemes`) from posterior draws.  Last it
prints the ``centre=`` that finds the file (:func:`centre_ref`) and the next commands,
and warns on stderr when the volume pilot did not converge
(:func:`.pilot.volume_warning`).
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import sys
from pathlib import Path

from tqdm import tqdm

from ..config import CONFIG_DIR, ConfigError, load_config
from ..model.planning import plan_shrinkage
from ..outputs.files import atomic_write_text
from . import estimate, estimate_intervals, patience_intervals
from .backtest_run import backtest_stage, centre_posterior
from .calls import call_records
from .centre import centre_yaml, headcount, overrides, profile_csv, relative_to_repo
from .cli_args import ARGS, DEFAULTS, HELP, parse_args
from .costs import read_costs
from .history import read_history
from .infer import infer, posterior_csv
from .intervals import IntervalRecords, interval_records
from .mapping import read_mapping
from .pilot import PILOT_ITERATIONS, pilot_volume, volume_warning
from .records import load_table
from .simulate import read_centre
from .staffing import policy_overrides, staffing_policy

__all__ = ["ARGS", "DEFAULTS", "HELP", "centre_ref", "main", "parse_args", "run"]


def _rows(est: dict) -> list[list]:
    """calibration.csv: estimate, value, se, lo, hi, unit."""
    h, p, a, s, r = (est[k] for k in ("handling", "patience", "arrivals", "staffing", "repeat"))
    rows = [["calls_per_day", a["calls_per_day"], a["calls_per_day_se"], "", "", "calls"]]
    for t, m, se in zip(a["interval_start_s"], a["mean"], a["se"], strict=True):
        rows.append(
            [
                f"arrivals@{int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}",
                m,
                se,
                "",
                "",
                "calls per interval",
            ]
        )
    for d, f in a.get("weekday", {}).items():
        rows.append([f"weekday_factor.{d}", f["factor"], f["se"], "", "", "x mean day"])
    dcv = a.get("daily_cv", {})
    if dcv.get("identified"):
        rows.append(["daily_volume_cv", dcv["value"], dcv["se"], "", "", ""])
    icv = a.get("interval_cv", {})
    if icv.get("identified"):
        rows.append(["interval_volume_cv", icv["value"], icv["se"], icv["lo"], icv["hi"], ""])
    if h.get("identified"):
        rows.append(["handle_mean_s", h["mean_s"], h["mean_se"], h["mean_lo"], h["mean_hi"], "s"])
        if h.get("family_identified", True):
            rows.append(["handle_cv", h["cv"], h["cv_se"], h["cv_lo"], h["cv_hi"], ""])
        hcv = h.get("daily_cv", {})
        if hcv.get("identified"):
            rows.append(["handle_daily_cv", hcv["value"], hcv["se"], hcv["lo"], hcv["hi"], ""])
    if p.get("identified"):
        rows.append(["patience_mean_s", p["mean_s"], p["mean_se"], p["mean_lo"], p["mean_hi"], "s"])
    if s.get("identified"):
        rows.append(["agent_hours_per_day", s["agent_hours_per_day"], "", "", "", "h"])
        rows.append(["employees_n", s["headcount"], "", "", "", "agents"])
    if r.get("identified"):
        rows.append(["repeat_rate_7d", r["rate"], r["se"], "", "", "share of calls"])
    return rows


def _posterior_rows(summary: list[dict]) -> list[list]:
    """calibration.csv rows of the posterior: mean, sd, 90% interval, prior, informed
    (yes: narrower than half the prior's 90% interval; no; prior: not fitted)."""
    return [
        [
            f"posterior.{r['key']}",
            r["mean"],
            r["sd"],
            r["q05"],
            r["q95"],
            "90% interval",
            r["prior_lo"],
            r["prior_hi"],
            ("yes" if r["informed"] else "no") if r["fitted"] else "prior",
        ]
        for r in summary
    ]


def _records(a: dict):
    """The mapping, the data file, the KPI history (None without ``kpis=``) and the
    records; the history is read and checked before the (larger) data file."""
    m = read_mapping(a["mapping"])
    src = Path(a["data"])
    hist = None
    if a["kpis"]:
        hist = read_history(a["kpis"], load_config("baseline").scheme.period_days, m.kpis)
        hist.fitted_periods(a["predict_after"])
    read = call_records if m.format == "calls" else interval_records
    return m, src, hist, read(load_table(src, m), m, str(src))


def _estimates(rec, cfg, seed: int) -> dict:
    """Every estimate the records identify: call records or an interval report."""
    if isinstance(rec, IntervalRecords):
        h = estimate_intervals.handling(rec, cfg.handling.dist, float(cfg.handling.cv))
        return {
            "format": "intervals",
            "arrivals": estimate_intervals.arrivals(rec),
            "handling": h,
            "patience": patience_intervals.patience(
                rec,
                h.get("mean_s", float(cfg.handling.mean_s)),
                float(cfg.channels.service_level_threshold_s),
                seed,
            ),
            "staffing": estimate_intervals.staffing(rec),
            "repeat": {"identified": False, "note": "interval reports have no callers"},
        }
    h, p = estimate.handling(rec, seed), estimate.patience(rec)
    threshold = float(cfg.channels.service_level_threshold_s)
    return {
        "format": "calls",
        "arrivals": estimate.arrivals(rec),
        "handling": h,
        "patience": p,
        "staffing": estimate.staffing(rec),
        "repeat": estimate.repeat_rate(rec),
        "policy": staffing_policy(rec, h.get("mean_s", 0.0), p.get("mean_s"), threshold),
    }


def _simulate_stages(a, est, flat, run_flat, hist, prof_path, prof_text, cfg, bar):
    """The stages that simulate: the volume (and handle-time) pilot, and the fit to a
    KPI history; they update ``est``, ``flat`` and ``run_flat`` and return the posterior
    (or None).

    Parameters
    ----------
    a : dict
        The checked arguments (:func:`parse_args`).
    est : dict
        The estimates so far; gains ``volume`` and ``posterior``.
    flat : dict
        The centre file's keys (dotted key -> value); ``customers.n`` and
        ``handling.mean_s`` are set from the pilot.
    run_flat : dict
        The keys the simulations run with (``flat`` plus the profile file); updated
        alike.
    hist : History or None
        The KPI history to fit (``kpis=``), or None.
    prof_path : Path
        Where the arrival profile is written before any simulation reads it.
    prof_text : str
        The profile as CSV text.
    cfg : Config
        The baseline config the centre is built on (default customer count).
    bar : tqdm
        The progress bar, one step per pilot iteration and per fit.
    """
    if a["pilot_days"] > 0 or hist is not None:
        atomic_write_text(prof_path, prof_text)  # the pilot and the fit read it
    if a["pilot_days"] > 0:
        est["volume"] = pilot_volume(
            run_flat,
            est["arrivals"]["calls_per_day"],
            a["pilot_days"],
            warmup=a["pilot_warmup"],
            seed=a["seed"],
            tick=lambda: bar.update(1),
            aht_s=flat.get("handling.mean_s"),  # the data's talk time: the AHT to match
            jobs=a["jobs"],
        )
        flat["customers.n"] = run_flat["customers.n"] = est["volume"]["customers_n"]
        if est["volume"].get("weekday_factors"):  # fitted to the data's weekday volumes
            flat["demand.weekday_factors"] = est["volume"]["weekday_factors"]
            run_flat["demand.weekday_factors"] = est["volume"]["weekday_factors"]
        if "handling.mean_s" in flat:
            flat["handling.mean_s"] = run_flat["handling.mean_s"] = round(
                est["volume"]["handling_mean_s"], 2
            )
    post = None
    if hist is not None:
        post = infer(
            hist.head(hist.fitted_periods(a["predict_after"])),
            dict(run_flat, **{"customers.n": flat.get("customers.n", cfg.customers.n)}),
            n_trials=a["trials"],
            seed=a["seed"],
            jobs=a["jobs"],
            warmup_days=a["warmup_days"],
            progress=a["progress"],
        )
        est["posterior"] = {
            "history": Path(a["kpis"]).name,
            "predict_after": a["predict_after"],
            "fitted": post.fitted,
            "kpis": post.kpis,
            "epsilon": post.epsilon,
            "info": post.info,
            "parameters": post.summary,
            "trials": post.trials.to_dict(orient="records"),
        }
        post_path = Path(a["out"]) / f"{a['name']}.posterior.csv"
        flat["centre.posterior"] = relative_to_repo(post_path, CONFIG_DIR.parent)
        bar.update(1)
    return post


def run(a: dict) -> Path:
    """Calibrate and write (then back-test); returns the centre file's path.

    Parameters
    ----------
    a : dict
        The checked arguments (:func:`parse_args`).
    """
    out, name = Path(a["out"]), a["name"]
    if a["backtest_only"]:
        path = out / f"{name}.yaml"
        if not path.is_file():
            raise ConfigError(f"backtest_only=true: no centre file {path} (calibrate first)")
        flat = read_centre(path)
        m, src, hist, rec = _records(a)
        backtest_stage(a, rec, src, flat, hist, centre_posterior(path, a["predict_after"]))
        return path
    pilots = PILOT_ITERATIONS if a["pilot_days"] > 0 else 0
    bar = tqdm(
        total=3 + pilots + bool(a["kpis"]),
        unit="stage",
        desc="calibrate",
        disable=not a["progress"],
        leave=False,
    )
    m, src, hist, rec = _records(a)  # everything read and checked before anything is written
    cfg = load_config("baseline")
    costs = read_costs(a["costs"]) if a["costs"] else {}
    bar.update(1)
    est = {
        "source": src.name,
        "counts": rec.counts,
        "dates": rec.dates,
        "open_time_s": rec.open_tod_s,
        "open_s": rec.open_s,
        **_estimates(rec, cfg, a["seed"]),
    }
    if est["staffing"].get("identified"):
        est["staffing"]["headcount"] = headcount(
            est["staffing"], cfg.workforce.full_time_hours, plan_shrinkage(cfg)
        )
    bar.update(1)
    out.mkdir(parents=True, exist_ok=True)
    prof_path = out / f"{name}.profile.csv"
    root = CONFIG_DIR.parent
    prof_text = profile_csv(est["arrivals"])
    flat = overrides(est, rec.open_s, relative_to_repo(prof_path, root))
    flat.update(policy_overrides(est.get("policy", {})))  # the centre's own staffing policy
    flat.update(costs)  # the centre's own cost figures, when given
    run_flat = dict(flat, **{"demand.profile_file": str(prof_path.resolve())})
    had_profile = prof_path.exists()
    try:
        post = _simulate_stages(a, est, flat, run_flat, hist, prof_path, prof_text, cfg, bar)
    except BaseException:  # nothing half-written: a pilot or fit that fails leaves no profile
        if not had_profile:
            prof_path.unlink(missing_ok=True)
        raise
    warning = volume_warning(est.get("volume"))
    if warning:  # the centre file carries its caveat to every page that shows the centre
        flat["centre.notes"] = warning
    header = (
        f"# Written by kpisim calibrate from {src.name} (mapping {Path(m.path).name});\n"
        f"# estimates and their uncertainty: {name}.estimates.json, {name}.calibration.csv\n"
    )
    buf = io.StringIO()
    head = ["estimate", "value", "se", "lo", "hi", "unit", "prior_lo", "prior_hi", "informed"]
    rows = [[*r, "", "", ""] for r in _rows(est)] + (_posterior_rows(post.summary) if post else [])
    csv.writer(buf, lineterminator="\n").writerows([head, *rows])
    atomic_write_text(prof_path, prof_text)
    atomic_write_text(out / f"{name}.estimates.json", json.dumps(est, indent=1, default=str))
    atomic_write_text(out / f"{name}.calibration.csv", buf.getvalue())
    if post is not None:
        atomic_write_text(out / f"{name}.posterior.csv", posterior_csv(post))
    path = out / f"{name}.yaml"
    atomic_write_text(path, centre_yaml(name, src.name, flat, header))  # the centre file last
    bar.update(1)
    bar.close()
    if a["backtest"]:
        backtest_stage(a, rec, src, run_flat, hist, None if post is None else post.samples)
    return path


def main(argv: list[str]) -> int:
    """Entry point of ``kpisim calibrate``; returns the exit code.

    Parameters
    ----------
    argv : list of str
        The words after ``kpisim calibrate``.
    """
    if any(x in ("-h", "--help", "help") for x in argv):
        print(HELP)
        return 0
    try:
        a = parse_args(argv)
        path = run(a)
    except ConfigError as exc:
        print(f"kpisim calibrate: {exc}", file=sys.stderr)
        return 2
    a_out = path.parent / f"{path.stem}.backtest.html"
    ref = shlex.quote(centre_ref(a["out"], a["name"]))
    print(f"kpisim calibrate: wrote {path} (use it with centre={ref})")
    if a_out.exists():
        print(f"kpisim calibrate: back-test report {a_out}")
    try:
        est = json.loads(path.with_name(f"{path.stem}.estimates.json").read_text())
    except (OSError, ValueError):
        est = {}
    warning = volume_warning(est.get("volume"))
    if warning:
        print(f"kpisim calibrate: warning: {warning}", file=sys.stderr)
    print(f"next: kpisim run centre={ref}")
    print(f"      kpisim compare centre={ref} proposal=aht_pay")
    return 0


def centre_ref(out: Path, name: str) -> str:
    """What ``centre=`` takes for the centre ``name`` written into ``out``: the name when
    ``out`` is ``configs/centre/``, else the centre file's path as the user wrote ``out``
    (relative to the working directory, as typed).

    Parameters
    ----------
    out : pathlib.Path
        The ``out=`` folder.
    name : str
        The centre's name.
    """
    if Path(out).resolve() == (CONFIG_DIR / "centre").resolve():
        return name
    return str(Path(out) / f"{name}.yaml")
