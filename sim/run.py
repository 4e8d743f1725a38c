"""Running one simulation from a config to a :class:`~sim.outputs.RunResult`."""

from __future__ import annotations

from .config import Config, to_config
from .model import ContactCentreModel
from .outputs import (
    RunResult,
    calls_frame,
    daily_frame,
    decisions_frame,
    employees_frame,
    intervals_frame,
    summary_dict,
)


def run_simulation(
    cfg: Config, *, keep_model: bool = False, progress: bool | None = None
) -> RunResult:
    """Run the model for ``cfg.days`` working days and collect its outputs.

    Deterministic: the same config (seed included) gives identical outputs.

    Parameters
    ----------
    cfg : Config
        The run's config (a structured ``Config`` or a Hydra ``DictConfig``).
    keep_model : bool
        Keep the finished model in ``RunResult.model`` (memory: the whole population).
    progress : bool, optional
        Show a progress bar; default ``cfg.progress``.

    Returns
    -------
    RunResult
        The summary, the daily, employee, interval, call and decision tables and the
        config.
    """
    cfg = to_config(cfg)
    model = ContactCentreModel(cfg)
    show = cfg.progress if progress is None else progress
    if show:
        from tqdm import tqdm

        with tqdm(total=cfg.days, unit="day", desc=cfg.scenario.name, leave=False) as bar:
            while model.running:
                model.step()
                bar.update(1)
    else:
        model.run()
    daily = daily_frame(model)
    emp = employees_frame(model)
    summary = summary_dict(model, daily, emp)
    intervals = intervals_frame(model, daily)
    calls = calls_frame(model)
    return RunResult(
        summary,
        daily,
        emp,
        cfg,
        model if keep_model else None,
        intervals,
        calls,
        decisions_frame(model),
    )
