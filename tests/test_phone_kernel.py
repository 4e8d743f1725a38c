"""The compiled per-call passes of the phone day (``sim/model/phone_kernel.py``) give,
bit for bit, what the numpy rules they replaced gave: each test keeps the numpy
reference (the code as it was) and compares every output on random inputs, exactly.
Edge cases are exercised on purpose: calls with no final agent, abandoned transfers,
waits past the caps, carried effort past the CES scale, attempts past ``MAX_REPEATS``."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.config import load_config
from sim.model import behavior as bh
from sim.model import booking_kernel as bk
from sim.model import call_rules as cr
from sim.model import experience
from sim.model import phone_booking as pb
from sim.model import phone_kernel as pk
from sim.model.phone_booking import on_phone_s
from sim.model.planning import FRONT, SPECIALIST

K, M = 5_000, 40


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def random_day(seed: int) -> dict:
    """A day of queue results with every kind of ending."""
    rng = np.random.default_rng(seed)
    kind1 = rng.choice(
        np.array([cr.ABANDONED, cr.HANDLED, cr.TRANSFERRED, cr.HUNG_UP, cr.WEB_PUSHED], np.int8),
        K,
    )
    tr = kind1 == cr.TRANSFERRED
    kind2 = np.where(
        tr,
        rng.choice(np.array([cr.ABANDONED, cr.HANDLED, cr.NOT_REACHED], np.int8), K),
        cr.NOT_REACHED,
    ).astype(np.int8)
    server1 = np.where(kind1 == cr.ABANDONED, -1, rng.integers(0, M, K))
    server2 = np.where(kind2 == cr.HANDLED, rng.integers(0, M, K), -1)
    arrival = np.sort(rng.uniform(0, 36_000, K))
    start1 = arrival + rng.exponential(150.0, K) * (rng.random(K) < 0.7)
    end1 = start1 + rng.exponential(300.0, K)
    start2 = end1 + rng.exponential(200.0, K)
    pol = rng.uniform(0.0, 1.2, (M, len(bh.LEVERS)))
    return dict(
        kind1=kind1,
        kind2=kind2,
        server1=server1,
        server2=server2,
        arrival=arrival,
        start1=start1,
        end1=end1,
        start2=start2,
        needs=rng.random(K) < 0.2,
        attempt=rng.integers(1, 7, K).astype(np.int16),
        carry=np.minimum(rng.integers(0, 12, K) * 0.5, 4.0),
        cx=rng.lognormal(-0.1, 0.45, K),
        skill=rng.uniform(0.5, 0.95, M),
        pol=pol,
        u_res=rng.random(K),
        fulfil=rng.random(K) < 0.1,
        u_code=rng.random(K),
        xp_noise=rng.normal(0.0, 1.0, K),
    )


def ref_true_outcomes(x: dict, h) -> dict:
    """``phone_outcomes.true_outcomes`` as it was in numpy (after its draws)."""
    pol, k1 = x["pol"], x["kind1"]
    answered = k1 != cr.ABANDONED
    wait1 = x["start1"] - x["arrival"]
    transferred = k1 == cr.TRANSFERRED
    final_kind = np.where(transferred, x["kind2"], k1)
    final_srv = np.where(transferred, x["server2"], x["server1"])
    wait = wait1 + np.where(transferred, x["start2"] - x["end1"], 0.0)
    lost2 = transferred & (x["kind2"] == cr.ABANDONED)
    handled = final_kind == cr.HANDLED
    hung = k1 == cr.HUNG_UP
    pushed = k1 == cr.WEB_PUSHED
    dumped = (hung | transferred) & ~x["needs"]
    fs = np.where(final_srv >= 0, final_srv, 0)
    th_f = pol[fs, bh.THOROUGHNESS]
    done = handled & (x["u_res"] < cr.p_resolve(x["skill"][fs], th_f, x["cx"], h))
    resolved = done & ~x["fulfil"]
    rushed = cr.rushed(handled, th_f)
    coded_by = handled & (final_srv >= 0)
    false_code = cr.false_code(coded_by, done, x["u_code"], pol[fs, bh.FALSE_CODING])
    coded = done | false_code
    courtesy = np.where(handled, pol[fs, bh.COURTESY], 0.0)
    extra = cr.repeats(x["attempt"])
    carry = x["carry"]
    xp = (
        np.where(
            answered & ~lost2,
            cr.experience_answered(done, extra, wait, transferred, hung, pushed, courtesy, carry),
            cr.experience_lost(wait, carry, extra),
        )
        + x["xp_noise"]
    )
    eff = cr.effort(extra, wait, transferred, hung, pushed, carry)
    owner = answered & ~lost2 & ~hung & (final_srv >= 0)
    return dict(
        answered=answered,
        wait1=wait1,
        wait=wait,
        transferred=transferred,
        lost2=lost2,
        handled=handled,
        hung=hung,
        pushed=pushed,
        dumped=dumped,
        final_srv=final_srv,
        fs=fs,
        resolved=resolved,
        rushed=rushed,
        false_code=false_code,
        coded=coded,
        extra=extra,
        xp=xp,
        eff=eff,
        owner=owner,
        done=done,
    )


def test_true_outcomes_match_numpy() -> None:
    h = load_config("baseline").handling
    for seed in range(5):
        x = random_day(seed)
        ref = ref_true_outcomes(x, h)
        final_srv = np.where(x["kind1"] == cr.TRANSFERRED, x["server2"], x["server1"])
        fs = np.where(final_srv >= 0, final_srv, 0)
        pol = x["pol"]
        p_res = cr.p_resolve(x["skill"][fs], pol[fs, bh.THOROUGHNESS], x["cx"], h)
        b, f = np.empty((pk.N_BOOL, K), bool), np.empty((pk.N_FLOAT, K))
        extra = np.empty(K, np.int16)
        pk.true_outcomes(
            (x["kind1"], x["kind2"]),
            (x["arrival"], x["start1"], x["end1"], x["start2"]),
            (x["needs"], x["attempt"], x["carry"], p_res),
            (x["u_res"], x["fulfil"], x["u_code"], x["xp_noise"]),
            tuple(
                np.ascontiguousarray(pol[:, j])
                for j in (bh.THOROUGHNESS, bh.FALSE_CODING, bh.COURTESY)
            ),
            fs,
            final_srv,
            b,
            f,
            extra,
        )
        got = {name.lower()[2:]: b[getattr(pk, name)] for name in dir(pk) if name[:2] == "B_"}
        got |= {name.lower()[2:]: f[getattr(pk, name)] for name in dir(pk) if name[:2] == "F_"}
        got |= dict(extra=extra, final_srv=final_srv, fs=fs)
        for key, want in ref.items():
            assert same(got[key], want), key
        # the rules were exercised: every ending, caps and clips reached
        assert ref["lost2"].any() and ref["false_code"].any() and ref["rushed"].any()
        assert (ref["eff"] == 7.0).any() and (ref["wait"] > 360.0).any()


def test_seat_sums_match_bincount() -> None:
    """Every booking of ``book_seats`` as its own ``np.bincount`` (the code as it was),
    on a ledger with fractional and -0.0 entries, seats not in today's order."""
    rng = np.random.default_rng(3)
    for seed in range(3):
        x = random_day(seed)
        n = 3 * M
        seats = rng.permutation(n)[:M]
        base = {
            f: rng.integers(0, 50, n) + (rng.random(n) < 0.3) * rng.random(n)
            for f in set(bk.SEAT_ROWS)
        }
        base["abuse"][seats[:3]] = -0.0
        flags = rng.random((15, K)) < 0.3
        flags[bk.S_ANSWERED] = x["kind1"] != cr.ABANDONED
        flags[bk.S_DET_FIRST] = False  # a booking that selects no call is skipped
        final_srv = np.where(x["kind1"] == cr.TRANSFERRED, x["server2"], x["server1"])
        for name in (
            "OWNER",
            "SURVEY",
            "TRANSFERRED",
            "PUSHED",
            "HUNG",
            "ACT_FIRST",
            "AUDITED",
            "ABUSED",
        ):
            flags[getattr(bk, f"S_{name}")] &= flags[bk.S_ANSWERED] & (final_srv >= 0)
        xp = rng.uniform(0, 10, K)
        s1, s2, h2 = x["server1"], x["server2"], x["kind2"] == cr.HANDLED
        ans = flags[bk.S_ANSWERED]
        own, surv = flags[bk.S_OWNER], flags[bk.S_SURVEY]
        fl = {name: flags[getattr(bk, name)] for name in dir(bk) if name[:2] == "S_"}
        ref = {f: v.copy() for f, v in base.items()}

        def add(server, field, weights=None, ref=ref, seats=seats, n=n):
            if server.shape[0]:
                w = None if weights is None else np.asarray(weights, float)
                ref[field] += np.bincount(seats[server], weights=w, minlength=n)

        add(s1[ans], "legs")
        add(s2[h2], "legs")
        add(s1[ans], "handle_s", (x["end1"] - x["start1"])[ans])
        add(s2[h2], "handle_s", (x["start2"] + 100.0 - x["start2"])[h2])
        add(final_srv[own], "answered")
        add(final_srv[own], "resolved", fl["S_RESOLVED"][own])
        add(final_srv[own], "coded", fl["S_CODED"][own])
        add(final_srv[own], "xp_top2", xp[own] >= cr.TOP2)
        add(final_srv[surv], "surveys")
        add(final_srv[surv], "survey_top2", fl["S_TOP2"][surv])
        add(s1[fl["S_TRANSFERRED"]], "transfers")
        add(s1[fl["S_PUSHED"]], "pushes")
        add(s1[fl["S_HUNG"]], "hangups")
        add(final_srv[fl["S_ACT_FINAL"] & (final_srv >= 0)], "acts")
        add(s1[fl["S_ACT_FIRST"]], "acts")
        add(s1[fl["S_AUDITED"] & ans], "audited")
        add(s2[h2 & fl["S_AUDITED"]], "audited")
        add(final_srv[fl["S_DET_FINAL"] & (final_srv >= 0)], "detected")
        add(s1[fl["S_DET_FIRST"]], "detected")
        add(s1[fl["S_ABUSED"]], "abuse")
        got = {f: v.copy() for f, v in base.items()}
        bk.seat_sums(
            seats,
            (s1, s2, final_srv),
            x["kind2"],
            flags,
            (x["start1"], x["end1"], x["start2"], x["start2"] + 100.0),
            xp,
            cr.TOP2,
            tuple(got[f] for f in bk.SEAT_ROWS),
        )
        for f in ref:
            assert same(got[f], ref[f]), f


