"""Two demand runs at the same moment, and a payment racing a run (PostgreSQL).

The cast: 30 residents each owing one 市税 instalment due 2026-05-01.
"""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from saiken.debtors.models import Debtor
from saiken.demands.actions import issue_demands
from saiken.demands.models import Demand, DemandLine
from saiken.ledger.actions import assess, record_payment
from tests.conftest import operator

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections and row locks"),
]


@pytest.fixture
def owed(city_tax):
    out = []
    for n in range(30):
        d = Debtor.objects.create(name=f"並行 {n}", name_kana=f"ヘイコウ {n}")
        out.append(assess(debtor=d, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=10_000, assessed_on=date(2026, 4, 1)))
    return out


def _at_once(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as e:  # surfaced below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_runs_at_once_demand_each_instalment_once(owed):
    user = operator()
    errors = _at_once(*(lambda: issue_demands(user=user, as_of=date(2026, 5, 15), chunk=7) for _ in range(2)))
    assert errors == []
    assert DemandLine.objects.count() == 30 and Demand.objects.count() == 30


def test_a_payment_racing_the_run_is_never_demanded_after_it_posts(owed):
    payer = owed[0]
    user = operator()
    errors = _at_once(
        lambda: issue_demands(user=user, as_of=date(2026, 5, 15), chunk=5),
        lambda: record_payment(debtor=payer.debtor, receivable=payer.receivable, amount=10_000, paid_on=date(2026, 5, 14), instalment=payer),
    )
    assert errors == []
    payer.refresh_from_db()
    line = DemandLine.objects.filter(instalment=payer).first()
    # Either the payment came first (no demand) or the demand did (for the amount then owed).
    assert line is None or line.principal == 10_000
    assert payer.principal_due == 0
