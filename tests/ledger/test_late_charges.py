"""Late charges on the ledger: fixed when the principal is completed, and 減免.

Cast: taro owes 市税 (principal first, 延滞金 under the tax model) and 市営住宅
使用料 (a private claim: damages before principal, 民法489条).
"""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.core.allocation import Component
from saiken.ledger.actions import assess, record_payment, reduce_late_charge
from saiken.ledger.errors import LedgerError
from saiken.ledger.late_charges import accrued_late_charges
from saiken.ledger.models import Entry
from saiken.ledger.verify import balance_differences, summary_differences

pytestmark = pytest.mark.django_db


def tax(taro, city_tax, amount=56_400, nominal_due=date(2026, 1, 31), no=4):
    # Due Saturday 2026-01-31 → Monday 2026-02-02: the 中央市 example.
    return assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=no, nominal_due=nominal_due, amount=amount, assessed_on=date(2025, 6, 1))


def fixed_charges(i):
    return list(i.entries.filter(component=Component.LATE_CHARGE.value, kind="assessment").values_list("amount", flat=True))


def clean():
    return list(balance_differences()) == [] and list(summary_differences()) == []


def test_paying_principal_and_charge_together_fixes_the_charge(taro, city_tax):
    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=57_700, paid_on=date(2026, 5, 29), instalment=i)
    i.refresh_from_db()
    assert fixed_charges(i) == [1_300]
    assert (i.principal_due, i.late_charge_due, i.overpaid, posted.overpaid) == (0, 0, 0, 0)
    assert clean()


def test_paying_only_the_principal_leaves_the_charge_owed(taro, city_tax):
    i = tax(taro, city_tax)
    record_payment(debtor=taro, receivable=city_tax, amount=56_400, paid_on=date(2026, 5, 29), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, i.late_charge_due) == (0, 1_300)
    # The charge stops growing: a later payment of it fixes nothing more.
    record_payment(debtor=taro, receivable=city_tax, amount=1_300, paid_on=date(2026, 7, 1), instalment=i)
    i.refresh_from_db()
    assert (i.late_charge_due, fixed_charges(i)) == (0, [1_300])
    assert clean()


def test_a_partial_payment_fixes_nothing_and_lowers_the_base(taro, city_tax):
    i = tax(taro, city_tax, amount=200_000, nominal_due=date(2026, 1, 31))
    record_payment(debtor=taro, receivable=city_tax, amount=100_000, paid_on=date(2026, 2, 20), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, i.late_charge_due, fixed_charges(i)) == (100_000, 0, [])
    # 2/3–2/20 on 200,000 at 2.8% = 276; 2/21–3/2 on 100,000 at 2.8% = 76; 3/3–5/29 at 9.1% = 2,193 → 2,545 → 2,500
    assert accrued_late_charges([i], date(2026, 5, 29))[i.id].amount == 2_500
    record_payment(debtor=taro, receivable=city_tax, amount=100_000, paid_on=date(2026, 5, 29), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, i.late_charge_due, fixed_charges(i)) == (0, 2_500, [2_500])


def test_no_charge_when_paid_on_time_or_under_the_thresholds(taro, city_tax):
    on_time = tax(taro, city_tax, no=1, nominal_due=date(2025, 6, 30))
    record_payment(debtor=taro, receivable=city_tax, amount=56_400, paid_on=date(2025, 6, 30), instalment=on_time)
    small = tax(taro, city_tax, amount=1_999, no=2, nominal_due=date(2025, 7, 31))
    record_payment(debtor=taro, receivable=city_tax, amount=1_999, paid_on=date(2026, 7, 31), instalment=small)
    assert Entry.objects.filter(component=Component.LATE_CHARGE.value).count() == 0


def test_only_the_instalment_the_payment_completes_is_fixed(taro, city_tax):
    first = tax(taro, city_tax, no=3, nominal_due=date(2025, 12, 25))
    second = tax(taro, city_tax, no=4)
    # Enough for the first instalment's principal and charge and part of the second.
    record_payment(debtor=taro, receivable=city_tax, amount=80_000, paid_on=date(2026, 5, 29))
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(fixed_charges(first)) == 1 and first.principal_due == 0 and first.late_charge_due == 0
    assert fixed_charges(second) == [] and second.principal_due == 56_400 - (80_000 - 56_400 - fixed_charges(first)[0])


