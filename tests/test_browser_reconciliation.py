"""A real browser (Debian's Chromium, driven by Playwright) walks a tax clerk through the
reconciliation queue: a bank record with no usable 顧客番号 waits; its page names the
fields in Japanese and suggests taro's instalment by his name and the amount; the clerk
ticks it, reads the confirmation (person and split) and posts."""

from datetime import date

import pytest
from django.db import connections

from saiken.catalog.models import ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.ledger import actions
from saiken.payments.models import PaymentImport, ReceivedPayment
from tests.conftest import staff
from tests.test_browser import browser, csp_violations, log_in, playwright  # noqa: F401 (the fixture and the skip)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_clerk_confirms_the_person_before_a_suggested_match_posts(live_server, browser, django_user_model):  # noqa: F811
    try:
        walk(live_server, browser, django_user_model)
    finally:
        connections.close_all()  # as in tests/test_browser.py: the greenlet's own connection


def walk(live_server, browser, django_user_model):  # noqa: F811
    staff(django_user_model.objects.create_user("nozei", password="pass-1234"), "clerk", "nozei")
    city_tax = ReceivableType.objects.get(code="city_tax")
    taro = register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通")
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1),
                       amount=12_300, assessed_on=date(2026, 4, 10))
    batch = PaymentImport.objects.create(format="zengin-debit-result", filename="result.txt", sha256="1" * 64, status="posted")
    received = ReceivedPayment.objects.create(
        import_batch=batch, line=2, format=batch.format, key="2026-05-11:0", key_hash=1, status="unmatched", amount=12_300,
        paid_on=date(2026, 5, 11), channel="direct_debit", match={"customer_number": "0" * 20},
        extra={"holder": "ﾔﾏﾀﾞ ﾀﾛｳ", "account_type": "1"}, reason="顧客番号（00000000000000000000）が当市の調定番号ではありません",
    )

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    refused = csp_violations(page)
    log_in(page, f"{live_server.url}/", "nozei")

    page.goto(f"{live_server.url}/payments/queue/")
    assert "山田 太郎" in page.inner_text("#queue")  # the best suggestion, in the queue itself
    page.click("text=確認・消込")
    page.wait_for_load_state()
    fields = page.inner_text("#record-fields")
    assert "預金者名" in fields and "1 普通" in fields and "口座振替" in fields and "当市の調定番号ではありません" in fields
    suggested = page.inner_text("#suggestions")
    assert "名義（ﾔﾏﾀﾞ ﾀﾛｳ）が債務者のフリガナと一致" in suggested and "85" in suggested
    page.check(f"#s-{i.pk}")
    page.click("text=選んだ調定で消込内容を確認")
    page.wait_for_load_state()
    person = page.inner_text("#confirm-person")
    assert "山田 太郎" in person and "昭和45年5月1日" in person and "学校町通" in person
    assert "12,300" in page.inner_text("#confirm-split")
    received.refresh_from_db()
    assert received.status == "unmatched"  # the confirmation step has posted nothing
    page.click("text=山田 太郎 さんの調定に消込する")
    page.wait_for_load_state()
    assert "に消込しました" in page.inner_text("body")
    received.refresh_from_db()
    i.refresh_from_db()
    assert (received.status, i.principal_due) == ("resolved", 0)
    assert refused == []
