"""insert_rows writes what it is given, exactly, on both databases (COPY on PostgreSQL
from 100 rows), with the ids in the order of the rows even when it inserts them
sorted by another column."""

from datetime import date

import pytest

from saiken.ledger.actions import assess
from saiken.ledger.booking import COPY_FROM, insert_rows
from saiken.ledger.models import Entry, Payment

pytestmark = pytest.mark.django_db

AWKWARD = ["タブ\tと改行\nと復帰\rと\\バックスラッシュ", "\\N", "", "延滞金確定（2026-11-28納付）", "'引用符' \"二重\""]


@pytest.fixture
def instalments(taro, hanako, city_tax):
    return [
        assess(debtor=who, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 30), amount=10_000, assessed_on=date(2026, 6, 1))
        for who in (taro, hanako)
    ]


def test_text_values_arrive_unchanged(instalments):
    a, b = instalments
    count = COPY_FROM + 20
    rows = [
        (b.pk if n % 2 else a.pk, "increase", "principal", n + 1, date(2026, 7, 1), None, None, "", AWKWARD[n % len(AWKWARD)], None, 2026)
        for n in range(count)
    ]
    fields = ("instalment_id", "kind", "component", "amount", "booked_on", "payment_id", "counterpart_id", "reason", "memo", "created_by_id", "settlement_year")
    ids, created_at = insert_rows(Entry, fields, rows, cluster="instalment_id")
    assert len(ids) == count and len(set(ids)) == count
    got = {e.pk: e for e in Entry.objects.filter(pk__in=ids)}
    for pk, row in zip(ids, rows):  # each id is the row it was returned for
        e = got[pk]
        assert (e.instalment_id, e.amount, e.memo, e.booked_on, e.payment_id) == (row[0], row[3], row[8], row[4], None)
        assert e.created_at == created_at


def test_a_json_value_must_arrive_dumped(instalments, taro, city_tax):
    rows = [(taro.pk, city_tax.pk, 1000, date(2026, 7, 1), date(2026, 7, 1), "bank", {"not": "text"}, None)] * (COPY_FROM + 1)
    fields = ("debtor_id", "receivable_id", "amount", "paid_on", "booked_on", "channel", "reference", "created_by_id")
    with pytest.raises(Exception):
        insert_rows(Payment, fields, rows)