# ------------------------------------------- the day's booking as it was (numpy)
def ref_book_parts(q, t, parts, row):
    res = q.res
    h2 = res.kind2 == cr.HANDLED
    hold = float(parts.hold1[t.answered].sum() + parts.hold2[h2].sum())
    acw = float(parts.acw1[t.answered].sum() + parts.acw2[h2].sum())
    row["hold_s"] = hold
    row["acw_s"] = acw
    row["talk_s"] = row["handle_s"] - hold - acw


def ref_book_teams(q, agents, t, over, sl_s, row):
    res, nf = (q.res, agents.n_front)
    h2 = res.kind2 == cr.HANDLED
    duty = on_phone_s(agents) + over
    wait2 = res.start2 - res.end1
    front2 = h2 & (res.server2 < nf)
    row.update(
        front_legs=int(t.answered.sum() + front2.sum()),
        front_handle_s=float(
            (res.end1 - res.start1)[t.answered].sum() + (res.end2 - res.start2)[front2].sum()
        ),
        front_busy_s=float(res.busy_s[:nf].sum()),
        front_avail_s=float(duty[:nf].sum()),
        spec_offered=int(t.transferred.sum()) if agents.seats.shape[0] > nf else 0,
        spec_answered=int((h2 & ~front2).sum()),
        spec_abandoned=int(t.lost2.sum()) if agents.seats.shape[0] > nf else 0,
        spec_in_sl=int((h2 & ~front2 & (wait2 <= sl_s)).sum()),
        spec_wait_answered_s=float(wait2[h2 & ~front2].sum()),
        spec_legs=int((h2 & ~front2).sum()),
        spec_handle_s=float((res.end2 - res.start2)[h2 & ~front2].sum()),
        spec_busy_s=float(res.busy_s[nf:].sum()),
        spec_avail_s=float(duty[nf:].sum()),
    )


