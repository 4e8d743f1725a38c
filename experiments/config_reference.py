"""The config-key tables of docs/reference.md, generated from the schema.

Every knob of ``sim/config/schema.py`` gets one row: dotted key, type, default, the values
``validate`` accepts, and what it means (``MEANING`` below).  The tables sit in
docs/reference.md between the markers ``<!-- config-keys:begin -->`` and
``<!-- config-keys:end -->``; ``tests/test_docs.py`` fails when they differ from what this
script generates, so a key added to the schema cannot go undocumented.

Run from the repository root:

    .venv/bin/python experiments/config_reference.py           # print the tables
    .venv/bin/python experiments/config_reference.py --write   # update docs/reference.md
"""

# ruff: noqa: E501  (MEANING holds one table row per line, as it appears in the docs)

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.config.schema import Config, KPIConfig, KPIsConfig  # noqa: E402

REFERENCE = ROOT / "docs" / "reference.md"
BEGIN = "<!-- config-keys:begin -->"
END = "<!-- config-keys:end -->"

#: What each key means, with its unit.  Keys of ``scheme.*`` also exist as ``proposal.*``;
#: the fields of one KPI are listed once as ``scheme.kpis.<kpi>.<field>``.
MEANING: dict[str, str] = {
    # run
    "seed": "master random seed; the same config and seed give identical outputs",
    "days": "working days simulated (250 = one working year)",
    "rollout_day": "day on which `proposal` replaces `scheme`; null = never",
    "output_dir": "folder `kpisim run` writes into; empty = Hydra's run folder",
    "progress": "show a progress bar while the run steps",
    "scenario.name": "name of the scenario (selected with `scenario=NAME`)",
    "scenario.description": "what the scenario sets up (shown by `kpisim scenarios`)",
    "scenario.lesson": "what the scenario teaches (shown by `kpisim scenarios`)",
    "scenario.comparison": "the scenario the lesson is judged against (another file of `configs/scenario/`)",
    "scenario.expect": "the lesson's expected direction of summary keys against the comparison on paired seeds, `{key: up|down}`; asserted by `tests/test_scenario_lessons.py`, shown in docs/scenarios.md",
    "scenario.signs": 'the toxic-KPI signs the lesson lights (`contradiction`, `chasing_numbers`, `indicator_became_target`, `not_informing_decisions`, `imbalance`); asserted live within 120 working days at the app\'s size by `tests/test_app_lessons.py` (docs/app.md, "Lessons in 120 days")',
    "scenario.live.title": "the lesson's name in plain words, shown by the trainers' app (docs/app.md, \"Presenter mode\")",
    "scenario.live.tiles": "the app's presenter tiles for the lesson, `{tile: up|down|dashboard up|dashboard down|show}`: the direction against the comparison by day 120, asserted at seeds 0-4 by `tests/test_app_lessons.py` (tiles in `sim/app/plain.py`)",
    "scenario.live.stops": "working days at which the app's presenter mode stops the run and asks the room (increasing)",
    "scenario.live.prompts": "the question for the room at each stop (one per stop)",
    "scenario.live.customers": "the population the app shows the lesson at (0: the app's default, 100,000); the comparison runs at the same size",
    "scenario.live.rollout_day": "the rollout day the app presents a scheme change on (null: the preset's own); presentation only",
    "centre.name": "name of the centre (selected with `centre=NAME`, a file of `configs/centre/`); empty = the generic centre",
    "centre.source": "the data the centre was calibrated from (file name or description)",
    "centre.calibrated_on": "date of the calibration (ISO)",
    "centre.posterior": "CSV of posterior parameter draws (columns = dotted config keys; relative: working directory, then `configs/`, then the repository root); `kpisim compare` samples its rows for the robust verdict; empty = the generic ranges",
    "centre.notes": "free text about the centre and its calibration",
    "export.calls": "also write `calls.parquet` (one call-detail record per call offered; `RunResult.calls`)",
    # customers
    "customers.n": "customers at the start",
    "customers.issues_per_year": "mean issues per customer per year (250 working days)",
    "customers.issue_rate_shape": "gamma shape of customers' issue rates (lower = more unequal)",
    "customers.revenue_monthly_mean": "mean monthly revenue per customer (currency units, lognormal)",
    "customers.revenue_log_sd": "log-sd of monthly revenue per customer",
    "customers.margin_rate": "gross margin as a share of revenue (used in CLV)",
    "customers.discount_rate_annual": "annual discount rate d in CLV = m·r/(1 + d − r)",
    "customers.loyalty_mean": "mean loyalty in [0, 1] (Beta distribution)",
    "customers.loyalty_concentration": "Beta concentration (a + b) of loyalty",
    "customers.patience_mean_s": "mean patience in the phone queue, s (exponential); null = never abandons",
    "customers.patience_repeat_factor": "patience multiplier after a bad call (reset to 1 by a call that was not bad)",
    "customers.web_preference": "share of customers who try the web first",
    "customers.digital_skill_mean": "mean digital skill in [0, 1] (Beta, concentration 4)",
    "customers.complaint_propensity_mean": "mean complaint propensity (Beta, concentration 4)",
    "customers.survey_propensity_mean": "mean probability of answering an offered survey (Beta, concentration 4)",
    "customers.repeat_prob": "probability that an unresolved issue brings the customer back",
    "customers.repeat_delay_days_mean": "mean delay before a repeat contact, working days (geometric, ≥ 1)",
    "customers.churn_annual_base": "annual churn rate of a base with the starting loyalty distribution (customers lost a year / base)",
    "customers.churn_loyalty_sensitivity": "k in the hazard multiplier exp(k·(loyalty_mean − loyalty))",
    "customers.churn_after_bad": "extra one-year churn probability one bad experience causes, through the loyalty it costs",
    "customers.churn_effort_sensitivity": "extra one-year churn probability a contact at the highest effort (7) causes, through loyalty",
    "customers.acquisition_annual_rate": "new customers a year as a share of the base, at the starting NPS (null: churn_annual_base)",
    "customers.acquisition_nps_sensitivity": "extra acquisition rate per unit of (true NPS − starting NPS)/100 (word of mouth)",
    "customers.loyalty_loss_aversion": "weight of a loyalty loss / weight of an equal gain (a bad contact moves loyalty more than an equally good one)",
    "customers.loyalty_half_life_days": "half-life, working days, of a contact's effect on loyalty as it fades toward the customer's own baseline",
    "customers.past_issue_cost": "mean loyalty an issue cost in the centre's past service, in bad experiences: sets how far the starting base sits below its own baseline",
    "customers.growth_headroom": "spare array capacity for new customers (technical; grows when needed)",
    # employees
    "employees.n": "seats (service agents)",
    "employees.skill_mean": "mean resolution probability of a trained agent at full thoroughness on an average issue",
    "employees.skill_sd": "sd of potential skill across agents",
    "employees.novice_skill_share": "share of potential skill a new hire starts with",
    "employees.learning_days": "time constant of the learning curve, working days",
    "employees.initial_tenure_max_days": "tenure of the starting staff is uniform on [0, this], working days",
    "employees.speed_sd": "log-sd of agents' speed multiplier (median 1)",
    "employees.friendliness_mean": "mean friendliness in [0, 1] (Beta)",
    "employees.intrinsic_motivation_mean": "mean intrinsic motivation (care for the customer's true outcome)",
    "employees.integrity_mean": "mean integrity (personal cost of gaming)",
    "employees.trait_concentration": "Beta concentration (a + b) of the three traits above",
    "employees.attrition_annual_base": "annual quit hazard at morale 0.6",
    "employees.morale_quit_sensitivity": "k in the quit-hazard multiplier exp(k·(0.6 − morale))",
    "employees.hiring_lag_days": "working days a seat stays empty before a novice fills it",
    "employees.salary_novice_annual": "annual salary of a new hire (currency units)",
    "employees.salary_experienced_annual": "annual salary after 250 working days (linear ramp)",
    "employees.replacement_cost_months": "hiring cost per hire, in months of experienced salary",
    "employees.morale_initial": "mean starting morale, and the anchor of the morale target",
    "employees.morale_pay_weight": "weight of pay versus expectation in the morale target",
    "employees.morale_fairness_weight": "weight of fairness (ranking, pay inequality) in the morale target",
    "employees.morale_workload_weight": "weight of workload (occupancy above comfort) in the morale target",
    "employees.morale_abuse_weight": "weight of abusive callers in the morale target",
    "employees.morale_target_weight": "weight of missed targets in the morale target",
    "employees.occupancy_comfort": "occupancy above which workload lowers morale",
    # demand
    "demand.calls_per_hour": "when set, a stationary Poisson stream of phone calls replaces issues, web and repeats (queue validation)",
    "demand.intraday_profile": "shape of the arrival rate over the day (`file`: read from `demand.profile_file`)",
    "demand.peak_ratio": "peak-to-mean arrival rate of `two_peaks`",
    "demand.interval_minutes": "planning interval, minutes; must divide `channels.open_s`",
    "demand.profile_file": "CSV of the `file` profile (interval_start HH:MM, share or volume; docs/workforce.md); a relative path is looked up in the working directory, then `configs/`, then the repository root, at load",
    "demand.weekday_factors": "day-of-week volume multipliers, Monday first, one per weekday of `calendar.days_per_week` (the weekday from the calendar), normalised to mean 1 over the open weekdays; null = all days alike",
    "demand.daily_volume_cv": "coefficient of variation of a day's random busyness factor (gamma, mean 1) that scales the day's new issues beyond Poisson; the plan cannot foresee it; 0 = plain Poisson days",
    "demand.interval_volume_cv": "coefficient of variation of a per-interval busyness factor (gamma, mean 1) on each day's intraday shape: a day's calls per interval vary around the profile beyond Poisson, the day's volume unchanged; 0 = none; kpisim calibrate estimates it",
    # handling
    "handling.dist": "distribution of the work an issue needs",
    "handling.mean_s": "mean handling time of a contact handled as required, s",
    "handling.cv": "coefficient of variation of the lognormal work",
    "handling.courtesy_max_s": "seconds a fully courteous agent adds per call",
    "handling.rush_penalty_exponent": "resolution ∝ min(1, thoroughness)^this",
    "handling.complexity_penalty": "resolution ∝ complexity^−this",
    "handling.transfer_needed_rate": "share of issues that genuinely need another team",
    "handling.transfer_handle_s": "seconds on the timer of a transfer, hang-up or web push",
    "handling.hard_complexity": "complexity (multiple of the mean) above which a call is hard (can be dumped)",
    "handling.hangup_share": "share of dumped calls that are hang-ups rather than transfers",
    "handling.daily_cv": "coefficient of variation of a day factor (gamma, mean 1) on every call's work of the day: a day's mean handle time moves beyond the sampling of its calls; 0 = none; kpisim calibrate estimates it",
    "handling.interval_factors": "handle time by time of day: a factor per planning interval on the work of a call arriving in it (mean 1 over the calls); empty = the same all day; kpisim calibrate estimates it",
    "handling.hold_share": "share of the handle time on hold (talk is the rest after hold and ACW)",
    "handling.acw_share": "share of the handle time in after-call work (the agent busy, the caller gone)",
    # channels
    "channels.phone_visibility": "company policy on the phone number: published on every page, behind one Help click, or hidden (read each day: `model.phone_visibility`)",
    "channels.open_s": "opening hours, s; calls still queued at closing are served",
    "channels.service_level_threshold_s": "answer-time threshold of the service level, s",
    "channels.service_level_target": "service-level target (reported, not used by the model)",
    "channels.web_success_base": "web self-service success scale (× digital skill × complexity^−0.5, cap 0.95)",
    "channels.one_click_miss": "one click: a searcher finds the number with probability 1 − this × (1 − digital skill)",
    "channels.one_click_search_effort": "one click: effort (CES points) of one search for the number",
    "channels.hidden_miss": "hidden: a searcher finds the number with probability 1 − this × (1 − digital skill)",
    "channels.hidden_search_effort": "hidden: effort (CES points) of one search for the number",
    "channels.number_memory_days": "mean working days a customer remembers where the number is after seeing or using it",
    "channels.number_word_of_mouth": "times a year a customer hears where the number is, per unit share of the base who know it",
    "channels.web_cost": "cost per web session (currency units)",
    # behaviour
    "behavior.adaptive": "false freezes every employee's policy at its initial value",
    "behavior.gaming": "false disables every gaming lever",
    "behavior.learning_step": "size of the nudge an employee considers on each lever per pay period",
    "behavior.imitation_rate": "probability per period of looking at a better-paid peer (the same under every dashboard)",
    "behavior.pay_weight": "utility weight of the bonus (share of salary)",
    "behavior.intrinsic_weight": "utility weight of the customers' true outcome",
    "behavior.integrity_weight": "moral cost per unit of gaming × integrity",
    "behavior.effort_weight": "effort cost of thoroughness and courtesy above one's standard",
    "behavior.pace_cost": (
        "effort cost of pace (honest speed): share of salary per period for occupancy x "
        "(pace - 1)^2 = 1 (docs/ODD.md, 'Honest effort')"
    ),
    "behavior.habit_decay": "extra forgetting: share of the gap to the intrinsic policy closed per period whatever pays (default 0: habits fade because they stop paying)",
    "behavior.norm_erosion": "share of the gap between one's standard and one's practice closed per period",
    "behavior.choice_noise": "noise in judging which nudge pays more (utility units, ≈ share of salary)",
    "behavior.loss_aversion": "weight of a pay loss against the reference point relative to a gain (Tversky & Kahneman 1992: 2.25)",
    "behavior.pay_reference_adaptation": "share of the gap between the pay reference point and the pay received closed per period",
    "behavior.learning": "how employees learn their policy (sim/model/learning.py): `hindsight` replays their calls with outcomes they cannot see (the calibrated benchmark), `reinforcement` keeps a trial when realised pay and what they saw of their callers rose, `imitation` copies colleagues with higher visible pay, `mixed` both; the robust verdict samples it",
    "behavior.unlearning_ratio": "a learnt move back toward one's own standard goes this share of the way a move away goes (habits decay slower than they form); observable rules only, uncertain 0.25-1",
    "behavior.never_game_share": "share of employees of the never-gaming type (gaming levers pinned at 0 whatever the stakes), drawn at hiring",
    "behavior.fairness_sensitivity": "effective integrity x (1 + this x felt fairness in [-1, 1]): how strongly feeling unfairly treated makes gaming easier to justify",
    "behavior.equity_sensitivity_sd": "sd of each employee's own offset of felt fairness (equity sensitivity)",
    # transition support on rollout_day
    "transition.pay_protection_periods": "pay periods after the change in which the bonus is topped up toward its old level, tapered (0 = none)",
    "transition.protection_basis_periods": "periods before the change whose mean bonus share the protection tops up to",
    "transition.retraining_share": "share of the way policies and standards move back to the original standard on the day of the change",
    "transition.retraining_hours": "paid hours of retraining per front-line employee, booked as overtime on the day of the change",
    "transition.communication_share": "share of the way the pay reference point moves at once to the new scheme's expected pay",
    "transition.gift_share": "one-off unconditional payment to each front-line employee on `rollout_day`, share of a month's salary (booked in `bonus_paid` and `cost_bonus`); raises felt fairness, which fades",
    "transition.one_off_cost": "one-off cost of the change (training, IT, communication), booked as `cost_one_off` on `rollout_day`; the payback of `kpisim compare` divides it by the annualised gain in value",
    # scheme
    "scheme.name": "name of the scheme (shown in outputs)",
    "scheme.bonus_share": "on-target bonus (every paid KPI at its target, score 1), as a share of the period's salary (0 = flat pay); over-achievement pays up to `cap` times it",
    "scheme.period_days": "pay period, working days",
    "scheme.team_share": "share of each KPI's score taken from the team average",
    "scheme.forced_ranking": "the bottom of the ranking loses its bonus and is warned",
    "scheme.forced_ranking_bottom": "share of the staff in the bottom",
    "scheme.forced_ranking_dismiss": "a second bottom placement in a row dismisses",
    "scheme.forced_ranking_stake": "what staying out of the bottom is worth to an employee (share of period salary)",
    "scheme.audit_rate": "share of answered calls quality-audited",
    "scheme.audit_detection": "probability that an audit detects a detectable gaming act",
    "scheme.audit_penalty": "penalty per detected act, share of the period's full bonus (capped at the bonus)",
    "scheme.quality_gate": "no bonus below this audit quality score (0 = no gate)",
    "scheme.survey_sample_rate": "share of contacts the company's random relationship survey samples (CSAT under `random_sample`; one survey for the centre, read from the front line's scheme)",
    "scheme.dashboard": "what employees see: own numbers, a ranking on a big screen (everyone sees the top scorer), or common numbers shared with the other departments (root-cause flags reach them; dumped work shows)",
    "scheme.feedback": "how often employees see their own numbers and pay: a monthly `statement` or a `daily` dashboard (perception noise of the observable learning rules divided by sqrt(period_days))",
    "scheme.kpis.<kpi>.weight": "weight of the KPI in the score (weights sum to ≤ 1)",
    "scheme.kpis.<kpi>.target": "value scoring 1 (the on-target bonus) on either curve",
    "scheme.kpis.<kpi>.direction": "whether a higher or a lower value is better",
    "scheme.kpis.<kpi>.curve": "`linear` (0 at threshold, 1 at target, cap at stretch) or `cliff` (all or nothing at target)",
    "scheme.kpis.<kpi>.threshold": "value scoring 0 on the linear curve (threshold, target, stretch in that order along direction)",
    "scheme.kpis.<kpi>.stretch": "value scoring `cap` on the linear curve (may equal target: no over-achievement band)",
    "scheme.kpis.<kpi>.cap": "highest score of the KPI, reached at stretch (at least 1 when paid on a linear curve)",
    "scheme.kpis.<kpi>.definition": "how it is measured: FCR `self_coded`/`no_repeat_7d`, CSAT `agent_offered`/`random_sample`, others `default`",
    "scheme.kpis.<kpi>.safety_metric": "paired metric that cancels this KPI's credit when worse than its limit (empty = none)",
    "scheme.kpis.<kpi>.safety_limit": "limit of the safety metric",
    "scheme.bonus_funding": "bonus on top of base pay, or budget-neutral (`from_base`: the base is cut by the expected bonus)",
    "workforce.planning": "plan staff per interval from the dashboard (Erlang + shrinkage + roster); false = fixed headcount on duty all day",
    "workforce.planner": "queue formula of the plan: Erlang A (with patience) or Erlang C",
    "workforce.staffing": "who puts the front line on the phones: the plan, or the centre's "
    "data per weekday and interval (observed_on_phones)",
    "workforce.observed_on_phones": "agents on the phones per interval, per weekday "
    "(mon..sun), for staffing=observed (written by kpisim calibrate)",
    "workforce.observed_on_phones_by_date": "the same per calendar date (YYYY-MM-DD): a day "
    "of a listed date is staffed with that date's agent-hours (observed_dates), any other by its weekday (written by "
    "kpisim calibrate from dated records; the back-test replays the data's dates)",
    "workforce.observed_dates": "how a dated row of observed_on_phones_by_date staffs its date: level = the date's agent-hours in its weekday row's shape; intervals = the date's row interval by interval",
    "workforce.planning_days": "working days between plans (0 = each pay period)",
    "workforce.forecast_days": "days of offered-call history the forecast averages",
    "workforce.shift_hours": "paid shift lengths the roster may use, hours (full-time and part-time)",
    "workforce.full_time_hours": "paid hours of a full-time day (salaries are full-time; part-timers pro rata)",
    "workforce.shrinkage": "planned shrinkage: share of paid time off the phones the plan adds; empty (default) = computed from its parts (breaks, coaching, training, meetings, absence, annual leave)",
    "workforce.off_phone_share": "no longer read (kept so older configs load): the off-phone time is booked from its parts",
    "workforce.coaching_share": "coaching: share of each shift off the phones (in the day's activity block)",
    "workforce.training_share": "training: share of each shift off the phones (in the day's activity block)",
    "workforce.meetings_share": "team meetings: share of each shift off the phones (in the day's activity block)",
    "workforce.annual_leave_share": "share of each team's seated staff on booked (paid) leave each day",
    "workforce.rest_break_minutes": "length of a rest break, minutes (two in a shift with lunch, one in a shorter shift of 3 h or more)",
    "workforce.lunch_minutes": "length of the lunch break, minutes",
    "workforce.lunch_min_shift_hours": "shortest shift that gets a lunch (and two rest breaks), hours",
    "workforce.break_edge_hours": "no break in the first or last this many hours of a shift",
    "workforce.break_flex_hours": "a break lies within this many hours of its nominal (evenly spread) place",
    "workforce.break_min_gap_hours": "least time between the end of one break and the start of the next, hours",
    "workforce.absence_base": "daily probability an agent is absent at healthy morale",
    "workforce.absence_morale_sensitivity": "absence multiplier exp(k (0.6 - morale))",
    "workforce.overtime_max_share": "most present agents who extend their shift when short",
    "workforce.overtime_hours": "hours an overtime extension adds",
    "workforce.overtime_premium": "overtime pay as a multiple of the hourly rate",
    "workforce.classroom_days": "new hires' paid classroom training before their first day on the phones, working days (paid hours off the phones)",
    "workforce.nesting_aht_multiple": "a new agent's handle time on its first day on the phones, as a multiple of its tenured handle time",
    "workforce.nesting_half_life_days": "working days on the phones in which a new agent's handle-time excess halves (nesting curve)",
    "workforce.part_time_max_share": "most part-time shifts (shorter than full_time_hours), share of a plan's shifts",
    "workforce.initial_headcount": "the starting staff: plan = the first plan's headcount (a short pilot of the centre's own demand), config = employees.n and teams.specialists_n",
    "workforce.occupancy_cap": "the plan staffs at least load / cap agents per interval (1 = no cap)",
    "workforce.intraday.enabled": "re-forecast the day as it runs: overtime above plan, VTO below it",
    "workforce.intraday.check_minutes": "minutes between the intraday checks, from the opening",
    "workforce.intraday.above": "workload ratio above 1 + this: overtime for the rest of the day",
    "workforce.intraday.below": "workload ratio below 1 - this: voluntary time off (unpaid)",
    "workforce.intraday.vto": "offer voluntary time off when the day runs below plan",
    "teams.specialists_n": "starting headcount of the specialist team (0 = one team)",
    "teams.specialist_skill_factor": "specialists' skill as a multiple of a front-line agent's",
    "teams.transfer_patience_factor": "a transferred caller's patience in the specialists' queue, as a multiple of the first wait's",
    "costs.loading": "employer on-costs as a multiple of salary and bonus",
    "costs.overhead_per_seat_annual": "overhead per employee a year (facilities, IT, supervision)",
    "economics.currency": "the currency label printed on every money figure (a label only: nothing is converted)",
    "costs.telephony_per_minute": "telephony cost per minute a call spends in the system",
    # management (sim/model/management.py)
    "management.enabled": "managers read the scheme's dashboard each pay period and decide (false: nobody decides)",
    "management.detect_margin": "a tripwire counts as breached beyond its limit by more than this share of the limit",
    "management.detect_periods": "pay periods in a row a tripwire must be breached before the manager acts",
    "management.decision_delay_days": "working days between detecting a breach and the decision taking effect",
    "management.replan": "re-plan staffing early when the service level is below target",
    "management.channel": "move a hidden phone number one click away when a customer-side tripwire is breached",
    "management.coaching": "coach agents the dashboard flags (own safety-net breach, bottom score)",
    "management.coach_share": "most agents coached per pay period, as a share of the front line",
    "management.coaching_hours": "hours off the phones per coaching session",
    "management.coaching_gain": "share of the gap to the standard (skill, thoroughness) a session closes",
    "management.ratchet": "target ratchet: `off`, `up` (raise targets most agents beat) or `both` (also relax missed ones)",
    "management.ratchet_share": "share of agents beating (missing) a target that moves it",
    "management.ratchet_step": "target move, as a share of (stretch − threshold)",
    "management.redesign": "redesign a KPI whose safety net keeps tripping",
    "management.redesign_periods": "pay periods in a row a safety net must trip before its KPI is redesigned",
    "management.redesign_share": "share of the KPI's weight moved to the broad CX KPI (or dropped)",
    "management.cx_limit": "floor of the broad CX KPI (random-survey top-2-box share) when the scheme sets none; the standard sign 4 judges the truth by",
    "departments.billing_share": "share of new issues caused by the billing department (failure demand)",
    "departments.product_share": "share of new issues caused by the product department (failure demand)",
    "departments.delivery_share": "share of new issues caused by the delivery department (failure demand)",
    "departments.fulfilment_failure": "probability that a department's fulfilment fails after the agent resolved its part (the customer calls again; the code says resolved)",
    "departments.flag_prob": "probability that an agent flags the root cause of a department-caused call, at full thoroughness and intrinsic motivation",
    "departments.review_days": "working days between a department's reviews of the flags it received (flags arrive only with `scheme.dashboard: shared`)",
    "departments.act_on_feedback": "probability that a department acts on its flags at a review (starts a fix)",
    "departments.flags_per_fix": "flags at which a department's chance of acting reaches 63% of `act_on_feedback`",
    "departments.fix_size": "share of a department's remaining failure demand one fix removes",
    "departments.fix_lag_days": "working days from a department's decision to the fix taking effect",
    "proposal": "the scheme that replaces `scheme` on `rollout_day` (null = none); same keys as `scheme.*`",
    # calendar (sim/model/calendar.py; docs/workforce.md, "The calendar")
    "calendar.days_per_week": "weekdays the centre may open: 5 (Monday..Friday) or 7; one model step is one open day",
    "calendar.start_date": "date of the run's first day (ISO); the first open day on or after it is day 0",
    "calendar.day_start_h": "clock hour of the day grid's start (time 0 of the day); null = 08:00, or midnight for a grid over 16 h",
    "calendar.open_hours": "opening hours per weekday, Monday first: [open, close] clock hours inside the grid on interval boundaries, or null (closed); null = the whole grid every open weekday",
    "calendar.holidays": "public holidays (ISO dates): closed, not steps",
    "calendar.seasonality": "monthly volume multipliers, January first, normalised to mean 1; null = none",
    "calendar.work_days_per_week": "days a week each employee works: with more open weekdays, days off placed on the quiet weekdays",
    "calendar.days_off": "`rotating` (the week's days-off patterns pass on each week) or `fixed`",
    "calendar.leave": "annual leave: `random` (the share drawn each day) or `booked` (whole weeks spread over the year per employee)",
}


