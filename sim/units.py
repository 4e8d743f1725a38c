"""Units of time and money used across the model and its outputs."""

from __future__ import annotations

#: Working days in a year: 50 working weeks of 5 days (52 weeks less about 2 weeks of
#: public holidays and leave). Converts annual rates (churn, acquisition, issues, salaries)
#: to the model's daily step and daily figures back to annual ones.
DAYS_PER_YEAR = 250.0
#: Months in a year (monthly revenue to annual).
MONTHS_PER_YEAR = 12.0
