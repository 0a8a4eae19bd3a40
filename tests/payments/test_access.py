"""Who may import, reconcile and refund (saiken.staff.policy), through the actions and the
screens, and a refund file served only from the document directory.

Cast: taro owes a 市税 instalment of 12,300円 (納税課, a tax) and hanako a 保育料
instalment of 20,000円 (保育課). nozei is a tax clerk, hoiku a nursery clerk, iinkai a
committee member, demo the administrator (superuser), as in the demo city.
"""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saiken.audit.models import AuditEvent
from saiken.core.conveni import SLIP_INSTALMENT
from saiken.documents import store
from saiken.ledger.actions import assess, record_payment
from saiken.payments import actions
from saiken.payments.imports import import_payments, preview
from saiken.payments.models import PaymentImport, ReceivedPayment, Refund
from saiken.staff.policy import Refused
from tests.conftest import staff
from tests.payments.test_conveni_import import csv_file, row, slip

pytestmark = pytest.mark.django_db
ACCOUNT = dict(bank_code="0001", branch_code="001", account_number="7654321", holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ")


@pytest.fixture(autouse=True)
def documents(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path / "documents"
    return settings.SAIKEN_DOCUMENT_DIR


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "nozei": staff(make("nozei"), "clerk", "nozei"),
        "hoiku": staff(make("hoiku"), "clerk", "hoiku"),
        "iinkai": staff(make("iinkai"), "committee"),
        "demo": django_user_model.objects.create_superuser("demo", password="x"),
    }


@pytest.fixture
def tax(taro, city_tax):
    return assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=12_300, assessed_on=date(2026, 4, 10))


@pytest.fixture
def fee(hanako, nursery_fee):
    return assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 31), amount=20_000, assessed_on=date(2026, 4, 10))


def store_file(tax, fee):
    """A store's final file: one slip pays the tax instalment, one the nursery fee."""
    return csv_file(row("02", slip(SLIP_INSTALMENT, tax.pk, 12_300), 12_300), row("02", slip(SLIP_INSTALMENT, fee.pk, 20_000), 20_000, store="000456"))


def as_user(client, user):
    client.force_login(user)
    return client


def upload(client, data):
    return client.post(reverse("payment_imports"), {"file": SimpleUploadedFile("kakuho.csv", data), "format": "conveni", "mapping": "", "debit_date": ""})


def confirm(client, sha):
    return client.post(reverse("payment_confirm"), {"sha": sha, "format": "conveni", "filename": "kakuho.csv", "mapping": "", "debit_date": ""}, follow=True)


# --- imports -------------------------------------------------------------------------


def test_a_nursery_clerks_store_file_pays_no_tax_instalment(client, users, tax, fee):
    """The reproduction: hoiku uploaded and confirmed a store file that paid a tax instalment.
    Now her file pays the nursery fee, and the tax record waits for the tax department."""
    c = as_user(client, users["hoiku"])
    page = upload(c, store_file(tax, fee))
    assert page.status_code == 200 and "所管外の債権（市税）" in page.content.decode()
    assert PaymentImport.objects.count() == 0
    assert "2件を取り込みました（消込 1件、未消込 1件）" in confirm(c, page.context["sha"]).content.decode()
    tax.refresh_from_db()
    fee.refresh_from_db()
    assert (tax.principal_due, fee.principal_due) == (12_300, 0)
    waiting = ReceivedPayment.objects.get(status="unmatched")
    assert (waiting.amount, waiting.instalment_id, waiting.payment_id) == (12_300, tax.pk, None) and "所管外" in waiting.reason
    # The nursery clerk's queue does not list it, nor may she set it aside ...
    assert list(c.get(reverse("payment_queue")).context["page"]) == []
    assert c.post(reverse("payment_resolve", args=[waiting.pk]), {"dismiss": "1", "reason": "対象外"}).status_code == 403
    with pytest.raises(Refused):
        actions.dismiss(waiting, reason="対象外", user=users["hoiku"])
    # ... the tax clerk's lists it, and she posts it.
    listed = as_user(client, users["nozei"]).get(reverse("payment_queue"))
    assert list(listed.context["page"]) == [waiting] and f"調定 {tax.pk}" in listed.content.decode()
    actions.resolve(waiting, tax, confirmed_debtor=tax.debtor_id, user=users["nozei"])
    tax.refresh_from_db()
    assert tax.principal_due == 0


