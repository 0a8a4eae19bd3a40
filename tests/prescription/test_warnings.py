"""The warning list and what to do after completion.

The nursery fee completes on 2025-07-10, the 2-year premium on 2024-08-01 and the
old-law hospital fee (private) on 2022-10-31.
"""

from datetime import date

import pytest

from saiken.ledger import actions
from saiken.prescription.actions import record_event
from saiken.prescription.projection import refresh
from saiken.prescription.warnings import extinguished_by_prescription, proposals, warning_list

pytestmark = pytest.mark.django_db


def ids(rows):
    return [r.instalment_id for r in rows]


@pytest.mark.parametrize(
    "as_of, listed",
    [
        (date(2025, 1, 9), False),  # 6 months later is 7/9: one day short
        (date(2025, 1, 10), True),  # exactly 6 months ahead
        (date(2025, 7, 10), True),  # completes at the end of today
        (date(2025, 7, 11), False),  # completed: a proposal now, not a warning
    ],
)
def test_warning_boundary_at_n_months(cast, as_of, listed):
    refresh(as_of)
    assert (cast["nursery"].pk in ids(warning_list(as_of))) is listed


def test_months_come_from_the_setting_or_the_caller(cast, settings):
    as_of = date(2024, 7, 10)
    refresh(as_of)
    assert ids(warning_list(as_of)) == [cast["nhi"].pk]
    assert ids(warning_list(as_of, months=12)) == [cast["nursery"].pk, cast["nhi"].pk]  # 保育課 before 保険年金課
    settings.SAIKEN_PRESCRIPTION_WARNING_MONTHS = 12
    assert len(warning_list(as_of)) == 2


def test_rows_say_who_owes_what_and_why(cast):
    refresh(date(2025, 5, 1))
    [row] = warning_list(date(2025, 5, 1), department="hoiku")
    assert (row.department, row.receivable, row.debtor) == ("こども未来部 保育課", "保育料", "山田 太郎")
    assert (row.fiscal_year, row.instalment_no, row.amount) == (2020, 1, 30_000)
    assert (row.completes_on, row.needs_invocation, row.days_left(date(2025, 5, 1))) == (date(2025, 7, 10), False, 70)
    assert row.basis == "督促（令和2年7月10日）により更新"
    assert warning_list(date(2025, 5, 1), department="byoin") == []


def test_proposals_split_public_from_private(cast, clerk_user):
    as_of = date(2025, 8, 1)
    refresh(as_of)
    p = proposals(as_of)
    assert ids(p.write_off) == [cast["nursery"].pk, cast["nhi"].pk]
    assert ids(p.invoke_or_waive) == [cast["hospital"].pk]
    assert p.invoked == []
    # public claims are extinguished; the private one waits for the debtor
    assert extinguished_by_prescription(as_of) == [
        (cast["nursery"].pk, "prescription", date(2025, 7, 11)),
        (cast["nhi"].pk, "prescription", date(2024, 8, 2)),
    ]
    record_event(instalment=cast["hospital"], kind="invoked", on=date(2025, 3, 3), user=clerk_user, today=as_of)
    p = proposals(as_of)
    assert (ids(p.invoked), p.invoked[0].invoked_on, p.invoke_or_waive) == ([cast["hospital"].pk], date(2025, 3, 3), [])
    assert (cast["hospital"].pk, "invoked", date(2025, 3, 3)) in extinguished_by_prescription(as_of)


def test_write_off_candidates_are_checked_against_the_ledger_not_the_cache(cast, taro, nhi):
    """A payment after completion does not revive a public claim, but one before it
    renews: the stale cache alone would write the premium off."""
    as_of = date(2025, 8, 1)
    refresh(as_of)
    actions.record_payment(debtor=taro, receivable=nhi, amount=1_000, paid_on=date(2024, 7, 31), instalment=cast["nhi"])
    assert cast["nhi"].pk not in [i for i, _, _ in extinguished_by_prescription(as_of)]


def test_an_ongoing_seizure_is_neither_warned_nor_proposed(cast, clerk_user):
    as_of = date(2025, 8, 1)
    record_event(instalment=cast["nursery"], kind="seizure", on=date(2025, 6, 2), user=clerk_user, today=as_of)
    refresh(as_of)
    assert cast["nursery"].pk not in ids(warning_list(as_of, months=120))
    assert cast["nursery"].pk not in ids(proposals(as_of).write_off)
