"""The plausible worlds a design judges its candidates in: draws of the uncertain
parameters, sampled exactly as the robust verdict of ``kpisim compare`` samples them.

- By default the worlds are a Latin hypercube over the ranges of
  ``configs/uncertainty/default.yaml`` (:func:`sim.compare.uncertainty.load_uncertainty`,
  :func:`sim.compare.uncertainty.sample_worlds`);
- when the design's world is a calibrated centre that names a posterior sample
  (``centre.posterior``), the worlds are rows drawn from it
  (:func:`sim.compare.uncertainty.sample_posterior`), so they carry the centre's own
  uncertainty and the correlations between its parameters.

``worlds=N`` asks for ``N`` search worlds: ``2N`` are sampled (seeded by the design's
seed) and alternate between the search set and the held-out set (:func:`.search.split`),
so the held-out verification judges the top schemes in ``N`` worlds the search never saw.
"""

from __future__ import annotations

from typing import Any

from ..compare.uncertainty import (
    load_posterior,
    load_uncertainty,
    sample_posterior,
    sample_worlds,
)
from ..config import Config, ConfigError

#: The uncertainty ranges used when the centre names no posterior.
DEFAULT_UNCERTAINTY = "default"


def check_worlds(n: Any) -> int:
    """``worlds=N`` as a whole number of at least 1, or a one-line :class:`ConfigError`.

    Parameters
    ----------
    n : Any
        The value given.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ConfigError(
            f"worlds={n!r} is not allowed: worlds is the number of plausible worlds the "
            "search judges each candidate in, a whole number of at least 1 (leave it out "
            "to use the centre as given)"
        )
    return n


def design_worlds(cfg: Config, n: int, seed: int) -> tuple[list[dict[str, Any]], str]:
    """``2 n`` sampled worlds (dotted config key -> value), in sampling order, and where
    they come from (the posterior's file or the uncertainty file, as messages show it).

    Parameters
    ----------
    cfg : Config
        The design's world (its ``centre.posterior`` decides the source).
    n : int
        Search worlds asked for (as many held-out ones are sampled besides).
    seed : int
        Seed of the sample (the design's seed).
    """
    n = check_worlds(n)
    posterior = cfg.centre.posterior
    if posterior:
        df = sample_posterior(load_posterior(posterior), 2 * n, seed)
        source = f"centre.posterior={posterior}"
    else:
        ranges, shown = load_uncertainty(DEFAULT_UNCERTAINTY)
        df = sample_worlds(ranges, 2 * n, seed)
        source = shown
    keys = [c for c in df.columns if c != "world"]
    rows = df[keys].to_dict("records")  # keeps each column's type (integer knobs stay int)
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows], source


def _plain(v: Any) -> Any:
    """A numpy scalar as a plain int or float (JSON and Hydra overrides)."""
    return v.item() if hasattr(v, "item") else v