def test_the_same_rule_in_the_action(users, tax, fee):
    batch = import_payments(store_file(tax, fee), format="conveni", filename="kakuho.csv", user=users["nozei"])
    assert (batch.posted, batch.unmatched) == (1, 1)
    tax.refresh_from_db()
    fee.refresh_from_db()
    assert (tax.principal_due, fee.principal_due) == (0, 20_000)


def test_the_administrator_imports_for_every_department(users, tax, fee):
    batch = import_payments(store_file(tax, fee), format="conveni", filename="kakuho.csv", user=users["demo"])
    assert (batch.posted, batch.unmatched) == (2, 0)


def test_no_anonymous_import_and_the_command_runs_as_a_named_user(users, tax, fee, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(Refused, match="ログインしている職員だけ"):
        import_payments(store_file(tax, fee), format="conveni", filename="kakuho.csv")
    path = tmp_path / "kakuho.csv"
    path.write_bytes(store_file(tax, fee))
    with pytest.raises(CommandError, match="権限がありません"):
        call_command("import_payments", str(path), "--format", "conveni", "--user", "iinkai")
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("import_payments", str(path), "--format", "conveni", "--user", "nobody")
    assert PaymentImport.objects.count() == 0
    call_command("import_payments", str(path), "--format", "conveni", "--user", "hoiku")
    assert PaymentImport.objects.get().imported_by == users["hoiku"]
    fee.refresh_from_db()
    tax.refresh_from_db()
    assert (fee.principal_due, tax.principal_due) == (0, 12_300)


def test_a_committee_member_may_not_import(client, users, tax, fee):
    with pytest.raises(Refused, match="収納データの取込を行う権限がありません"):
        import_payments(store_file(tax, fee), format="conveni", filename="kakuho.csv", user=users["iinkai"])
    with pytest.raises(Refused):
        preview(store_file(tax, fee), format="conveni", filename="kakuho.csv", user=users["iinkai"])
    c = as_user(client, users["iinkai"])
    refused = c.get(reverse("payment_imports"))
    assert refused.status_code == 403 and "収納データの取込を行う権限がありません" in refused.content.decode()
    assert upload(c, store_file(tax, fee)).status_code == 403
    assert confirm(c, "0" * 64).status_code == 403
    assert PaymentImport.objects.count() == 0 and ReceivedPayment.objects.count() == 0
    tax.refresh_from_db()
    assert tax.principal_due == 12_300


# --- the reconciliation queue -----------------------------------------------------------


@pytest.fixture
def unmatched(users, tax):
    import_payments(csv_file(row("02", slip(SLIP_INSTALMENT, 999_999, 12_300), 12_300)), format="conveni", filename="x.csv", user=users["demo"])
    return ReceivedPayment.objects.get()


def test_a_committee_member_may_not_post_from_the_queue(client, users, tax, unmatched):
    """The reproduction: iinkai posted an unmatched payment to a city-tax instalment."""
    with pytest.raises(Refused):
        actions.resolve(unmatched, tax, confirmed_debtor=tax.debtor_id, user=users["iinkai"])
    c = as_user(client, users["iinkai"])
    assert c.get(reverse("payment_queue")).status_code == 403
    assert c.post(reverse("payment_resolve", args=[unmatched.pk]), {"target": str(tax.pk)}).status_code == 403
    assert c.post(reverse("payment_resolve", args=[unmatched.pk]), {"dismiss": "1", "reason": "x"}).status_code == 403
    unmatched.refresh_from_db()
    tax.refresh_from_db()
    assert (unmatched.status, tax.principal_due) == ("unmatched", 12_300)
    assert not AuditEvent.objects.filter(action__in=["payments.resolve", "payments.dismiss"]).exists()


def test_a_nursery_clerk_may_not_post_to_a_tax_instalment(client, users, tax, unmatched):
    with pytest.raises(Refused, match="所管課（財務部 納税課）"):
        actions.resolve(unmatched, tax, confirmed_debtor=tax.debtor_id, user=users["hoiku"])
    c = as_user(client, users["hoiku"])
    assert c.get(reverse("payment_queue")).status_code == 200
    refused = c.post(reverse("payment_resolve", args=[unmatched.pk]), {"target": str(tax.pk)})
    assert refused.status_code == 403 and "所管課（財務部 納税課）" in refused.content.decode()
    unmatched.refresh_from_db()
    assert unmatched.status == "unmatched"


def test_the_tax_clerk_posts_it(client, users, tax, unmatched):
    c = as_user(client, users["nozei"])
    shown = c.post(reverse("payment_resolve", args=[unmatched.pk]), {"target": str(tax.pk)})  # the confirmation step
    assert shown.status_code == 200 and 'id="confirm-person"' in shown.content.decode()
    c.post(reverse("payment_resolve", args=[unmatched.pk]), {"action": "confirm", "instalment": str(tax.pk), "confirmed_debtor": str(tax.debtor_id)})
    unmatched.refresh_from_db()
    tax.refresh_from_db()
    assert (unmatched.status, tax.principal_due) == ("resolved", 0)


# --- refunds --------------------------------------------------------------------------


@pytest.fixture
def overpaid(taro, city_tax, tax):
    record_payment(debtor=taro, receivable=city_tax, amount=50_300, paid_on=date(2026, 4, 20), instalment=tax)
    tax.refresh_from_db()
    assert tax.overpaid == 38_000
    return tax


@pytest.fixture
def sent(users, overpaid):
    refund = actions.decide_refund(overpaid, on=date(2026, 6, 1), user=users["nozei"], **ACCOUNT)
    path, count, total, held = actions.export_refunds(transfer_date=date(2026, 6, 10), user=users["nozei"])
    assert held == []
    refund.refresh_from_db()
    assert (refund.status, count, total) == ("sent", 1, 38_000)
    assert refund.transfer_file == f"bank/{path.name}"  # a generated name, not a path
    assert path.stat().st_mode & 0o777 == 0o600  # account numbers: the service user's only
    return refund


def test_a_committee_member_may_not_touch_a_refund(client, users, overpaid, sent):
    """The reproduction: iinkai downloaded a 総合振込 file, marked a refund returned and generated a file."""
    member = users["iinkai"]
    for act in (
        lambda: actions.refund_file(sent, user=member),
        lambda: actions.refund_returned(sent, on=date(2026, 6, 20), reason="口座解約", user=member),
        lambda: actions.export_refunds(transfer_date=date(2026, 6, 10), user=member),
        lambda: actions.decide_refund(overpaid, on=date(2026, 6, 1), user=member, **ACCOUNT),
        lambda: actions.transfer_overpayment(overpaid, on=date(2026, 6, 1), user=member),
    ):
        with pytest.raises(Refused, match="過誤納金の還付・充当を行う権限がありません"):
            act()
    c = as_user(client, member)
    done = AuditEvent.objects.exclude(action__endswith="refused")  # a refusal may leave its own row, nothing else
    before = done.count()
    refused = c.get(reverse("payment_refund_download", args=[sent.pk]))
    assert refused.status_code == 403 and "過誤納金の還付・充当を行う権限がありません" in refused.content.decode()
    assert AuditEvent.objects.filter(action="access.refused", user=member).exists()  # the attempt is in the log
    assert c.post(reverse("payment_refund_returned", args=[sent.pk]), {"reason": "口座解約"}).status_code == 403
    assert c.post(reverse("payment_refund_file"), {"transfer_date": "2026-06-10"}).status_code == 403
    assert c.get(reverse("payment_overpaid")).status_code == 403
    assert c.post(reverse("payment_settle", args=[overpaid.pk]), {"action": "refund"}).status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent" and Refund.objects.count() == 1 and done.count() == before


def test_a_nursery_clerk_may_not_touch_a_tax_refund(client, users, overpaid, sent):
    hoiku = users["hoiku"]
    with pytest.raises(Refused, match="所管課"):
        actions.refund_file(sent, user=hoiku)
    with pytest.raises(Refused, match="所管課"):
        actions.refund_returned(sent, on=date(2026, 6, 20), reason="口座解約", user=hoiku)
    c = as_user(client, hoiku)
    assert c.get(reverse("payment_refund_download", args=[sent.pk])).status_code == 404
    assert c.post(reverse("payment_refund_returned", args=[sent.pk]), {"reason": "x"}).status_code == 404
    listed = c.get(reverse("payment_overpaid"))
    assert listed.status_code == 200 and list(listed.context["refunds"]) == []
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_a_clerks_refund_file_holds_only_her_departments_refunds(users, overpaid):
    refund = actions.decide_refund(overpaid, on=date(2026, 6, 1), user=users["nozei"], **ACCOUNT)
    assert actions.export_refunds(transfer_date=date(2026, 6, 10), user=users["hoiku"]) is None
    refund.refresh_from_db()
    assert refund.status == "requested"


def test_the_tax_clerk_downloads_and_it_is_audited(client, users, sent):
    c = as_user(client, users["nozei"])
    answer = c.get(reverse("payment_refund_download", args=[sent.pk]))
    assert answer.status_code == 200 and b"".join(answer.streaming_content)[:3] == b"121"
    event = AuditEvent.objects.get(action="payments.download_refunds")
    assert event.user == users["nozei"] and event.detail["refunds"] == [sent.pk]
    assert AuditEvent.objects.filter(action="payments.export_refunds", user=users["nozei"]).exists()
    c.post(reverse("payment_refund_returned", args=[sent.pk]), {"reason": "口座解約"})
    sent.refresh_from_db()
    assert sent.status == "returned"


# --- the file a refund names ------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "/etc/passwd", "bank/../../db.sqlite3", "../db.sqlite3", "bank/refunds-x.txt/../../../etc/passwd",
    "uploads/refunds-1.txt", "bank/debits-20260610-101500.txt", "bank/refunds-missing.txt", "",
])
def test_a_path_outside_the_document_directory_is_refused(client, users, sent, name, tmp_path):
    (tmp_path / "db.sqlite3").write_bytes(b"SQLite format 3\x00 the whole database")
    name = name or str(tmp_path / "db.sqlite3")
    Refund.objects.filter(pk=sent.pk).update(transfer_file=name)
    with pytest.raises(store.NotStored):
        actions.refund_file(sent, user=users["demo"])
    answer = as_user(client, users["demo"]).get(reverse("payment_refund_download", args=[sent.pk]))
    assert answer.status_code == 404 and b"SQLite" not in answer.content


