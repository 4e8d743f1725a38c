"""Compiled passes over the customer columns (``customers.py``, ``experience.py``, ``web.py``).

The customers' daily updates touch every active customer (the weekly fade redraws the
whole base's churn days) or every contact of the day; in numpy each step was a pass
over the rows with a temporary array.  Here each update is one loop over the rows.

The results are bit-identical to the numpy expressions they replace:

- every random number is still drawn by the model's numpy ``Generator`` with the same
  call, in the same order, and handed to the kernels as arrays;
- ``exp`` stays numpy's, applied in place between two kernels (the kernels write the
  exponent, numpy exponentiates it, the next kernel uses the result): numpy's SIMD
  ``exp`` and the one numba compiles differ in the last bit for about 39 % of float32
  arguments in [-8, 8] and 5 % of float64 ones in [-20, 0] (measured on 5e7 of each);
- float sums stay numpy's (pairwise summation, not a loop's running sum);
- the elementwise arithmetic is the same IEEE operations in the same order and precision
  (float32 where numpy works in float32: a Python float meeting a float32 column is
  rounded to float32 first, NEP 50), which LLVM does not reorder or fuse without
  ``fastmath``; ``np.clip(x, lo, hi)`` is ``lo if x < lo else hi if x > hi else x``
  (so -0.0 and NaN pass, as numpy's does);
- a gather-then-scatter (``a[idx] = f(a[idx])``) with repeated rows keeps numpy's
  semantics: every value is computed from the column before the scatter, the last
  write wins.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .numpy_exact import clip

#: Latest churn day (int32), as ``customers.NEVER``.
NEVER = np.iinfo(np.int32).max


@njit(cache=True)
def hazard_exponent(loyalty, idx, k, m, out):
    """``k (m - loyalty[idx])`` in float32 into ``out[: len(idx)]``: the exponent of the
    churn hazard (``Customers.hazard``).

    Parameters
    ----------
    loyalty : numpy.ndarray
        Loyalty column (float32).
    idx : numpy.ndarray
        Customer rows.
    k, m : numpy.float32
        Loyalty sensitivity of the hazard and mean loyalty.
    out : numpy.ndarray
        float32 buffer of at least ``len(idx)``.
    """
    for i in range(idx.shape[0]):
        out[i] = k * (m - loyalty[idx[i]])


@njit(cache=True)
def fade_active(active, loyalty, loyalty_base, n, keep, k, m, out):
    """Fade every active row's loyalty toward its baseline, ``base + (loyalty - base) x
    keep`` clipped to [0, 1] (float32), and write the hazard exponent of the faded
    loyalty into ``out`` in row order; returns the number of active rows.

    Parameters
    ----------
    active : numpy.ndarray
        Active column (bool).
    loyalty : numpy.ndarray
        Loyalty column (float32), written.
    loyalty_base : numpy.ndarray
        Own-baseline column (float32).
    n : int
        Rows in use.
    keep : numpy.float32
        Share of the distance to the baseline kept.
    k, m : numpy.float32
        Loyalty sensitivity of the hazard and mean loyalty.
    out : numpy.ndarray
        float32 buffer of at least the active rows.
    """
    lo = np.float32(0.0)
    hi = np.float32(1.0)
    c = 0
    for r in range(n):
        if active[r]:
            base = loyalty_base[r]
            loy = clip(base + (loyalty[r] - base) * keep, lo, hi)
            loyalty[r] = loy
            out[c] = k * (m - loy)
            c += 1
    return c


#: Positions in the constants of :func:`book_contacts` and in its counts.
(K_BAD, K_TOP2, K_COMP_BAD, K_COMP_NOT_BAD, K_COMP_GIVE_UP) = range(5)
(N_REPEAT, N_XP_TOP2, N_BAD, N_COMPLAINTS, N_SAMPLED, N_RND, N_RND_TOP2, N_DOWN, N_UP) = range(9)


@njit(cache=True)
def book_contacts(cust, xp, attempt, give_up, draws, rules, cols, steps, consts, out):
    """The elementwise part of ``experience.book_experience``, one pass over the contacts
    (then one scattering their loyalty, then one writing their hazard exponents).

    Complaint: u < propensity x (``COMPLAINT_IF_BAD`` if xp < ``BAD`` else
    ``COMPLAINT_IF_NOT_BAD``), times ``COMPLAINT_GIVE_UP_FACTOR`` capped at 1 for a
    give-up; the random survey: sampled (u < rate), answered (u < its response
    probability), top-2 (xp + answer noise >= ``TOP2``); loyalty: clip(loyalty + step,
    0, 1) in float64, stored as float32.  Every contact of a customer met twice starts
    from the customer's loyalty before these contacts; the last one's stays.

    Parameters
    ----------
    cust : numpy.ndarray
        Customer row of each contact.
    xp : numpy.ndarray
        True experience of each contact, 0-10 (float64).
    attempt : numpy.ndarray
        Contacts of the issue so far, this one included.
    give_up : numpy.ndarray
        Each contact gave up without reaching anyone (bool; empty: nobody did).
    draws : tuple of numpy.ndarray
        The model's draws, in order: uniforms of the complaint, of the survey's sample and
        of its response, and the answer noise (normal, sd ``ANSWER_NOISE``).
    rules : tuple of numpy.ndarray
        Each contact's survey response probability (``call_rules.response_p``) and
        loyalty step (``experience.loyalty_change``), float64.
    cols : tuple of numpy.ndarray
        The customers' ``complaint_propensity`` and ``loyalty`` (written) columns, and a
        float32 buffer of at least ``len(cust)`` (left holding the contacts' hazard
        exponents, from their loyalty after the scatter).
    steps : tuple
        Survey sample rate (float); the "noticeable" loyalty change, the hazard's
        sensitivity and mean loyalty (numpy.float32).
    consts : numpy.ndarray
        ``BAD``, ``TOP2`` and the three complaint factors (positions ``K_*``).
    out : tuple of numpy.ndarray
        Masks written: complained, answered the random survey, its top-2; and the day's
        counts (int64, positions ``N_*``), added to.
    """
    u_comp, u_samp, u_resp, noise = draws
    resp, step = rules
    comp_prop, loyalty, buf = cols
    rate, notice, k, m = steps
    complained, rnd, rnd_top2, counts = out
    bad_xp, top2 = consts[K_BAD], consts[K_TOP2]
    any_give_up = give_up.shape[0] > 0
    n = cust.shape[0]
    for i in range(n):
        c = cust[i]
        x = xp[i]
        if attempt[i] > 1:
            counts[N_REPEAT] += 1
        if x >= top2:
            counts[N_XP_TOP2] += 1
        if x < bad_xp:
            counts[N_BAD] += 1
            p = np.float64(comp_prop[c]) * consts[K_COMP_BAD]
        else:
            p = np.float64(comp_prop[c]) * consts[K_COMP_NOT_BAD]
        if any_give_up and give_up[i]:
            p2 = p * consts[K_COMP_GIVE_UP]
            p = 1.0 if p2 > 1.0 else p2
        complained[i] = u_comp[i] < p
        counts[N_COMPLAINTS] += complained[i]
        sampled = u_samp[i] < rate
        counts[N_SAMPLED] += sampled
        rnd[i] = sampled and (u_resp[i] < resp[i])
        rnd_top2[i] = rnd[i] and (x + noise[i] >= top2)
        counts[N_RND] += rnd[i]
        counts[N_RND_TOP2] += rnd_top2[i]
        before = loyalty[c]
        after = np.float32(clip(np.float64(before) + step[i], 0.0, 1.0))
        buf[i] = after
        moved = after - before  # float32, compared in float32 as numpy did
        if moved < -notice:
            counts[N_DOWN] += 1
        if moved > notice:
            counts[N_UP] += 1
    for i in range(n):
        loyalty[cust[i]] = buf[i]
    for i in range(n):
        buf[i] = k * (m - loyalty[cust[i]])


@njit(cache=True)
def remember_number(forget_day, cust, keep, day, buf):
    """``forget_day[cust] = max(forget_day[cust], min(day + 1 + floor(keep), NEVER))``
    (``web.learn``): each customer remembers the number ``floor(keep)`` working days
    after tomorrow, or longer if an earlier memory lasts longer; a repeated row keeps its
    last value, computed from the column before this call.

    Parameters
    ----------
    forget_day : numpy.ndarray
        ``Customers.number_forget_day`` (int32), written.
    cust : numpy.ndarray
        Rows of the customers who see or use the number.
    keep : numpy.ndarray
        Each one's exponential memory draw, working days.
    day : int
        Today (working day index).
    buf : numpy.ndarray
        int32 buffer of at least ``len(cust)``.
    """
    n = cust.shape[0]
    for i in range(n):
        when = (day + 1) + np.floor(keep[i])
        new = np.int32(when) if when < NEVER else np.int32(NEVER)
        old = forget_day[cust[i]]
        buf[i] = old if old > new else new
    for i in range(n):
        forget_day[cust[i]] = buf[i]


@njit(cache=True)
def count_after(days, n, day):
    """How many of ``days[:n]`` are after ``day`` (``web.known_share``).

    Parameters
    ----------
    days : numpy.ndarray
        A day column (int32).
    n : int
        Rows in use.
    day : int
        Today (working day index).
    """
    c = 0
    for r in range(n):
        if days[r] > day:
            c += 1
    return c


@njit(cache=True)
def active_exponents(active, loyalty, n, k, m, out):
    """:func:`hazard_exponent` of the active rows of ``[0, n)`` in row order; returns how
    many.

    Parameters
    ----------
    active : numpy.ndarray
        Active column (bool).
    loyalty : numpy.ndarray
        Loyalty column (float32).
    n : int
        Rows in use.
    k, m : numpy.float32
        Loyalty sensitivity of the hazard and mean loyalty.
    out : numpy.ndarray
        float32 buffer of at least the active rows.
    """
    c = 0
    for r in range(n):
        if active[r]:
            out[c] = k * (m - loyalty[r])
            c += 1
    return c


@njit(cache=True)
def retention_exponents(ex, base, days_per_year, out):
    """``-(base x ex) x days_per_year`` in float64 (the hazard in float32, as
    ``Customers.hazard``): the exponent of the one-year retention of ``Customers.equity``.

    Parameters
    ----------
    ex : numpy.ndarray
        exp of each row's hazard exponent (float32).
    base : numpy.float32
        Daily hazard at mean loyalty.
    days_per_year : float
        Working days a year.
    out : numpy.ndarray
        float64 buffer of at least ``len(ex)``.
    """
    for i in range(ex.shape[0]):
        out[i] = -np.float64(base * ex[i]) * days_per_year


@njit(cache=True, error_model="numpy")
def equity_terms(active, revenue, n, margin, discount, r):
    """Each active row's discounted margin ``revenue x months x margin_rate x r / (1 + d -
    r)``, written over its retention ``r`` (active rows in row order; ``inf`` where
    r = 1 + d, as numpy).

    Parameters
    ----------
    active : numpy.ndarray
        Active column (bool).
    revenue : numpy.ndarray
        ``revenue_monthly`` column (float32).
    n : int
        Rows in use.
    margin : tuple of float
        Months a year and the gross margin rate.
    discount : float
        Annual discount rate.
    r : numpy.ndarray
        Each active row's one-year retention (float64), overwritten.
    """
    months, rate = margin
    c = 0
    for row in range(n):
        if active[row]:
            rr = r[c]
            r[c] = np.float64(revenue[row]) * months * rate * rr / (1.0 + discount - rr)
            c += 1


@njit(cache=True)
def issue_rows(draws, table, tail, w, an, active, need, out):
    """Finish a batch of issue draws (``Customers.draw_issues``): each draw's row from the
    alias table (``sampling.alias_draw``: the drawn index if its uniform is below the
    index's ``prob``, else its ``alias``); a draw whose weight ``u x w_all`` falls past
    the alias table's total goes to the rows added since (a binary search of their
    cumulative rates, ``searchsorted(side="right")``); the churned are rejected; the
    first ``need`` accepted rows are written to ``out``.  Returns how many.  Draws after
    the ``need``-th accepted one are not looked at (their values could not be kept).

    Parameters
    ----------
    draws : tuple of numpy.ndarray
        The alias draws: uniform indices into the table (int64) and uniforms in [0, 1);
        then the uniforms choosing between the table and the newer rows (empty: no
        newer rows).
    table : tuple of numpy.ndarray
        The alias table ``(prob, alias)`` (``sampling.build_alias``).
    tail : numpy.ndarray
        Cumulative issue rates of the newer rows (float64).
    w : tuple of float
        The table's total weight and the total with the newer rows.
    an : int
        First newer row.
    active : numpy.ndarray
        Active column (bool).
    need : int
        Rows still needed.
    out : numpy.ndarray
        int64 buffer of at least ``need``.
    """
    pick, u_pick, u_tail = draws
    prob, alias = table
    alias_w, w_all = w
    nt = tail.shape[0]
    c = 0
    for i in range(pick.shape[0]):
        if c == need:
            break
        row = pick[i]
        if not u_pick[i] < prob[row]:
            row = alias[row]
        if u_tail.shape[0] > 0:
            u = u_tail[i] * w_all
            if u >= alias_w:
                v = u - alias_w
                lo, hi = 0, nt
                while lo < hi:
                    mid = (lo + hi) // 2
                    if tail[mid] <= v:
                        lo = mid + 1
                    else:
                        hi = mid
                row = an + (lo if lo < nt - 1 else nt - 1)
        if active[row]:
            out[c] = row
            c += 1
    return c


@njit(cache=True)
def loyalty_bands(active, loyalty, n, promoter, detractor):
    """The active rows of ``[0, n)``, and how many of them have loyalty at or above
    ``promoter`` and below ``detractor`` (``Customers.nps``), in one pass.

    Parameters
    ----------
    active : numpy.ndarray
        Active column (bool).
    loyalty : numpy.ndarray
        Loyalty column (float32).
    n : int
        Rows in use.
    promoter, detractor : numpy.float32
        The bands' edges, in the loyalty's precision (as numpy compares a float32
        column with a Python float).
    """
    n_active = 0
    promoters = 0
    detractors = 0
    for r in range(n):
        if active[r]:
            n_active += 1
            if loyalty[r] >= promoter:
                promoters += 1
            if loyalty[r] < detractor:
                detractors += 1
    return n_active, promoters, detractors
