"""A received record's links are not database constraints; check-ledger proves them."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saiken.core.conveni import SLIP_INSTALMENT
from saiken.ledger.actions import assess
from saiken.ledger.models import Payment
from saiken.payments.models import ReceivedPayment
from saiken.payments.verify import dangling_links
from tests.payments.test_conveni_import import row, slip, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(hanako, nursery_fee):
    fee = assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 31), amount=20_000, assessed_on=date(2026, 4, 10))
    take(row("02", slip(SLIP_INSTALMENT, fee.pk, 20_000), 20_000))
    return ReceivedPayment.objects.get()


def test_an_import_leaves_no_dangling_link(imported):
    assert imported.payment_id is not None and imported.instalment_id is not None
    assert list(dangling_links()) == []


@pytest.mark.parametrize(("column", "label"), [("instalment_id", "調定"), ("payment_id", "収納"), ("import_batch_id", "取込")])
def test_a_link_to_a_missing_row_is_reported(imported, column, label):
    ReceivedPayment.objects.filter(pk=imported.pk).update(**{column: 987_654})
    found = list(dangling_links())
    assert [(d.field, d.cached) for d in found] == [(label, 987_654)]
    assert f"収納データ {imported.pk}" in str(found[0]) and "存在しません" in str(found[0])
    with pytest.raises(CommandError):
        call_command("check_ledger", stdout=StringIO())


def test_check_ledger_proves_payment_links(imported):
    call_command("check_ledger", stdout=StringIO())  # clean
    Payment.objects.filter(pk=imported.payment_id).update(debtor_id=987_654)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_ledger", stdout=out)
    assert f"収納 {imported.payment_id} の債務者 987654 が存在しません" in out.getvalue()
