"""Is a claim still collectable on a day: the pure decision, at its boundaries.

The 国保 instalment of the issue: public, 2 years, demanded on 2024-11-15 (renewed from
11/16), so its prescription completes at the end of 2026-11-15 and the claim no longer
exists from 2026-11-16 (地方自治法236条2項: no invocation).
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from saiken.core import prescription as p
from saiken.core.collectability import COLLECTABLE, Reason, Status, decide, earliest_completion

NHI = p.Rule(years=2)
TAX = p.Rule(years=5, start=p.Start.DAY_AFTER_STATUTORY_DUE, tax=True)
HOSPITAL = p.Rule(years=5, start=p.Start.KNOWN, old_law_years=3, public=False, needs_invocation=True)
DUE = date(2024, 11, 5)
DEMANDED = date(2024, 11, 15)


def nhi(as_of, *events):
    return p.project(NHI, due=DUE, arose=date(2024, 4, 1), known=None, events=[p.FirstDemand(DEMANDED), *events], as_of=as_of)


def test_a_public_claim_is_collectable_through_its_last_day():
    assert nhi(date(2026, 11, 15)).completes_on == date(2026, 11, 15)
    assert decide(nhi(date(2026, 11, 15)), date(2026, 11, 15), balance=18_000) == COLLECTABLE


def test_and_extinguished_the_next_day_without_invocation():
    c = decide(nhi(date(2026, 11, 16)), date(2026, 11, 16), balance=18_000)
    assert c.status is Status.EXTINGUISHED and c.reason is Reason.PRESCRIPTION
    assert (c.completes_on, c.extinguished_on) == (date(2026, 11, 15), date(2026, 11, 16))
    assert c.label() == "時効完成（令和8年11月15日）"
    assert "地方自治法236条1項・2項" in c.explanation() and not c.collectable
    assert c.refusal("国民健康保険料 2024年度 第1期", "差押（預貯金）") == (
        "国民健康保険料 2024年度 第1期 は令和8年11月15日に時効が完成し、援用を要せず消滅しています（地方自治法236条1項・2項）。"
        "消滅した債権に差押（預貯金）はできません。"
    )


def test_a_tax_cites_the_local_tax_act():
    proj = p.project(TAX, due=date(2019, 5, 31), arose=date(2019, 4, 1), known=None, as_of=date(2024, 6, 1))
    c = decide(proj, date(2024, 6, 1), balance=1)
    assert c.extinguished and "地方税法18条1項・2項" in c.explanation()


def test_nothing_owed_is_not_extinguished_for_the_acts():
    assert decide(nhi(date(2027, 1, 1)), date(2027, 1, 1), balance=0) == COLLECTABLE


def test_a_private_claim_past_completion_warns_until_invoked():
    due = date(2021, 6, 30)
    proj = p.project(HOSPITAL, due=due, arose=date(2021, 6, 1), known=None, as_of=date(2026, 7, 1))
    assert proj.completes_on == date(2026, 6, 30)
    c = decide(proj, date(2026, 7, 1), balance=5_000)
    assert c.status is Status.PRESCRIBED_NOT_INVOKED and c.collectable and c.warns
    assert "民法145条" in c.warning("市民病院診療費", "支払督促")
    invoked = p.project(HOSPITAL, due=due, arose=date(2021, 6, 1), known=None, events=[p.Invocation(date(2026, 8, 3))], as_of=date(2026, 8, 3))
    c = decide(invoked, date(2026, 8, 3), balance=5_000)
    assert (c.status, c.reason, c.extinguished_on) == (Status.EXTINGUISHED, Reason.INVOKED, date(2026, 8, 3))
    # the day before the invocation it was still only a warning
    assert decide(invoked, date(2026, 8, 2), balance=5_000).warns


def test_relief_extinguishes_from_its_day_and_the_earliest_cause_wins():
    c = decide(nhi(date(2026, 9, 1)), date(2026, 9, 1), balance=1, relief=[("stop_three_years", date(2026, 9, 2))])
    assert c == COLLECTABLE  # not yet
    c = decide(nhi(date(2026, 9, 2)), date(2026, 9, 2), balance=1, relief=[("stop_three_years", date(2026, 9, 2))])
    assert (c.reason, c.extinguished_on) == (Reason.STOP_THREE_YEARS, date(2026, 9, 2))
    assert c.label() == "消滅（滞納処分の執行停止の3年継続（地方税法15条の7第4項）、令和8年9月2日）"
    later = decide(nhi(date(2027, 1, 1)), date(2027, 1, 1), balance=1, relief=[("waiver", date(2026, 12, 1))])
    assert (later.reason, later.extinguished_on, later.completes_on) == (Reason.PRESCRIPTION, date(2026, 11, 16), date(2026, 11, 15))


def test_an_ongoing_seizure_leaves_no_completion():
    proj = nhi(date(2027, 6, 1), p.Seizure(date(2026, 10, 1)))
    assert decide(proj, date(2027, 6, 1), balance=1) == COLLECTABLE


def test_the_earliest_completion_of_each_kind_of_claim():
    assert earliest_completion(NHI, DUE) == date(2026, 11, 5)
    assert earliest_completion(HOSPITAL, date(2019, 10, 31)) == date(2022, 10, 31)  # the old law's 3 years
    assert earliest_completion(TAX, date(2024, 2, 29)) == date(2029, 2, 28)


_events = st.lists(
    st.one_of(
        st.builds(p.FirstDemand, st.dates(date(2020, 1, 1), date(2032, 12, 31))),
        st.builds(p.PartialPayment, st.dates(date(2020, 1, 1), date(2032, 12, 31))),
        st.builds(p.Reminder, st.dates(date(2020, 1, 1), date(2032, 12, 31))),
        st.builds(p.Judgment, st.dates(date(2020, 1, 1), date(2032, 12, 31))),
        st.builds(lambda s, n: p.Deferment(s, s + timedelta(days=n)), st.dates(date(2020, 1, 1), date(2032, 12, 31)), st.integers(0, 400)),
        st.builds(lambda s, n: p.Seizure(s, s + timedelta(days=n)), st.dates(date(2020, 1, 1), date(2032, 12, 31)), st.integers(0, 400)),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    rule=st.sampled_from([NHI, TAX, HOSPITAL, p.Rule(years=5), p.Rule(years=5, start=p.Start.KNOWN, old_law_years=10, public=False)]),
    due=st.dates(date(2018, 1, 1), date(2026, 12, 31)),
    events=_events,
)
def test_no_event_brings_a_completion_before_the_bound(rule, due, events):
    """The demand run projects only instalments past `earliest_completion`: safe only if
    no combination of events completes a claim earlier."""
    events = [e for e in events if e.on > due]
    proj = p.project(rule, due=due, arose=due, known=None, events=events, as_of=date(2040, 1, 1))
    assert proj.completes_on is None or proj.completes_on >= earliest_completion(rule, due)
