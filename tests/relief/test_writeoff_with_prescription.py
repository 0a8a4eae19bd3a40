"""The write-off run end to end with the real prescription module (no stand-in):
a public claim is written off the day after its prescription completes, and
not the day before; a private one waits for the debtor's invocation.

Cast: taro owes 保育料 (forcible public, 5 years) and 国民健康保険料 (2 years),
both due 2019-05-31 and never paid or demanded; and 市営住宅使用料 (private).
"""

from datetime import date

import pytest

from saiken.ledger.actions import assess
from saiken.ledger.models import Entry
from saiken.prescription.actions import record_event
from saiken.prescription.projection import refresh
from saiken.relief import writeoff
from tests.conftest import operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def nhi(db):
    from saiken.catalog.models import ReceivableType

    return ReceivableType.objects.get(code="national_health_insurance")


def _owe(debtor, receivable, due=date(2019, 5, 31), fy=2019):
    return assess(debtor=debtor, receivable=receivable, fiscal_year=fy, instalment_no=2, nominal_due=due, amount=30_000, assessed_on=date(fy, 4, 15))


def test_two_year_and_five_year_claims(taro, nursery_fee, nhi):
    nursery = _owe(taro, nursery_fee)
    premium = _owe(taro, nhi)
    # 2 years from 2019-06-01 end on 2021-05-31; 5 years on 2024-05-31. The run reads
    # the cache that the nightly `refresh-prescription` keeps.
    refresh(date(2021, 5, 31))
    assert [c[0] for c in writeoff.candidates(date(2021, 5, 31))] == []
    assert [(c[0], c[1]) for c in writeoff.candidates(date(2021, 6, 1))] == [(premium.pk, "prescription")]
    refresh(date(2024, 6, 1))
    result = writeoff.run(date(2024, 6, 1), user=operator())
    assert result.prescription_checked and result.total.count == 2
    reasons = dict(Entry.objects.filter(kind="write_off").values_list("instalment_id", "reason"))
    assert reasons == {nursery.pk: "prescription", premium.pk: "prescription"}
    assert writeoff.run(date(2024, 6, 2), user=operator()).total.count == 0  # nothing twice


def test_a_private_claim_needs_the_debtors_invocation(taro, housing):
    rent = _owe(taro, housing, due=date(2015, 5, 29), fy=2015)  # old law, 5 years for rent
    assert writeoff.candidates(date(2021, 1, 1)) == []
    record_event(instalment=rent, kind="invoked", on=date(2021, 2, 1), today=date(2021, 2, 1))
    assert [(c[0], c[1]) for c in writeoff.candidates(date(2021, 2, 1))] == [(rent.pk, "invoked")]