def ref_book_handle_parts(model, q, agents, t, row):
    res, h = (q.res, model.cfg.handling)
    work = q.work_s
    pol = agents.policy
    totals = np.zeros(4)
    for server, handled, needs, on in (
        (res.server1, t.answered & (res.kind1 == cr.HANDLED), q.calls.needs_transfer, t.answered),
        (res.server2, res.kind2 == cr.HANDLED, False, res.kind2 == cr.HANDLED),
    ):
        srv = server[on]
        levers = (
            pol[srv, bh.THOROUGHNESS],
            agents.speed[srv],
            pol[srv, bh.PACE],
            pol[srv, bh.COURTESY] * h.courtesy_max_s,
        )
        needs_leg = np.broadcast_to(needs, on.shape)[on]
        parts = cr.handle_parts(handled[on], needs_leg, work[on], levers, h.transfer_handle_s)
        totals += [part.sum() for part in parts] + [levers[2].sum()]
    row.update(
        handle_s_natural=float(totals[0]),
        handle_s_honest=float(totals[1]),
        handle_s_gaming=float(totals[2]),
        pace_sum=float(totals[3]),
    )


def ref_book_day(model, q, agents, t, r, over, row, parts=None):
    res, ch = (q.res, model.cfg.channels)
    answered, wait1 = (t.answered, t.wait1)
    h2 = res.kind2 == cr.HANDLED
    row["avail_s"] = float((on_phone_s(agents) + over).sum())
    row["overrun_s"] = float(over.sum())
    ref_book_teams(q, agents, t, over, ch.service_level_threshold_s, row)
    handle = np.zeros((2, 2))
    handle[FRONT] = (row["front_handle_s"], row["front_legs"])
    handle[SPECIALIST] = (row["spec_handle_s"], row["spec_legs"])
    ends = np.where(res.kind2 != cr.NOT_REACHED, res.end2, res.end1)
    minutes = float(np.maximum(ends - q.arrival, 0.0).sum()) / 60.0
    row["cost_telephony"] = minutes * model.cfg.costs.telephony_per_minute
    h, work = (model.cfg.handling, q.work_s)
    row["work_needed_s"] = float(np.where(q.calls.needs_transfer, h.transfer_handle_s, work).sum())
    row["spec_work_needed_s"] = float(work[t.transferred].sum())
    row.update(
        abandoned=int((~answered).sum()),
        abandoned_after_transfer=int(t.lost2.sum()),
        calls_answered=int(answered.sum()),
        answered_in_sl=int((answered & (wait1 <= ch.service_level_threshold_s)).sum()),
        waited=int((wait1 > 0).sum()),
        wait_answered_s=float(wait1[answered].sum()),
        wait_all_s=float(wait1.sum()),
        busy_s=float(res.busy_s.sum()),
        legs=int(answered.sum() + h2.sum()),
        handle_s=float((res.end1 - res.start1)[answered].sum() + (res.end2 - res.start2)[h2].sum()),
        answered_owned=int(t.owner.sum()),
        resolved_true=int(t.resolved[t.owner].sum()),
        coded_resolved=int(t.coded[t.owner].sum()),
        resolved_done=int(t.done[t.owner].sum()),
        surveys=int(r.survey.sum()),
        survey_top2=int(r.top2.sum()),
        surveys_offered=int(r.offered.sum()),
        surveys_honest=int(r.honest_survey.sum()),
        survey_top2_honest=int(r.honest_top2.sum()),
        transfers=int(t.transferred.sum()),
        hangups=int(t.hung.sum()),
        pushes=int(t.pushed.sum()),
        gaming_contacts=int(r.gaming.sum()),
        false_resolutions=int(t.false_code.sum()),
        steered=int(r.steer.sum()),
        dumped=int(t.dumped.sum()),
        rushed=int(t.rushed.sum()),
        audited=int(r.audited.sum()),
        detected=int((r.det_final | r.det_first).sum()),
    )
    ref_book_handle_parts(model, q, agents, t, row)
    ref_book_parts(q, t, parts, row)
    first = (q.calls.reached == 0) & answered
    row["issues_new"] = row.get("issues_new", 0) + int(first.sum())
    row["issues_first_resolved"] = row.get("issues_first_resolved", 0) + int(
        (first & t.owner & t.resolved).sum()
    )
    return handle


