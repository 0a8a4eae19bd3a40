"""A real browser (Debian's Chromium, driven by Playwright): a tax clerk takes a counter
payment (窓口収納) covering two overdue instalments and their late charges, sees the split
before posting, posts, downloads the 領収書 PDF, and finds the day's close (日計表) balanced;
the payment is cancelled through a manager, the close still balances, and the clerk
reissues a 納付書 with a barcode for what is owed again."""

from datetime import date

from django.db import connections
from django.utils import timezone

from saiken.catalog.models import ReceivableType
from saiken.core.conveni import parse_barcode
from saiken.debtors.actions import register_debtor
from saiken.ledger import actions
from saiken.ledger.models import Payment
from saiken.payments import counter
from saiken.payments.models import CounterReceipt
from saiken.slips.models import PaymentSlip
from tests.conftest import staff
from tests.test_browser import browser, csp_violations, log_in, pytestmark  # noqa: F401 (the fixture and the marks)


def test_a_clerk_takes_a_counter_payment_and_closes_the_day(live_server, browser, django_user_model, settings, tmp_path):  # noqa: F811
    settings.SAIKEN_DOCUMENT_DIR = tmp_path / "documents"
    try:
        walk(live_server, browser, django_user_model, tmp_path)
    finally:
        connections.close_all()  # see tests/test_browser.py


def walk(live_server, browser, django_user_model, tmp_path):
    clerk = staff(django_user_model.objects.create_user("nozei", password="pass-1234"), "clerk", "nozei")
    city_tax = ReceivableType.objects.get(code="city_tax")
    taro = register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区")
    today = timezone.localdate()
    fy = today.year - 1  # last fiscal year's instalments: overdue by months, well within prescription
    first = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=fy, instalment_no=1, nominal_due=date(fy, 6, 30),
                           amount=56_400, assessed_on=date(fy, 6, 1))
    second = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=fy, instalment_no=2, nominal_due=date(fy, 8, 31),
                            amount=56_400, assessed_on=date(fy, 6, 1))
    settle = counter.amount_to_settle([first, second], today)
    late = settle[first.pk] - 56_400, settle[second.pk] - 56_400
    assert all(late), "both instalments carry a late charge to today"
    total = sum(settle.values())

    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    refused = csp_violations(page)
    log_in(page, f"{live_server.url}/login/", "nozei")

    page.goto(f"{live_server.url}/debtors/{taro.pk}/")
    page.click("#counter-link")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "窓口収納" in body and f"{late[0]:,}" in body and f"{late[1]:,}" in body  # the late charge to today, per instalment
    page.check(f"#inst-{first.pk}")
    page.check(f"#inst-{second.pk}")
    page.fill("#tendered", "200000")
    page.click("#counter-confirm")  # the amount left blank: the ticked instalments in full
    page.wait_for_load_state()
    preview = page.inner_text("#counter-preview")
    assert f"{total:,}円" in preview and "56,400" in preview and f"{late[0]:,}" in preview and f"{late[1]:,}" in preview
    assert f"{200_000 - total:,}" in page.inner_text("#counter-change")
    assert Payment.objects.count() == 0  # nothing posted before the clerk confirms

    page.click("#counter-post")
    page.wait_for_load_state()
    receipt = CounterReceipt.objects.get()
    assert receipt.payment.amount == total and receipt.change == 200_000 - total
    assert receipt.number in page.inner_text("#receipt-number")
    assert f"{200_000 - total:,}" in page.inner_text("#receipt-change")

    with page.expect_download() as download:
        page.click("#receipt-pdf-a4")
    saved = tmp_path / "receipt.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    page.goto(f"{live_server.url}/payments/counter-close/")
    table = page.inner_text("#close")
    assert "nozei" in table and "現金" in table and f"{total:,}" in table and "不一致" not in table
    assert page.inner_text("#close-result") == "一致"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert clerk.pk == receipt.clerk_id

    # The payment was taken in error: the clerk asks for its cancellation from the receipt,
    # and a manager (not the clerk) approves it; the ledger gets reversing entries.
    page.goto(f"{live_server.url}/payments/receipts/{receipt.pk}/")
    page.click("#receipt-cancel")
    page.wait_for_load_state()
    page.fill("#reason", "金額の打ち間違い（全額返金済）")
    page.click("button[name=submit]")
    page.wait_for_load_state()
    assert "承認待ち" in page.inner_text("body")
    first.refresh_from_db()
    assert first.principal_due == 0  # nothing reversed before the approval

    staff(django_user_model.objects.create_user("nozei-kacho", password="pass-1234"), "manager", "nozei")
    manager = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    refused_by_manager = csp_violations(manager)
    log_in(manager, f"{live_server.url}/login/", "nozei-kacho")
    manager.goto(f"{live_server.url}/payments/corrections/")
    manager.click("#waiting a")
    manager.wait_for_load_state()
    assert "金額の打ち間違い" in manager.inner_text("body")
    manager.click("button[name=approve]")
    manager.wait_for_load_state()
    assert "承認済" in manager.inner_text("body")
    for i in (first, second):
        i.refresh_from_db()
        assert (i.principal_due, i.late_charge_due) == (56_400, 0)  # owed again; the charge is only accrued again

    # The day's close shows the receipt and its cancellation, and still balances.
    page.goto(f"{live_server.url}/payments/counter-close/")
    table = page.inner_text("#close")
    assert "取消" in table and f"-{total:,}" in table.replace("−", "-") and "不一致" not in table
    assert page.inner_text("#close-result") == "一致"

    # The person will pay at a store instead: the clerk reissues a 納付書 for both
    # instalments, with the late charge to the slip's day and a fresh barcode.
    page.goto(f"{live_server.url}/debtors/{taro.pk}/")
    page.click("#slip-link")
    page.wait_for_load_state()
    page.check(f"#slip-inst-{first.pk}")
    page.check(f"#slip-inst-{second.pk}")
    page.click("#slip-preview")
    page.wait_for_load_state()
    page.click("#slip-issue")
    page.wait_for_load_state()
    slip = PaymentSlip.objects.get()
    assert slip.total == total and slip.barcode  # the same two instalments and charges, payable at a store
    assert parse_barcode(slip.barcode).amount == total
    with page.expect_download() as d:
        page.click("#slip-download")
    assert d.value.path().read_bytes().startswith(b"%PDF")
    assert refused == [] and refused_by_manager == []