def _type(f: dataclasses.Field) -> str:
    return str(f.type).replace(" | None", " or null")


def _fmt(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f"`{v}`" if v else '""'
    if isinstance(v, int) and v == 2**63 - 1:
        return "2⁶³ − 1"
    if isinstance(v, float) and v.is_integer() and abs(v) >= 10_000:
        v = int(v)
    if isinstance(v, int):
        return f"{v:_}".replace("_", " ")
    return repr(v)


def _allowed(f: dataclasses.Field) -> str:
    md = f.metadata
    if "choices" in md:
        return " / ".join(f"`{c}`" if c else '""' for c in md["choices"])
    if "range" in md:
        lo, hi = md["range"]
        if lo is None and hi is None:
            return "any number"
        return f"[{_fmt(lo) if lo is not None else '−∞'}, {_fmt(hi) if hi is not None else '∞'}]"
    if "label" in md:
        lo, hi = md["label"]
        return f"a label of {lo}-{hi} characters"
    return "true / false" if f.type == "bool" else "—"


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    return f.default_factory()  # type: ignore[misc]


def _rows(cls, prefix: str) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for f in dataclasses.fields(cls):
        key = f"{prefix}{f.name}"
        value = _default(f)
        if cls is Config and f.name == "proposal":
            rows.append((key, "scheme or null", "null", "—", MEANING[key]))
        elif dataclasses.is_dataclass(value) and not isinstance(value, KPIsConfig):
            rows += _rows(type(value), f"{key}.")
        elif isinstance(value, KPIsConfig):
            rows += _rows(KPIConfig, f"{key}.<kpi>.")
        else:
            rows.append((key, _type(f), _fmt(value), _allowed(f), _meaning(key)))
    return rows


def _meaning(key: str) -> str:
    """What a key means; the specialist team's scheme has the keys of ``scheme.*``."""
    if key.startswith("specialist_scheme."):
        return "specialist team: " + MEANING["scheme." + key.removeprefix("specialist_scheme.")]
    return MEANING[key]


def config_rows() -> list[tuple[str, str, str, str, str]]:
    """One row per config key: (dotted key, type, default, allowed, meaning)."""
    return _rows(Config, "")


def kpi_rows() -> list[tuple[str, ...]]:
    """The KPIs a scheme can pay on, with the defaults that differ between them."""
    out = []
    for f in dataclasses.fields(KPIsConfig):
        k = f.default_factory()  # type: ignore[misc]
        out.append(
            (
                f"`{f.name}`",
                k.direction,
                _fmt(k.threshold),
                _fmt(k.stretch),
                _fmt(k.target),
                _fmt(k.definition),
            )
        )
    return out


def markdown() -> str:
    """The tables, as they appear in docs/reference.md."""
    lines = ["| key | type | default | allowed | meaning |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| `{k}` | {t} | {d} | {a} | {m} |" for k, t, d, a, m in config_rows()]
    lines += [
        "",
        "Defaults of each KPI (`scheme.kpis.<kpi>.*`; every KPI also has `weight` 0.0, "
        '`curve` `linear`, `cap` 1.0, `safety_metric` "" and `safety_limit` 0.0):',
        "",
        "| KPI | direction | threshold | stretch | target | definition |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in kpi_rows()]
    return "\n".join(lines) + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the markers replaced by ``block``."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{block}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="update docs/reference.md in place")
    args = p.parse_args(argv)
    block = markdown()
    if not args.write:
        print(block, end="")
        return 0
    REFERENCE.write_text(
        replace_block(REFERENCE.read_text(encoding="utf-8"), block), encoding="utf-8"
    )
    print(f"updated {REFERENCE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
