"""Two clerks posting to the same instalment at the same moment lose neither payment.

Each pays 6,000 on a 10,000 instalment: only if the second waits for the first
does it see 4,000 owing and hold the other 2,000 as 過誤納金.
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from saiken.ledger import actions
from saiken.ledger.models import Instalment, Payment
from saiken.ledger.verify import balance_differences, summary_differences

# serialized_rollback: the flush after each test would drop the receivables loaded by migration.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrent connections")
def test_simultaneous_payments_both_count(taro, city_tax):
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=1,
                       nominal_due=date(2025, 6, 30), amount=10_000, assessed_on=date(2025, 6, 1))
    barrier = threading.Barrier(2)
    errors = []

    def clerk(n):
        try:
            barrier.wait()
            actions.record_payment(debtor=taro, receivable=city_tax, amount=6_000, paid_on=date(2025, 6, 20), reference=f"clerk-{n}")
        except Exception as e:  # surfaced below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    i.refresh_from_db()
    assert (i.principal_due, i.overpaid) == (0, 2_000)
    assert Payment.objects.count() == 2
    assert list(balance_differences()) == [] and list(summary_differences()) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
def test_the_same_reference_posted_at_once_pays_once(taro, city_tax):
    actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=1,
                   nominal_due=date(2025, 6, 30), amount=10_000, assessed_on=date(2025, 6, 1))
    barrier = threading.Barrier(2)
    outcomes = []

    def clerk():
        try:
            barrier.wait()
            actions.record_payment(debtor=taro, receivable=city_tax, amount=3_000, paid_on=date(2025, 6, 20), reference="same-record")
            outcomes.append("posted")
        except Exception as e:
            outcomes.append(type(e).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["DuplicatePayment", "posted"]
    assert Instalment.objects.get().principal_due == 7_000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
def test_two_clerks_at_once_both_count_in_the_summaries(taro, hanako, city_tax):
    """Two payments on different instalments, same receivable, year, day and channel: the
    same summary rows, bumped by two transactions at once; neither increment is lost."""
    from saiken.ledger.models import DailySummary, PaymentSummary
    from saiken.ledger.verify import CHECKS

    for who in (taro, hanako):
        actions.assess(debtor=who, receivable=city_tax, fiscal_year=2025, instalment_no=1,
                       nominal_due=date(2025, 6, 30), amount=10_000, assessed_on=date(2025, 6, 1))
    barrier = threading.Barrier(2)
    errors = []

    def clerk(who, amount):
        try:
            barrier.wait()
            actions.record_payment(debtor=who, receivable=city_tax, amount=amount, paid_on=date(2025, 6, 20), channel="counter")
        except Exception as e:  # surfaced below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=args) for args in ((taro, 4_000), (hanako, 5_000))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    day = DailySummary.objects.get(receivable=city_tax, debt_fiscal_year=2025, settlement_year=2025, day=date(2025, 6, 20))
    assert day.collected == 9_000
    channel = PaymentSummary.objects.get(receivable=city_tax, fiscal_year=2025, channel="counter")
    assert (channel.payments, channel.amount) == (2, 9_000)
    assert all(list(check()) == [] for check in CHECKS.values())
