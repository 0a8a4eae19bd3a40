"""収納取消: a payment undone by entries, and every figure as if it had not been made.

Cast: taro owes 市税 56,400円 due 2026-02-02 (Monday; nominal 01-31); paid in full with
its charge on 2026-05-29 the charge is 1,300円 (tests/ledger/test_late_charges.py).
"""

from datetime import date

import pytest

from saiken.core.allocation import Component
from saiken.core.entries import Kind
from saiken.ledger.actions import assess, record_payment, refund, reverse_payment
from saiken.ledger.bulk import PaymentRequest, post_payments
from saiken.ledger.errors import LedgerError
from saiken.ledger.late_charges import accrued_late_charges
from saiken.ledger.models import Entry, Instalment, LedgerSummary, Payment, PaymentSummary
from saiken.ledger.verify import balance_differences, daily_differences, payment_differences, summary_differences

pytestmark = pytest.mark.django_db


def tax(taro, city_tax, amount=56_400, no=4):
    return assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=no, nominal_due=date(2026, 1, 31), amount=amount,
                  assessed_on=date(2025, 6, 1))


def clean():
    return [*balance_differences(), *summary_differences(), *daily_differences(), *payment_differences()] == []


def figures(i):
    i.refresh_from_db()
    return i.principal_due, i.late_charge_due, i.fee_due, i.overpaid


def test_a_reversal_restores_every_balance_and_keeps_the_payment(taro, city_tax):
    i = tax(taro, city_tax)
    before = figures(i)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=20_000, paid_on=date(2026, 1, 20))
    assert figures(i) == (36_400, 0, 0, 0)
    done = reverse_payment(payment=posted.payment, booked_on=date(2026, 1, 21), reason="別人の納付を誤って消込")
    assert figures(i) == before
    assert [(e.kind, e.amount, e.payment_id, e.counterpart_id) for e in done.entries] == [
        (Kind.PAYMENT_REVERSAL, 20_000, posted.payment.pk, posted.entries[0].pk)
    ]
    assert Payment.objects.filter(pk=posted.payment.pk).exists()  # never deleted
    # 収入済額 is back to nothing; the channel tally no longer counts the payment.
    collected = sum(a if k == "payment" else -a for k, a in LedgerSummary.objects.filter(kind__in=["payment", "payment_reversal"]).values_list("kind", "amount"))
    assert collected == 0
    assert list(PaymentSummary.objects.values_list("payments", "amount")) == [(0, 0)]
    assert clean()


def test_reversing_a_payment_that_fixed_a_charge_and_overpaid_undoes_both(taro, city_tax):
    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=60_000, paid_on=date(2026, 5, 29), instalment=i)
    assert figures(i) == (0, 0, 0, 2_300)  # 56,400 + 1,300 charge, 2,300 held
    fixing = Entry.objects.get(instalment=i, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE)
    assert fixing.payment_id == posted.payment.pk  # the fixing carries its payment
    reverse_payment(payment=posted.payment, booked_on=date(2026, 6, 1), reason="口座違いの誤消込")
    assert figures(i) == (56_400, 0, 0, 0)
    kinds = sorted(Entry.objects.filter(instalment=i, kind__endswith="reversal").values_list("kind", "component", "amount"))
    assert kinds == sorted([
        ("payment_reversal", "principal", 56_400), ("payment_reversal", "late_charge", 1_300),
        ("payment_reversal", "principal", 2_300), ("overpayment_reversal", "principal", 2_300),
        ("assessment_reversal", "late_charge", 1_300),
    ])
    assert clean()


def test_after_a_reversal_the_charge_runs_on_and_the_next_payment_fixes_it_anew(taro, city_tax):
    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=57_700, paid_on=date(2026, 5, 29), instalment=i)
    reverse_payment(payment=posted.payment, booked_on=date(2026, 6, 1), reason="誤消込")
    never_paid = tax(taro, city_tax, no=5)  # the same debt, never paid: the reference
    i.refresh_from_db()
    on = date(2026, 8, 31)
    accrued = accrued_late_charges([i, never_paid], on)
    assert accrued[i.id].amount == accrued[never_paid.id].amount > 1_300
    record_payment(debtor=taro, receivable=city_tax, amount=56_400 + accrued[i.id].amount, paid_on=on, instalment=i)
    assert figures(i) == (0, 0, 0, 0)
    assert clean()