def test_a_link_out_of_the_document_directory_is_refused(users, sent, documents, tmp_path):
    secret = tmp_path / "db.sqlite3"
    secret.write_bytes(b"SQLite format 3")
    (Path(documents) / "bank" / "refunds-link.txt").symlink_to(secret)
    Refund.objects.filter(pk=sent.pk).update(transfer_file="bank/refunds-link.txt")
    with pytest.raises(store.NotStored):
        actions.refund_file(sent, user=users["demo"])


def test_an_older_absolute_name_inside_the_directory_still_downloads(users, sent, documents):
    Refund.objects.filter(pk=sent.pk).update(transfer_file=str(Path(documents) / sent.transfer_file))
    assert actions.refund_file(sent, user=users["nozei"]).name.startswith("refunds-")


# --- the admin ------------------------------------------------------------------------


def test_the_admin_cannot_change_a_refund(client, users, sent):
    """The reproduction: an administrator changed a refund's amount, account and status,
    and set its file path to the database file."""
    c = as_user(client, users["demo"])
    url = reverse("admin:payments_refund_change", args=[sent.pk])
    shown = c.get(url)
    assert shown.status_code == 200 and 'name="amount"' not in shown.content.decode() and "transfer_file" not in shown.content.decode()
    answer = c.post(url, {"amount": "380000", "account_number": "9999999", "status": "requested", "transfer_file": "/etc/passwd"})
    assert answer.status_code == 403
    assert c.get(reverse("admin:payments_refund_add")).status_code == 403
    assert c.post(reverse("admin:payments_refund_delete", args=[sent.pk]), {"post": "yes"}).status_code == 403
    sent.refresh_from_db()
    assert (sent.amount, sent.account_number, sent.status, sent.transfer_file.startswith("bank/refunds-")) == (38_000, "7654321", "sent", True)


def test_a_debit_request_file_asked_by_a_user(users, fee, hanako, nursery_fee, documents):
    from saiken.payments.models import DirectDebitMandate

    DirectDebitMandate.objects.create(debtor=hanako, receivable=nursery_fee, valid_from=date(2026, 4, 1), **ACCOUNT)
    with pytest.raises(Refused):
        actions.export_debits(debit_date=fee.due_date, user=users["iinkai"])
    with pytest.raises(Exception, match="対象はありません"):
        actions.export_debits(debit_date=fee.due_date, user=users["nozei"])  # not a tax mandate
    run = actions.export_debits(debit_date=fee.due_date, user=users["hoiku"])
    assert run.items == 1 and run.filename.startswith("bank/debits-")
    assert (Path(documents) / run.filename).is_file()