def test_book_day_matches_numpy() -> None:
    """``book_day`` books the same record, key for key in the same order and value for
    value to the bit, as the numpy code it replaced, with and without specialists."""
    cfg = load_config("baseline")
    rng = np.random.default_rng(5)
    for seed, n_front in ((0, M - 6), (1, M), (2, M - 1)):
        x = random_day(seed)
        ref = ref_true_outcomes(x, cfg.handling)
        res = SimpleNamespace(
            kind1=x["kind1"],
            kind2=x["kind2"],
            server1=x["server1"],
            server2=x["server2"],
            start1=x["start1"],
            end1=x["end1"],
            start2=x["start2"],
            end2=x["start2"] + rng.exponential(250.0, K),
            busy_s=rng.uniform(0, 30_000, M),
            last_end=rng.uniform(0, 36_000, M),
        )
        calls = SimpleNamespace(
            cx=x["cx"], needs_transfer=x["needs"], reached=rng.integers(0, 3, K).astype(np.int16)
        )
        q = SimpleNamespace(res=res, calls=calls, arrival=x["arrival"])
        start = rng.uniform(0, 3_600, M)
        agents = SimpleNamespace(
            policy=x["pol"],
            speed=rng.uniform(0.6, 1.4, M),
            n_front=n_front,
            seats=np.arange(M),
            start=start,
            end=start + 28_800.0,
            brk_len=rng.uniform(0, 1_800, (M, 3)),
        )
        t = SimpleNamespace(**ref)
        flag = {
            name: rng.random(K) < 0.2
            for name in (
                "survey",
                "top2",
                "offered",
                "honest_survey",
                "honest_top2",
                "gaming",
                "steer",
                "audited",
                "det_final",
                "det_first",
            )
        }
        r = SimpleNamespace(**flag)
        parts = SimpleNamespace(
            hold1=rng.exponential(30.0, K) * ref["answered"],
            acw1=rng.exponential(40.0, K),
            hold2=rng.exponential(30.0, K),
            acw2=rng.exponential(40.0, K) * (x["kind2"] == cr.HANDLED),
        )
        over = rng.exponential(100.0, M) * (rng.random(M) < 0.3)
        want, got = {"issues_new": 3}, {"issues_new": 3}
        mean_s = cfg.handling.mean_s
        h_want = ref_book_day(_Model(cfg), _Q(q, mean_s), agents, t, r, over, want, parts)
        h_got = pb.book_day(_Model(cfg), _Q(q, mean_s), agents, t, r, over, got, parts)
        assert list(got) == list(want)
        for key, value in want.items():
            assert type(got[key]) is type(value) and got[key] == value, key
            assert np.float64(got[key]).tobytes() == np.float64(value).tobytes(), key
        assert same(h_got, h_want)


