"""The priority of a case: a score and its reasons, from plain facts and the day (no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.priority import CaseFacts, Weights, priority

AS_OF = date(2025, 5, 1)
# A case someone is working: contacted last week, next step planned.
QUIET = CaseFacts(owed=0, last_contact_on=AS_OF - timedelta(days=7), next_action_on=AS_OF + timedelta(days=7))


def codes(facts, as_of=AS_OF, **kw):
    return {r.code: r.points for r in priority(facts, as_of, **kw)[1]}


def test_a_quiet_case_has_no_reasons():
    assert priority(QUIET, AS_OF) == (0, ())


@pytest.mark.parametrize("owed, points", [(99_999, 3), (100_000, 10), (299_999, 10), (300_000, 20), (1_000_000, 30)])
def test_amount_tiers(owed, points):
    assert codes(CaseFacts(**{**QUIET.__dict__, "owed": owed})) == {"amount": points}


@pytest.mark.parametrize(
    "completes, points",
    [
        (date(2025, 8, 1), 40),  # exactly 3 months: within
        (date(2025, 8, 2), 25),
        (date(2025, 11, 1), 25),
        (date(2026, 5, 1), 10),
        (date(2026, 5, 2), None),
        (AS_OF, 40),  # completes at the end of today
        (AS_OF - timedelta(days=1), None),  # completed: write-off, not collection
    ],
)
def test_prescription_tiers(completes, points):
    got = codes(CaseFacts(**{**QUIET.__dict__, "prescription_completes_on": completes}))
    assert got.get("prescription") == points


def test_broken_promises_add_up_to_a_cap():
    assert codes(CaseFacts(**{**QUIET.__dict__, "broken_promises": 1})) == {"broken": 15}
    assert codes(CaseFacts(**{**QUIET.__dict__, "broken_promises": 5})) == {"broken": 30}


def test_contact_and_planning():
    never = CaseFacts(owed=0, last_contact_on=None, next_action_on=None)
    assert codes(never) == {"no_contact": 15, "no_next_action": 10}
    stale = CaseFacts(owed=0, last_contact_on=AS_OF - timedelta(days=90), next_action_on=AS_OF - timedelta(days=1))
    assert codes(stale) == {"no_contact": 10, "overdue_action": 10}
    assert codes(CaseFacts(owed=0, last_contact_on=AS_OF - timedelta(days=29), next_action_on=AS_OF)) == {}


def test_reasons_come_largest_first_and_say_why():
    facts = CaseFacts(owed=1_234_567, prescription_completes_on=date(2025, 6, 1), broken_promises=1,
                      last_contact_on=None, next_action_on=None)
    score, reasons = priority(facts, AS_OF)
    assert [r.code for r in reasons] == ["prescription", "amount", "broken", "no_contact", "no_next_action"]
    assert score == 40 + 30 + 15 + 15 + 10
    assert reasons[0].text == "時効完成まで31日（3か月以内）"
    assert reasons[1].text == "未納額 1,234,567円（1,000,000円以上）"


def test_weights_are_data():
    w = Weights.from_dict({"no_next_action": 0, "amount": [[1, 1]]})
    assert codes(CaseFacts(owed=5, last_contact_on=AS_OF, next_action_on=None), weights=w) == {"amount": 1}
    with pytest.raises(ValueError, match="unknown"):
        Weights.from_dict({"amout": []})


@given(st.integers(0, 10**9), st.integers(0, 10), st.integers(-400, 4000))
def test_more_owed_never_lowers_the_score(owed, broken, days):
    base = CaseFacts(owed=owed, broken_promises=broken, prescription_completes_on=AS_OF + timedelta(days=days))
    more = CaseFacts(owed=owed + 1, broken_promises=broken, prescription_completes_on=AS_OF + timedelta(days=days))
    assert priority(more, AS_OF)[0] >= priority(base, AS_OF)[0]
