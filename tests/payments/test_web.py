"""The payment screens: upload, preview, confirm; the queue; 充当 and 還付.

Cast as in test_conveni_import: hanako owes a 保育料 instalment of 20,000円, and
taro two 市税 instalments; clerk does the work.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.core.conveni import SLIP_INSTALMENT
from saiken.ledger.actions import assess, record_payment
from saiken.payments.models import DirectDebitMandate, PaymentImport, ReceivedPayment, Refund
from tests.payments.test_conveni_import import csv_file, row, slip
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("clerk", last_name="収納", first_name="一郎"))
    client.force_login(user)
    return user


@pytest.fixture
def nursery(hanako, nursery_fee):
    return assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 31), amount=20_000, assessed_on=date(2026, 4, 10))


def upload(client, data, name="kakuho.csv", format="conveni"):
    return client.post(reverse("payment_imports"), {"file": SimpleUploadedFile(name, data), "format": format, "mapping": "", "debit_date": ""})


def test_preview_then_confirm(client, clerk, nursery, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    data = csv_file(row("02", slip(SLIP_INSTALMENT, nursery.pk, 20_000), 20_000))
    page = upload(client, data)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="confirm-import"' in html and f"調定 {nursery.pk}" in html
    assert PaymentImport.objects.count() == 0  # a preview writes nothing
    sha = page.context["sha"]
    done = client.post(reverse("payment_confirm"), {"sha": sha, "format": "conveni", "filename": "kakuho.csv", "mapping": "", "debit_date": ""}, follow=True)
    assert "1件を取り込みました" in done.content.decode()
    nursery.refresh_from_db()
    assert nursery.principal_due == 0
    assert PaymentImport.objects.get().imported_by == clerk


def test_a_bad_file_shows_every_error_with_its_line(client, clerk, nursery, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    good = slip(SLIP_INSTALMENT, nursery.pk, 20_000)
    bad = row("02", good[:-1] + str((int(good[-1]) + 1) % 10), 20_000)  # a check digit that is always wrong
    html = upload(client, csv_file(bad, bad.replace("20260520", "20260230"))).content.decode()
    assert 'id="import-errors"' in html and "チェックデジット" in html
    assert '<td class="num">3</td>' in html


def test_resolving_an_unmatched_record(client, clerk, nursery, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    from saiken.payments.imports import import_payments

    import_payments(csv_file(row("02", slip(SLIP_INSTALMENT, 999_999, 20_000), 20_000)), format="conveni", filename="x.csv", user=operator())
    received = ReceivedPayment.objects.get()
    assert received.reason in client.get(reverse("payment_queue")).content.decode()
    client.post(reverse("payment_resolve", args=[received.pk]), {"target": str(nursery.pk)})  # the confirmation step: nothing posted
    received.refresh_from_db()
    assert received.status == "unmatched"
    confirm = {"action": "confirm", "instalment": str(nursery.pk), "confirmed_debtor": str(nursery.debtor_id)}
    client.post(reverse("payment_resolve", args=[received.pk]), confirm)
    received.refresh_from_db()
    nursery.refresh_from_db()
    assert (received.status, received.instalment_id, nursery.principal_due) == ("resolved", nursery.pk, 0)
    assert AuditEvent.objects.filter(action="payments.resolve", user=clerk).exists()
    again = client.post(reverse("payment_resolve", args=[received.pk]), confirm, follow=True)
    assert "消込できません" in again.content.decode()


def test_overpayment_transferred_then_refunded_to_the_debit_account(client, clerk, hanako, nursery_fee, nursery, settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    second = assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=2, nominal_due=date(2026, 6, 30), amount=5_000, assessed_on=date(2026, 4, 10))
    record_payment(debtor=hanako, receivable=nursery_fee, amount=30_000, paid_on=date(2026, 5, 20), instalment=nursery)
    nursery.refresh_from_db()
    assert nursery.overpaid == 10_000
    client.post(reverse("payment_settle", args=[nursery.pk]), {"action": "transfer"})
    nursery.refresh_from_db()
    second.refresh_from_db()
    assert (nursery.overpaid, second.principal_due) == (5_000, 0)
    DirectDebitMandate.objects.create(debtor=hanako, receivable=nursery_fee, bank_code="0001", branch_code="001", account_number="1234567",
                                      holder_kana="ｻﾄｳ ﾊﾅｺ", valid_from=date(2026, 4, 1))
    client.post(reverse("payment_settle", args=[nursery.pk]), {"action": "refund"})
    refund = Refund.objects.get()
    nursery.refresh_from_db()
    assert (refund.amount, refund.status, nursery.overpaid) == (5_000, "requested", 0)
    client.post(reverse("payment_refund_file"), {"transfer_date": "2026-06-10"})
    refund.refresh_from_db()
    assert refund.status == "sent"
    data = b"".join(client.get(reverse("payment_refund_download", args=[refund.pk])).streaming_content)
    records = data.split(b"\r\n") if b"\r\n" in data else [data[i:i + 120] for i in range(0, len(data), 120)]
    assert records[0][:3] == b"121" and b"\xbb\xc4\xb3 \xca\xc5\xba" in data  # ｻﾄｳ ﾊﾅｺ in Shift_JIS half-width


def test_a_returned_refund_is_held_again(clerk, hanako, nursery_fee, nursery, settings, tmp_path):
    from saiken.ledger.verify import balance_differences, summary_differences
    from saiken.payments import actions

    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    record_payment(debtor=hanako, receivable=nursery_fee, amount=23_000, paid_on=date(2026, 5, 20), instalment=nursery)
    refund = actions.decide_refund(nursery, on=date(2026, 6, 1), bank_code="0001", branch_code="001", account_number="1111111", holder_kana="ｻﾄｳ ﾊﾅｺ", user=clerk)
    with pytest.raises(Exception, match="返戻にできません"):
        actions.refund_returned(refund, on=date(2026, 6, 20), reason="口座解約", user=clerk)
    actions.export_refunds(transfer_date=date(2026, 6, 10), user=clerk)
    actions.refund_returned(refund, on=date(2026, 6, 20), reason="口座解約", user=clerk)
    nursery.refresh_from_db()
    refund.refresh_from_db()
    assert (refund.status, nursery.overpaid) == ("returned", 3_000)
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_codes_are_named_in_japanese():
    from saiken.web.templatetags import saiken_tags as t

    assert (t.record_action("failed_debit"), t.record_action("preliminary")) == ("振替不能", "速報")
    assert t.debit_result("1") == "資金不足（結果コード 1）" and t.debit_result("2") == "取引なし（結果コード 2）"
    assert t.debit_result("7") == "コード表にない結果（結果コード 7）" and t.debit_result(None) == ""
    assert (t.channel("convenience"), t.channel("direct_debit"), t.channel("odd")) == ("コンビニ", "口座振替", "odd")
    assert (t.match_field("customer_number"), t.match_field("納付番号")) == ("顧客番号", "納付番号")
