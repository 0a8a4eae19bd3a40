"""Batches are all or nothing, and every bad record is reported with its line and field."""

from datetime import date

import pytest

from saiken.ledger.bulk import AssessmentRequest, PaymentRequest, assess_bulk, post_payments
from saiken.ledger.errors import BatchRejected
from saiken.ledger.models import Entry, Instalment, Payment
from saiken.ledger.verify import balance_differences, summary_differences

pytestmark = pytest.mark.django_db


def request(taro, city_tax, no, amount=10_000, due=date(2025, 6, 30)):
    return AssessmentRequest(taro.id, city_tax.id, 2025, no, due, amount, date(2025, 6, 1))


def test_assess_bulk_rolls_due_dates_and_keeps_the_ledger_consistent(taro, city_tax):
    assert assess_bulk([request(taro, city_tax, 1, due=date(2026, 1, 31)), request(taro, city_tax, 2)]) == 2
    assert list(Instalment.objects.order_by("instalment_no").values_list("due_date", flat=True)) == [date(2026, 2, 2), date(2025, 6, 30)]
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_assess_bulk_reports_every_bad_line_and_writes_nothing(taro, city_tax):
    assess_bulk([request(taro, city_tax, 9)])
    batch = [
        request(taro, city_tax, 1),
        request(taro, city_tax, 2, amount=0),
        request(taro, city_tax, 3, due=date(2025, 3, 1)),
        request(taro, city_tax, 1),
        request(taro, city_tax, 9),
    ]
    with pytest.raises(BatchRejected) as e:
        assess_bulk(batch)
    assert [(x.line, x.field) for x in e.value.errors] == [(2, "amount"), (3, "nominal_due"), (4, "instalment_no"), (5, "instalment_no")]
    assert Instalment.objects.count() == 1


def test_post_payments_is_all_or_nothing(taro, city_tax):
    assess_bulk([request(taro, city_tax, 1), request(taro, city_tax, 2)])
    i1, i2 = Instalment.objects.order_by("instalment_no")
    good = PaymentRequest(i1.id, 4_000, date(2025, 6, 20), date(2025, 6, 21), reference="r1")
    batch = [
        good,
        PaymentRequest(i2.id, 0, date(2025, 6, 20), date(2025, 6, 21), reference="r2"),
        PaymentRequest(999_999, 100, date(2025, 6, 20), date(2025, 6, 21), reference="r3"),
        PaymentRequest(i2.id, 100, date(2025, 6, 20), date(2025, 6, 19), reference="r4"),
        PaymentRequest(i2.id, 100, date(2025, 6, 20), date(2025, 6, 21), reference="r1"),
    ]
    with pytest.raises(BatchRejected) as e:
        post_payments(batch)
    assert [(x.line, x.field) for x in e.value.errors] == [(2, "amount"), (3, "instalment"), (4, "booked_on"), (5, "reference")]
    assert Payment.objects.count() == 0
    assert Entry.objects.filter(kind="payment").count() == 0


def test_post_payments_applies_payments_in_order_and_holds_the_excess(taro, city_tax):
    assess_bulk([request(taro, city_tax, 1)])
    i = Instalment.objects.get()
    result = post_payments(
        [
            PaymentRequest(i.id, 6_000, date(2025, 6, 20), date(2025, 6, 20), reference="a"),
            PaymentRequest(i.id, 6_000, date(2025, 6, 25), date(2025, 6, 25), reference="b"),
        ]
    )
    assert (result.payments, result.amount, result.overpaid) == (2, 12_000, 2_000)
    i.refresh_from_db()
    assert (i.principal_due, i.overpaid) == (0, 2_000)
    with pytest.raises(BatchRejected):
        post_payments([PaymentRequest(i.id, 1, date(2025, 6, 20), date(2025, 6, 20), reference="a")])
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_write_off_bulk_books_off_what_is_owed_and_refuses_a_second_time(taro, city_tax):
    from saiken.ledger.bulk import write_off_bulk
    from saiken.ledger.errors import LedgerError

    assess_bulk([request(taro, city_tax, 1), request(taro, city_tax, 2)])
    i1, i2 = Instalment.objects.order_by("instalment_no")
    post_payments([PaymentRequest(i1.id, 4_000, date(2025, 6, 20), date(2025, 6, 20))])
    assert write_off_bulk([(i1.id, date(2030, 7, 1), "prescription"), (i2.id, date(2030, 7, 1), "prescription")]) == 2
    assert sorted(Entry.objects.filter(kind="write_off").values_list("amount", flat=True)) == [6_000, 10_000]
    with pytest.raises(LedgerError, match="未納額がない"):
        write_off_bulk([(i1.id, date(2030, 7, 2), "prescription")])
    assert list(balance_differences()) == [] and list(summary_differences()) == []