class _Model(SimpleNamespace):
    def __init__(self, cfg) -> None:
        super().__init__(cfg=cfg)


class _Q(SimpleNamespace):
    """A day's queue whose calls have a length, as ``phone.Queued``."""

    def __init__(self, q, mean_s: float) -> None:
        super().__init__(
            res=q.res, arrival=q.arrival, calls=_Calls(q.calls), work_s=mean_s * q.calls.cx
        )


class _Calls(SimpleNamespace):
    def __init__(self, calls) -> None:
        super().__init__(**vars(calls))

    def __len__(self) -> int:
        return self.cx.shape[0]


def test_mark_repeats_matches_numpy() -> None:
    """``_mark_repeats`` as it was (each customer's earlier call credited once, by its
    sorted unique customers), against the compiled pass, customers repeated on purpose."""
    rng = np.random.default_rng(8)
    n_cust, n_seats, n_periods, d = 2_000, 30, 12, 40
    for _ in range(5):
        last_day = rng.integers(d - 15, d, n_cust).astype(np.int32)
        last_day[:100] = -(10**6)
        last_seat = np.where(rng.random(n_cust) < 0.3, -1, rng.integers(0, n_seats, n_cust))
        last_seat = last_seat.astype(np.int32)
        last_period = rng.integers(0, n_periods, n_cust).astype(np.int32)
        cust = rng.integers(0, n_cust, 1_500)  # many customers more than once
        repeats = rng.integers(0, 5, (n_periods, n_seats)).astype(float)
        day_repeats = rng.integers(0, 5, 61).astype(float)
        want = [a.copy() for a in (last_seat, repeats, day_repeats)]
        hit = (d - last_day[cust] <= 7) & (last_seat[cust] >= 0)
        hc = np.sort(cust[hit])
        hc = hc[np.concatenate(([True], hc[1:] != hc[:-1]))]
        flat = np.asarray(last_period[hc], np.int64) * n_seats + last_seat[hc]
        want[1] += np.bincount(flat, minlength=repeats.size).reshape(repeats.shape)
        want[2] += np.bincount(last_day[hc], minlength=day_repeats.size)
        want[0][hc] = -1
        assert hc.shape[0] > 100
        pk.mark_repeats(cust, d, 7, (last_day, last_seat, last_period), repeats, day_repeats)
        for got, ref in zip((last_seat, repeats, day_repeats), want, strict=True):
            assert same(got, ref)