def test_private_claim_pays_damages_first(taro, housing):
    i = assess(debtor=taro, receivable=housing, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 4, 30), amount=365_000, assessed_on=date(2025, 4, 1))
    # 3% on 365,000 = 30 yen a day; 61 days to 6/30 = 1,830, to the yen (民法419条 has no thresholds).
    record_payment(debtor=taro, receivable=housing, amount=100_000, paid_on=date(2025, 6, 30), instalment=i)
    i.refresh_from_db()
    assert fixed_charges(i) == [1_830]
    assert (i.late_charge_due, i.principal_due) == (0, 365_000 - (100_000 - 1_830))
    assert clean()


def test_reduction_with_a_reason_is_recorded_and_not_charged_again(taro, city_tax, django_user_model):
    boss = django_user_model.objects.create_user("boss")
    i = tax(taro, city_tax)
    record_payment(debtor=taro, receivable=city_tax, amount=56_400, paid_on=date(2026, 5, 29), instalment=i)
    with pytest.raises(LedgerError, match="理由"):
        reduce_late_charge(instalment=i, booked_on=date(2026, 6, 1), reason=" ")
    with pytest.raises(LedgerError, match="超えています"):
        reduce_late_charge(instalment=i, booked_on=date(2026, 6, 1), reason="災害", amount=1_400)
    reduce_late_charge(instalment=i, booked_on=date(2026, 6, 1), reason="災害による減免（条例第5条）", amount=800, user=boss)
    i.refresh_from_db()
    assert i.late_charge_due == 500
    event = AuditEvent.objects.get(action="late_charge.reduce")
    assert (event.user, event.debtor_id) == (boss, taro.pk)
    reduce_late_charge(instalment=i, booked_on=date(2026, 6, 2), reason="生活困窮")
    i.refresh_from_db()
    assert i.late_charge_due == 0
    with pytest.raises(LedgerError, match="確定した"):
        reduce_late_charge(instalment=i, booked_on=date(2026, 6, 3), reason="再度")
    assert clean()


@pytest.mark.parametrize("chunk", [5000, 1])
def test_bulk_posting_fixes_like_the_counter(taro, city_tax, chunk, monkeypatch):
    from saiken.ledger import bulk

    monkeypatch.setattr(bulk, "CHUNK", chunk)  # chunk 1: each payment in its own chunk
    whole = tax(taro, city_tax, no=3, nominal_due=date(2026, 1, 31))
    split = tax(taro, city_tax, amount=200_000, no=4, nominal_due=date(2026, 1, 31))
    bulk.post_payments([
        bulk.PaymentRequest(whole.id, 57_700, date(2026, 5, 29), date(2026, 6, 1)),
        bulk.PaymentRequest(split.id, 100_000, date(2026, 2, 20), date(2026, 2, 23)),
        bulk.PaymentRequest(split.id, 102_500, date(2026, 5, 29), date(2026, 6, 1)),
        bulk.PaymentRequest(split.id, 1_000, date(2026, 6, 30), date(2026, 7, 1)),  # after completion: nothing more to fix
    ])
    whole.refresh_from_db()
    split.refresh_from_db()
    assert (fixed_charges(whole), whole.principal_due, whole.late_charge_due, whole.overpaid) == ([1_300], 0, 0, 0)
    assert (fixed_charges(split), split.principal_due, split.late_charge_due, split.overpaid) == ([2_500], 0, 0, 1_000)
    assert clean()


def test_a_payment_posts_even_when_the_years_rate_is_not_entered_yet(taro, city_tax):
    """2027's rate is announced in December 2026; a late payment on 2027-01-05 must still post."""
    i = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=3, nominal_due=date(2026, 11, 30), amount=56_400, assessed_on=date(2026, 6, 1))
    record_payment(debtor=taro, receivable=city_tax, amount=56_400, paid_on=date(2027, 1, 5), instalment=i)
    i.refresh_from_db()
    assert (i.principal_due, fixed_charges(i)) == (0, [])
