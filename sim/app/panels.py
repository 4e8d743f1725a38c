"""The panels of the live charts: which series each shows, on which fixed y-range.

A declarative table (one idea, hence its length): :data:`PANELS` maps each chart of
:data:`sim.app.charts.CHARTS` (except the per-employee one) to its small panels.  The
y-ranges were chosen from every lesson's first 150 days at the default size, so that a
range holds the lesson's data and day-to-day noise does not look dramatic.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..palette import MEASURED, OKABE_ITO, TRUE


@dataclass(frozen=True)
class Series:
    """One line of a panel: a column of :func:`live_table` and how it looks."""

    column: str
    label: str
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class Panel:
    """One small chart: its series share a y axis with a fixed range ``domain``."""

    key: str
    title: str
    y_title: str
    series: tuple[Series, ...]
    domain: tuple[float, float]
    percent: bool = False
    kind: str = "line"  # "line", "area" (stacked) or "points" (per pay period)


def pair(column: str, true: str, labels: tuple[str, str]) -> tuple[Series, Series]:
    """A measured series (solid, measured colour) and its true counterpart (dashed, true
    colour), for a panel that shows the dashboard beside reality.

    Parameters
    ----------
    column : str
        The measured column of the live table.
    true : str
        The true column, in the same unit.
    labels : tuple of str
        Legend labels of the measured and the true series.
    """
    return (Series(column, labels[0], MEASURED), Series(true, labels[1], TRUE, dashed=True))


#: The panels of each chart, keyed like :data:`sim.app.charts.CHARTS` (except the
#: per-employee chart, see :func:`levers_specs`).
PANELS: dict[str, tuple[Panel, ...]] = {
    "dashboard_vs_reality": (
        Panel(
            "fcr",
            "First-contact resolution",
            "share of calls",
            pair(
                "fcr_measured_roll",
                "fcr_true_roll",
                ("Dashboard: measured", "Really resolved"),
            ),
            (0.4, 1.0),
            percent=True,
        ),
        Panel(
            "csat",
            "Customer satisfaction",
            "share of customers",
            pair(
                "csat_survey_roll",
                "csat_true_roll",
                ("Dashboard: survey", "Really satisfied"),
            ),
            (0.0, 1.0),
            percent=True,
        ),
        Panel(
            "web",
            "Web self-service",
            "share",
            pair(
                "web_containment_roll",
                "csat_true_roll",
                ("Dashboard: kept on web", "Really satisfied"),
            ),
            (0.0, 0.8),
            percent=True,
        ),
        Panel(
            "aht",
            "Handle time (seconds)",
            "seconds",
            pair(
                "aht_s_roll",
                "handle_s_per_resolved_roll",
                ("Dashboard: per call", "Reality: per resolved"),
            ),
            (0.0, 900.0),
        ),
    ),
    "customers": (
        Panel(
            "retention",
            "Customers (share of day 0)",
            "share of day-0 base",
            (Series("active_share", "all customers", OKABE_ITO["blue"]),),
            (0.8, 1.05),
            percent=True,
        ),
        Panel(
            "csat_true",
            "True customer satisfaction",
            "share of contacts",
            (Series("csat_true_roll", "truly satisfied", TRUE, dashed=True),),
            (0.0, 0.8),
            percent=True,
        ),
        Panel(
            "effort",
            "Customer effort (1 easy – 7 hard)",
            "effort score",
            (Series("customer_effort_roll", "effort score", OKABE_ITO["orange"]),),
            (1.0, 7.0),
        ),
        Panel(
            "complaints",
            "Complaints per 1,000 contacts",
            "per 1,000",
            (Series("complaints_per_1000", "formal complaints", OKABE_ITO["purple"]),),
            (0.0, 100.0),
        ),
    ),
    "employees": (
        Panel(
            "morale",
            "Staff morale (0–1)",
            "morale",
            (Series("morale_mean", "mean morale", OKABE_ITO["green"]),),
            (0.0, 1.0),
        ),
        Panel(
            "turnover",
            "Staff turnover",
            "employees",
            (
                # quits dashed: the comparison's grey line (its dashed series) is its quits
                Series("quits_cum", "quits so far", OKABE_ITO["vermillion"], dashed=True),
                Series("hires_cum", "hires so far", OKABE_ITO["sky_blue"]),
            ),
            (0.0, 10.0),
        ),
        Panel(
            "bonus",
            "Bonus pay per pay period",
            "per employee",
            (Series("bonus", "mean bonus", OKABE_ITO["blue"]),),
            (0.0, 500.0),
            kind="points",
        ),
        Panel(
            "gaming",
            "Gaming the numbers",
            "share of answered calls",
            (
                Series("gaming_rate_roll", "calls with a gaming act", OKABE_ITO["vermillion"]),
                Series("rushed_contact_rate_roll", "rushed calls", OKABE_ITO["orange"], True),
            ),
            (0.0, 0.3),
            percent=True,
        ),
    ),
    "money": (
        Panel(
            "revenue",
            "Revenue per day (thousands)",
            "thousand",
            (Series("revenue_k", "revenue", OKABE_ITO["blue"]),),
            (0.0, 250.0),
        ),
        Panel(
            "costs",
            "Costs per day (thousands)",
            "thousand",
            (
                Series("cost_labour_k", "salaries", OKABE_ITO["sky_blue"]),
                Series("cost_bonus_k", "bonuses", OKABE_ITO["orange"]),
                Series("cost_hiring_k", "hiring", OKABE_ITO["vermillion"]),
                Series("cost_web_k", "web", OKABE_ITO["green"]),
            ),
            (0.0, 5.0),
            kind="area",
        ),
        Panel(
            "profit",
            "Cumulative profit (millions)",
            "million",
            (Series("profit_cum_m", "profit so far", OKABE_ITO["black"]),),
            (0.0, 10.0),
        ),
    ),
}
