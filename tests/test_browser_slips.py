"""A real browser reissues a 納付書: from the debtor page, tick an instalment, compute the
total with the late charge, issue, download the PDF; nothing is blocked by the CSP."""

import os
from datetime import date

import pytest
from django.db import connections

from saiken.catalog.models import ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.ledger import actions
from saiken.slips.models import PaymentSlip
from tests.conftest import staff
from tests.test_browser import browser, csp_violations, log_in, playwright  # noqa: F401  (the fixture and the skip)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_clerk_reissues_a_slip(live_server, browser, django_user_model, tmp_path):  # noqa: F811
    try:
        walk(live_server, browser, django_user_model, tmp_path)
    finally:
        connections.close_all()


def walk(live_server, browser, django_user_model, tmp_path):
    staff(django_user_model.objects.create_user("nozei", password="pass-1234"), "clerk", "nozei")
    city_tax = ReceivableType.objects.get(code="city_tax")
    taro = register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区学校町通1番町602-1")
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=1, nominal_due=date(2025, 6, 2),
                       amount=100_000, assessed_on=date(2025, 4, 10))

    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    refused = csp_violations(page)
    log_in(page, f"{live_server.url}/login/", "nozei")

    page.goto(f"{live_server.url}/debtors/{taro.pk}/")
    page.click("#slip-link")
    page.wait_for_load_state()
    page.check(f"#slip-inst-{i.pk}")
    page.click("#slip-preview")
    page.wait_for_load_state()
    total = page.inner_text("#slip-total")
    assert not PaymentSlip.objects.exists()
    page.screenshot(path=str(tmp_path / "slip-form.png"), full_page=True)
    page.click("#slip-issue")
    page.wait_for_load_state()
    slip = PaymentSlip.objects.get()
    assert f"{slip.total:,}円" == total.split("（")[0]
    assert f"{slip.total:,}円" in page.inner_text("#slip-amount")
    with page.expect_download() as d:
        page.click("#slip-download")
    assert d.value.path().read_bytes().startswith(b"%PDF")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert refused == []
