"""Any sequence of ledger actions leaves the cached balances and the summary equal
to what the entries recompute to — including sequences where actions are refused."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saiken.ledger import actions
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment, Payment
from saiken.ledger.verify import balance_differences, payment_differences, reversal_differences, summary_differences

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=-100, max_value=30_000)
days = st.integers(min_value=0, max_value=1_100)  # three years from 2024-04-01: crosses two fiscal-year changes
pick = st.integers(min_value=0, max_value=50)

action = st.one_of(
    st.tuples(st.just("assess"), amounts, pick, days),
    st.tuples(st.just("pay"), amounts, pick, days),
    st.tuples(st.just("pay_any"), amounts, pick, days),
    st.tuples(st.just("correct"), amounts, pick, days),
    st.tuples(st.just("refund"), amounts, pick, days),
    st.tuples(st.just("transfer"), amounts, pick, days),
    st.tuples(st.just("write_off"), amounts, pick, days),
    st.tuples(st.just("reverse"), amounts, pick, days),
)

START = date(2024, 4, 1)


def run(step, debtors, receivables):
    name, amount, k, day = step
    on = START + timedelta(days=day)
    debtor = debtors[k % len(debtors)]
    receivable = receivables[k % len(receivables)]
    mine = list(Instalment.objects.filter(debtor=debtor).order_by("id"))
    inst = mine[k % len(mine)] if mine else None
    if name == "assess":
        fy = 2024 + (k % 3)
        actions.assess(debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=1 + k % 4,
                       nominal_due=date(fy, 4 + k % 9, 28), amount=amount, assessed_on=date(fy, 4, 1))
    elif inst is None:
        return
    elif name == "pay":
        actions.record_payment(debtor=debtor, receivable=inst.receivable, amount=amount, paid_on=on, instalment=inst)
    elif name == "pay_any":
        actions.record_payment(debtor=debtor, receivable=inst.receivable, amount=amount, paid_on=on)
    elif name == "correct":
        actions.correct_assessment(instalment=inst, delta=amount, booked_on=on, reason="更正")
    elif name == "refund":
        actions.refund(instalment=inst, amount=amount, booked_on=on)
    elif name == "transfer":
        actions.transfer(source=inst, target=mine[(k + 1) % len(mine)], amount=amount, booked_on=on)
    elif name == "write_off":
        actions.write_off(instalment=inst, booked_on=on, reason="prescription")
    elif name == "reverse":
        payments = list(Payment.objects.filter(debtor=debtor).order_by("id"))
        if payments:
            p = payments[k % len(payments)]
            actions.reverse_payment(payment=p, booked_on=max(on, p.booked_on), reason="誤消込")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(action, min_size=1, max_size=25))
def test_caches_always_equal_the_entries(steps, taro, hanako, city_tax, housing):
    with transaction.atomic():
        for step in steps:
            try:
                run(step, [taro, hanako], [city_tax, housing])
            except LedgerError:
                pass  # a refused action must leave nothing behind: checked below
        assert list(balance_differences()) == []
        assert list(summary_differences()) == []
        assert list(payment_differences()) == []
        assert list(reversal_differences()) == []
        transaction.set_rollback(True)
