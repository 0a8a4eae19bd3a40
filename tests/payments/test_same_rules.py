"""The same payment gives the same entries whichever way it comes in: at the counter
(saiken.ledger.actions.record_payment naming the instalment), through the reconciliation
queue (saiken.payments.actions.resolve) or in a bank or store file (saiken.ledger.bulk.
post_payments) — principal, late charge fixed, overpayment, on a public claim (principal
first, 延滞金) and a private one (damages first, 民法489条)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from saiken.ledger.actions import assess, record_payment
from saiken.ledger.bulk import PaymentRequest, post_payments
from saiken.ledger.models import Entry, Payment
from saiken.payments import actions as payments
from saiken.payments.models import PaymentImport, ReceivedPayment

pytestmark = pytest.mark.django_db

payment = st.tuples(
    st.integers(min_value=0, max_value=1),  # which instalment
    st.integers(min_value=1, max_value=90_000),  # yen
    st.integers(min_value=0, max_value=600),  # days after 2025-06-01
)


def counter(instalments, paid, _user):
    for k, yen, on in paid:
        i = instalments[k]
        record_payment(debtor=i.debtor, receivable=i.receivable, amount=yen, paid_on=on, instalment=i, channel="counter")


def queue(instalments, paid, user):
    batch = PaymentImport.objects.create(format="csv", filename="x.csv", sha256="0" * 64, status="posted")
    for n, (k, yen, on) in enumerate(paid, start=1):
        r = ReceivedPayment.objects.create(import_batch=batch, line=n, format="csv", key=f"k{n}", key_hash=n, status="unmatched",
                                           amount=yen, paid_on=on, booked_on=on, channel="bank")
        payments.resolve(r, instalments[k], user=user)


def file(instalments, paid, _user):
    post_payments([PaymentRequest(instalment_id=instalments[k].pk, amount=yen, paid_on=on, booked_on=on, channel="convenience")
                   for k, yen, on in paid])


def entries_after(path, receivable, taro, paid, user) -> list[tuple]:
    with transaction.atomic():
        instalments = [
            assess(debtor=taro, receivable=receivable, fiscal_year=2025, instalment_no=no, nominal_due=due, amount=yen, assessed_on=date(2025, 5, 1))
            for no, (due, yen) in enumerate([(date(2025, 6, 30), 48_000), (date(2025, 8, 31), 30_500)], start=1)
        ]
        path(instalments, paid, user)
        index = {i.pk: n for n, i in enumerate(instalments)}
        out = sorted(
            (index[iid], kind, component, amount, booked_on, memo, p_amount, p_paid)
            for iid, kind, component, amount, booked_on, memo, p_amount, p_paid in Entry.objects.exclude(kind="assessment", component="principal")
            .order_by("id").values_list("instalment_id", "kind", "component", "amount", "booked_on", "memo", "payment__amount", "payment__paid_on")
        )  # the file path writes a batch's entries grouped by instalment: compare them as a set
        assert Payment.objects.count() == len(paid)
        transaction.set_rollback(True)
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paid=st.lists(payment, min_size=1, max_size=6), private=st.booleans())
# A part paid on time and the rest late in one file: the file path once fixed no charge.
@example(paid=[(0, 1, 0), (0, 47_999, 141)], private=False)
# An overpayment: the file path once wrote no 過納 memo.
@example(paid=[(0, 48_001, 0)], private=False)
def test_every_path_books_the_same_entries(paid, private, taro, city_tax, housing):
    user = get_user_model().objects.filter(username="same-rules").first() or get_user_model().objects.create_superuser("same-rules", password="x")
    paid = [(k, yen, date(2025, 6, 1) + timedelta(days=d)) for k, yen, d in paid]
    receivable = housing if private else city_tax
    at_counter = entries_after(counter, receivable, taro, paid, user)
    assert at_counter, "a payment books entries"
    assert entries_after(queue, receivable, taro, paid, user) == at_counter
    assert entries_after(file, receivable, taro, paid, user) == at_counter
