"""An approved 履行延期の特約 on the ledger's late charges (地方自治法施行令171条の6):
what accrued before the agreement is kept, nothing grows on the portions not yet due,
and a portion paid late is charged from the day after its new due date. Through real
decisions and payments (saiken.ledger.actions.record_payment fixes the charge).

- 奨学金貸付金 (scholarship_loan, private; 遅延損害金 at the statutory 3%, no agreed
  rate; allocation costs → damages → principal, 民法489条): 120,000円 due 2024-04-30,
  特約 from 2024-07-01: 60,000円 on 2024-07-31 and 60,000円 on 2024-08-30.
- ひまわりクラブ利用料 (after_school_club, non-forcible public, ordinance 延滞金 on the tax
  model; principal first): 100,000円 due 2023-05-31, 特約 from 2023-10-01: 50,000円 on
  2023-10-31 and 50,000円 on 2023-11-30.
"""

from datetime import date

import pytest

from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component
from saiken.ledger.actions import record_payment
from saiken.ledger.late_charges import Context, accrued_late_charges

from .conftest import assess, granted

pytestmark = pytest.mark.django_db


def fixed(i) -> list[int]:
    return list(i.entries.filter(component=Component.LATE_CHARGE.value, kind="assessment").order_by("id").values_list("amount", flat=True))


def accrued(i, on):
    return accrued_late_charges([type(i).objects.get(pk=i.pk)], on)[i.pk]


@pytest.fixture
def loan(taro, clerk, manager):
    r = ReceivableType.objects.get(code="scholarship_loan")
    i = assess(taro, r, 120_000, fy=2024, no=1, due=date(2024, 4, 30))
    granted(clerk, manager, taro, "performance_deferral", [i], "without_means", date(2024, 7, 1),
            schedule=[(date(2024, 7, 31), 60_000), (date(2024, 8, 30), 60_000)])
    return r, i


def test_private_damages_stop_growing_from_the_agreement(loan):
    _, i = loan
    # 5/1–6/30, 61 days on 120,000 at 3%: 601円, kept; nothing more while the portions are not due.
    assert accrued(i, date(2024, 6, 30)).amount == 601
    assert accrued(i, date(2024, 7, 31)).amount == 601
    # The first portion unpaid: from 8/1 on its 60,000 (10 days: 49円).
    assert accrued(i, date(2024, 8, 10)).amount == 601 + 49


def test_private_payments_fix_only_what_the_law_allows(loan, taro):
    r, i = loan
    # The first payment meets the damages accrued first (民法489条): 601円 fixed, 59,399 on principal.
    record_payment(debtor=taro, receivable=r, amount=60_000, paid_on=date(2024, 7, 31), instalment=i)
    i.refresh_from_db()
    assert fixed(i) == [601] and i.principal_due == 60_601
    # 601 of the first portion's principal is now late: 8/1–8/30 on 601円 (30 days: 1円).
    # The second portion, paid 10 days late on 9/9, is charged from 8/31 (10 days on 60,000: 49円).
    record_payment(debtor=taro, receivable=r, amount=60_651, paid_on=date(2024, 9, 9), instalment=i)
    i.refresh_from_db()
    assert fixed(i) == [601, 50]
    assert (i.principal_due, i.late_charge_due) == (0, 0)


@pytest.fixture
def club(taro, clerk, manager):
    r = ReceivableType.objects.get(code="after_school_club")
    i = assess(taro, r, 100_000, fy=2023, no=1, due=date(2023, 5, 31))
    d = granted(clerk, manager, taro, "performance_deferral", [i], "favourable", date(2023, 10, 1),
                schedule=[(date(2023, 10, 31), 50_000), (date(2023, 11, 30), 50_000)])
    return r, i, d


def test_public_charge_keeps_what_accrued_and_charges_a_late_portion(club, taro):
    r, i, _ = club
    # 6/1–6/30 at 2.4% (197円) and 7/1–9/30 at 8.7% (2,192円) before the agreement: kept.
    assert accrued(i, date(2023, 10, 31)).raw_total == 197 + 2_192
    # Were the first portion left unpaid: 11/1–11/30 on its 50,000 at 8.7% (357円).
    assert accrued(i, date(2023, 11, 30)).raw_total == 197 + 2_192 + 357
    record_payment(debtor=taro, receivable=r, amount=50_000, paid_on=date(2023, 10, 31), instalment=i)
    # The second portion 15 days late: 12/1–12/15 on 50,000 at 8.7% (178円); 2,567 → 2,500.
    record_payment(debtor=taro, receivable=r, amount=50_000, paid_on=date(2023, 12, 15), instalment=i)
    i.refresh_from_db()
    assert fixed(i) == [2_500]


def test_the_context_gives_the_principal_portions(club):
    _, i, _ = club
    ctx = Context.load([i.pk])
    assert [(d.start, d.portions) for d in ctx.principal_deferrals(i.pk, i.receivable)] == [
        (date(2023, 10, 1), ((date(2023, 10, 31), 50_000), (date(2023, 11, 30), 50_000))),
    ]


def test_an_ended_agreement_makes_the_rest_late_from_the_day_after_its_end(club, manager):
    from saiken.relief import actions

    _, i, d = club
    actions.end_relief(d, manager, date(2023, 10, 15), "不履行")
    # Everything due 10/15: 10/16–10/31 (16 days) on 100,000 at 8.7% = 381円 on top.
    assert accrued(i, date(2023, 10, 31)).raw_total == 197 + 2_192 + 381
