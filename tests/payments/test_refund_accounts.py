"""Refund accounts are checked when the refund is decided, and one bad refund never
blocks the others' 総合振込 file (全銀 種別21: 預金種目 1 普通, 2 当座, 4 貯蓄, 9 その他).

Cast (tests/payments/test_access.py): taro overpaid his city tax by 38,000円; the tax clerk
(nozei) decides the refund.
"""

from datetime import date

import pytest

from saiken.audit.models import AuditEvent
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.payments import actions
from saiken.payments.models import DirectDebitMandate, Refund
from tests.payments.test_access import ACCOUNT, documents, overpaid, tax, users  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_refund_to_a_tax_reserve_account_is_refused_and_books_nothing(users, overpaid):
    with pytest.raises(LedgerError) as e:
        actions.decide_refund(overpaid, on=date(2026, 6, 1), user=users["nozei"], account_type="3", **ACCOUNT)
    assert e.value.field == "account_type" and "振り込めません" in e.value.message
    overpaid.refresh_from_db()
    assert overpaid.overpaid == 38_000 and not Refund.objects.exists()


def test_the_debit_mandates_tax_reserve_account_is_not_used_for_a_refund(users, overpaid):
    DirectDebitMandate.objects.create(debtor_id=overpaid.debtor_id, receivable_id=overpaid.receivable_id, bank_code="0001", branch_code="001",
                                      account_type="3", account_number="1234567", holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ", valid_from=date(2026, 4, 1))
    with pytest.raises(LedgerError, match="振込先口座を入力してください"):
        actions.decide_refund(overpaid, on=date(2026, 6, 1), user=users["nozei"])
    assert not Refund.objects.exists()


@pytest.mark.parametrize("kind", ["1", "2", "4", "9"])
def test_the_transfer_account_types_are_taken(users, overpaid, kind):
    refund = actions.decide_refund(overpaid, amount=1_000, on=date(2026, 6, 1), user=users["nozei"], account_type=kind, **ACCOUNT)
    assert refund.account_type == kind


def test_one_bad_refund_is_held_and_the_others_are_paid(users, overpaid):
    good = actions.decide_refund(overpaid, amount=30_000, on=date(2026, 6, 1), user=users["nozei"], **ACCOUNT)
    bad = actions.decide_refund(overpaid, amount=8_000, on=date(2026, 6, 1), user=users["nozei"], **ACCOUNT)
    Refund.objects.filter(pk=bad.pk).update(account_type="3")  # decided before the check existed
    made = actions.export_refunds(transfer_date=date(2026, 6, 10), user=users["nozei"])
    assert (made.count, made.total) == (1, 30_000) and [pk for pk, _ in made.held] == [bad.pk]
    assert "預金種目" in made.held[0][1]
    good.refresh_from_db(), bad.refresh_from_db()
    assert (good.status, bad.status, bad.transfer_file) == ("sent", "requested", "")
    assert AuditEvent.objects.filter(action="payments.refund_held", target_id=bad.pk).exists()
    assert Instalment.objects.get(pk=overpaid.pk).overpaid == 0  # both were booked when decided; the held one waits for a correction
    # Corrected, it goes into the next file alone.
    Refund.objects.filter(pk=bad.pk).update(account_type="1")
    again = actions.export_refunds(transfer_date=date(2026, 6, 11), user=users["nozei"])
    assert (again.count, again.total, again.held) == (1, 8_000, [])


def test_only_bad_refunds_make_no_file(users, overpaid):
    bad = actions.decide_refund(overpaid, on=date(2026, 6, 1), user=users["nozei"], **ACCOUNT)
    Refund.objects.filter(pk=bad.pk).update(account_type="3")
    made = actions.export_refunds(transfer_date=date(2026, 6, 10), user=users["nozei"])
    assert made.path is None and made.count == 0 and [pk for pk, _ in made.held] == [bad.pk]


def test_the_screen_names_the_held_refund(client, users, overpaid):
    from django.urls import reverse

    bad = actions.decide_refund(overpaid, on=date(2026, 6, 1), user=users["nozei"], **ACCOUNT)
    Refund.objects.filter(pk=bad.pk).update(account_type="3")
    client.force_login(users["nozei"])
    html = client.post(reverse("payment_refund_file"), {"transfer_date": "2026-06-10"}, follow=True).content.decode()
    assert f"還付 {bad.pk} は振込データに含めていません" in html and "預金種目" in html
