"""The customer base's figures derived from its configuration, before any run: the
normalisation of the churn hazard over the starting loyalty distribution, the
newcomers' loyalty distribution, the fade's time constant and the loyalty step that
adds a given one-year churn probability, the starting base's true NPS, and the Beta
draws by mean and concentration (``customers.py`` uses them; docs/ODD.md, customers)."""

from __future__ import annotations

import numpy as np
from scipy.special import betainc, hyp1f1
from scipy.stats import beta as beta_dist

from ..config import CustomersConfig

#: Grid cells of the newcomers' loyalty distribution (``newcomer_loyalty_table``).
NEWCOMER_GRID = 4000
#: NPS bands on the loyalty scale: promoters at or above, detractors below.
PROMOTER_LOYALTY = 0.8
DETRACTOR_LOYALTY = 0.6


def nps_reference(cfg: CustomersConfig) -> float:
    """True NPS (-100..100) of the starting loyalty distribution (promoters loyalty >=
    ``PROMOTER_LOYALTY``, detractors < ``DETRACTOR_LOYALTY``): word of mouth is measured
    against it.

    Parameters
    ----------
    cfg:
        The customers' configuration.
    """
    a = cfg.loyalty_mean * cfg.loyalty_concentration
    b = (1 - cfg.loyalty_mean) * cfg.loyalty_concentration
    promoters = 1.0 - betainc(a, b, PROMOTER_LOYALTY)
    return float(100.0 * (promoters - betainc(a, b, DETRACTOR_LOYALTY)))


def beta(rng: np.random.Generator, mean: float, conc: float, size: int) -> np.ndarray:
    """Beta draws with the given mean and concentration (a + b).

    Parameters
    ----------
    rng:
        The random generator to draw from.
    mean:
        Mean of the draws, 0-1.
    conc:
        Concentration a + b (> 0).
    size:
        Number of draws.
    """
    return rng.beta(mean * conc, (1 - mean) * conc, size)


def extra_churn_step(cfg: CustomersConfig, hazard_year: float, p: float) -> float:
    """Loyalty drop that adds ``p`` to the one-year churn probability of a customer of
    mean loyalty (annual hazard ``hazard_year``) were it to last the year, given the
    hazard's loyalty sensitivity k: the hazard ratio r solves exp(-h) - exp(-h r) = p,
    and the drop is ln(r) / k.  0 when loyalty cannot move churn (k = 0 or h = 0);
    capped where p exceeds what churn can add.

    Parameters
    ----------
    cfg:
        The customers' configuration.
    hazard_year:
        Annual churn hazard of a customer of mean loyalty, 1/year.
    p:
        Added one-year churn probability, 0-1.
    """
    k = cfg.churn_loyalty_sensitivity
    if p <= 0 or k <= 0 or hazard_year <= 0:
        return 0.0
    stay = max(np.exp(-hazard_year) - p, 1e-9)
    return float(np.log(-np.log(stay) / hazard_year) / k)


def fade_time_days(cfg: CustomersConfig) -> float:
    """Time constant of the fade toward the own baseline, working days:
    ``loyalty_half_life_days`` / ln 2.

    Parameters
    ----------
    cfg:
        The customers' configuration.
    """
    return cfg.loyalty_half_life_days / np.log(2.0)


def newcomer_loyalty_table(cfg: CustomersConfig) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative distribution of a newcomer's loyalty on a grid of ``NEWCOMER_GRID``
    cells over [0, 1]: the starting Beta density weighted by the churn hazard
    exp(-k L), i.e. the loyalty of the customers a stationary base loses, which the
    customers it wins must replace.  Returns (cell left edges, CDF at cell right edges).

    Parameters
    ----------
    cfg:
        The customers' configuration.
    """
    edges = np.linspace(0.0, 1.0, NEWCOMER_GRID + 1)
    mid = 0.5 * (edges[:-1] + edges[1:])
    a = cfg.loyalty_mean * cfg.loyalty_concentration
    b = (1 - cfg.loyalty_mean) * cfg.loyalty_concentration
    w = beta_dist.pdf(mid, a, b) * np.exp(-cfg.churn_loyalty_sensitivity * mid)
    cdf = np.cumsum(w)
    return edges[:-1], cdf / cdf[-1]


def mean_hazard_factor(cfg: CustomersConfig) -> float:
    """E[exp(k (m - L))] over the starting loyalty L ~ Beta(m c, (1 - m) c), with k the
    churn-loyalty sensitivity, m the mean and c the concentration: the Beta's moment
    generating function, exp(k m) 1F1(m c; c; -k).  Dividing the hazard by it makes the
    starting base's average hazard equal ``churn_annual_base``.

    Parameters
    ----------
    cfg:
        The customers' configuration.
    """
    k, m, conc = cfg.churn_loyalty_sensitivity, cfg.loyalty_mean, cfg.loyalty_concentration
    return float(np.exp(k * m) * hyp1f1(m * conc, conc, -k))