def test_contact_terms_match_numpy() -> None:
    """``experience.book_experience``'s response probability and loyalty change, by the
    numpy rules (``call_rules.response_p``, ``experience.loyalty_change``) and compiled;
    experiences past both ends of the scale and exactly 6.5 (a -0.0 distance)."""
    cfg = load_config("baseline").customers
    rng = np.random.default_rng(9)
    prop = rng.beta(0.5, 4.0, 3_000).astype(np.float32)
    prop[:10] = 1.0
    cust = rng.integers(0, 3_000, K)
    for hazard_year in (0.05, 0.2):
        xp = rng.normal(6.0, 3.5, K)
        xp[:20] = 6.5
        eff = np.clip(rng.normal(3.0, 2.0, K), 1.0, 7.0)
        resp, step = np.empty(K), np.empty(K)
        per = experience.loyalty_steps(cfg, hazard_year)
        terms = (*per, cfg.loyalty_loss_aversion, experience.NEUTRAL_XP, experience.EASY_EFFORT)
        pk.contact_terms(prop, cust, xp, eff, terms, resp, step)
        assert same(resp, cr.response_p(prop[cust], xp))
        assert same(step, experience.loyalty_change(cfg, hazard_year, xp, eff))
        assert (resp == 1.0).any() and (step > 0).any() and (step < 0).any()


def test_after_calls_matches_numpy() -> None:
    """``follow_up``'s ratings, last contacts, patience and comebacks as they were in
    numpy, against the compiled pass; customers with several calls (the last wins),
    ratings clipped at both ends."""
    rng = np.random.default_rng(12)
    n_cust = 3_000
    for _ in range(4):
        x = random_day(int(rng.integers(100)))
        ref = ref_true_outcomes(x, load_config("baseline").handling)
        cust = rng.integers(0, n_cust, K)
        owner, fs = ref["owner"], ref["fs"]
        rated = owner & (rng.random(K) < 0.3)
        steer = rng.random(K) < 0.2
        pf = rng.uniform(0.3, 1.0, K)
        noise, u_back = rng.normal(0.0, 3.0, K), rng.random(K)
        friendliness, courtesy = rng.uniform(0, 1, M), rng.uniform(0, 1.2, M)
        seats = rng.permutation(3 * M)[:M]
        cols = (
            rng.integers(-5, 40, n_cust).astype(np.int32),
            rng.integers(-1, 3 * M, n_cust).astype(np.int32),
            rng.integers(-1, 5, n_cust).astype(np.int32),
            rng.uniform(0.3, 1.0, n_cust).astype(np.float32),
        )
        want = [col.copy() for col in cols]
        d, period, factor, repeat_prob = 41, 3, 0.8, 0.6
        friendly = 1.0 + 4.0 * np.clip(
            0.5 * friendliness[fs] + 0.5 * courtesy[fs] + 0.1 * noise + 0.1 * steer, 0.0, 1.0
        )
        owned = cust[owner]
        want[0][owned] = d
        want[1][owned] = seats[ref["final_srv"][owner]]
        want[2][owned] = period
        want[3][cust] = np.where(ref["xp"] < cr.BAD, pf * factor, 1.0).astype(np.float32)
        want_back = ~ref["resolved"] & (u_back < repeat_prob)
        back = np.empty(K, bool)
        total, n = pk.after_calls(
            cust,
            fs,
            (owner, rated, steer, ref["resolved"]),
            (ref["xp"], pf, noise, u_back),
            (friendliness, courtesy, seats),
            (cr.BAD, factor, repeat_prob, d, period),
            cols,
            back,
        )
        assert float(total) == float(friendly[rated].sum()) and n == int(rated.sum())
        assert np.float64(total).tobytes() == np.float64(friendly[rated].sum()).tobytes()
        for got, ref_col in zip(cols, want, strict=True):
            assert same(got, ref_col)
        assert same(back, want_back)
        assert (friendly[rated] == 1.0).any() and (friendly[rated] == 5.0).any()