def test_a_bulk_posting_is_reversed_the_same_way(taro, city_tax):
    i = tax(taro, city_tax)
    posted = post_payments([PaymentRequest(instalment_id=i.id, amount=57_700, paid_on=date(2026, 5, 29), booked_on=date(2026, 5, 29),
                                           channel="convenience", reference="c:1")])
    payment = Payment.objects.get(pk=posted.payment_ids[0])
    assert Entry.objects.get(instalment=i, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE).payment_id == payment.pk
    reverse_payment(payment=payment, booked_on=date(2026, 6, 1), reason="他市の払込票")
    assert figures(i) == (56_400, 0, 0, 0)
    assert clean()


def test_a_fixing_written_before_it_carried_its_payment_is_found(taro, city_tax):
    from saiken.ledger.verify import reversal_differences

    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=57_700, paid_on=date(2026, 5, 29), instalment=i)
    Entry.objects.filter(instalment=i, kind=Kind.ASSESSMENT, component=Component.LATE_CHARGE).update(payment=None)  # as before
    reverse_payment(payment=posted.payment, booked_on=date(2026, 6, 1), reason="誤消込")
    assert figures(i) == (56_400, 0, 0, 0)
    assert clean()
    assert list(reversal_differences()) == []


def refused(payment, match, **kw):
    entries = Entry.objects.count()
    with pytest.raises(LedgerError, match=match):
        reverse_payment(payment=payment, **{"booked_on": date(2026, 6, 1), "reason": "誤消込", **kw})
    assert Entry.objects.count() == entries


def test_twice_is_refused(taro, city_tax):
    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2026, 1, 20), instalment=i)
    reverse_payment(payment=posted.payment, booked_on=date(2026, 1, 21), reason="誤消込")
    refused(posted.payment, "既に取り消されています")


def test_without_a_reason_or_before_the_payment_is_refused(taro, city_tax):
    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2026, 1, 20), instalment=i)
    refused(posted.payment, "理由", reason="  ")
    refused(posted.payment, "計上日", booked_on=date(2026, 1, 19))


def test_an_excess_already_refunded_must_come_back_first(taro, city_tax):
    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=60_000, paid_on=date(2026, 5, 29), instalment=i)
    refund(instalment=i, amount=2_300, booked_on=date(2026, 6, 10))
    refused(posted.payment, "過誤納金は既に還付・充当されています")


def test_a_later_payment_of_the_fixed_charge_must_be_reversed_first(taro, city_tax):
    i = tax(taro, city_tax)
    first = record_payment(debtor=taro, receivable=city_tax, amount=56_400, paid_on=date(2026, 5, 29), instalment=i)
    second = record_payment(debtor=taro, receivable=city_tax, amount=1_300, paid_on=date(2026, 6, 5), instalment=i)
    refused(first.payment, "後の入金・減免を先に取り消してください")
    reverse_payment(payment=second.payment, booked_on=date(2026, 6, 10), reason="誤消込")
    reverse_payment(payment=first.payment, booked_on=date(2026, 6, 10), reason="誤消込")
    assert figures(i) == (56_400, 0, 0, 0)
    assert clean()


def test_a_reversed_payment_acknowledged_nothing(taro, city_tax):
    """A part payment renews prescription (地方税法18条の2, 民法152条); one posted to taro in
    error and reversed was never his acknowledgement."""
    from saiken.prescription.projection import project_instalments

    i = tax(taro, city_tax)
    untouched = tax(taro, city_tax, no=5)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2027, 3, 1), instalment=i)
    as_of = date(2027, 6, 1)
    renewed = project_instalments([i.id, untouched.id], as_of)
    assert renewed[i.id].completes_on > renewed[untouched.id].completes_on
    reverse_payment(payment=posted.payment, booked_on=date(2027, 3, 2), reason="別人の納付を誤って消込")
    after = project_instalments([i.id, untouched.id], as_of)
    assert after[i.id].completes_on == after[untouched.id].completes_on


def test_check_ledger_proves_each_reversal_is_whole(taro, city_tax):
    from saiken.ledger.verify import reversal_differences

    i = tax(taro, city_tax)
    posted = record_payment(debtor=taro, receivable=city_tax, amount=60_000, paid_on=date(2026, 5, 29), instalment=i)
    reverse_payment(payment=posted.payment, booked_on=date(2026, 6, 1), reason="誤消込")
    assert list(reversal_differences()) == []
    # A reversal entry lost (only a tampered database can do this: entries are never deleted).
    Entry.objects.filter(kind=Kind.ASSESSMENT_REVERSAL).delete()
    found = list(reversal_differences())
    assert [(d.field, d.cached, d.recomputed) for d in found] == [("取消されていない額", 0, 1_300)]
