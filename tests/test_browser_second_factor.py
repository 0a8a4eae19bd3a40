"""In a real browser (Chromium): a manager's first login goes through 二要素認証の設定 —
the QR code is drawn under the Content-Security-Policy, the key typed from the page into
an "app" (here: TOTP computed in the test) gives the code, and the next page opens."""

import time
from base64 import b32decode

import pytest
from django.db import connections
from django_otp.oath import TOTP

from tests.conftest import staff
from tests.test_browser import CHROMIUM, csp_violations, playwright  # noqa: F401 (the browser fixture below)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield b
        b.close()


def test_a_manager_enrols_and_reaches_the_page_first_asked(live_server, browser, django_user_model, settings):
    settings.SAIKEN_OTP_ROLES = ("manager", "admin")
    try:
        staff(django_user_model.objects.create_user("kacho", password="pass-1234"), "manager", "hoiku")
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        refused = csp_violations(page)
        page.goto(f"{live_server.url}/debtors/")
        page.fill("input[name=username]", "kacho")
        page.fill("input[name=password]", "pass-1234")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/login/otp/setup/" in page.url and "二要素認証の設定" in page.inner_text("h1")
        qr = page.locator(".otp-qr svg")
        assert qr.is_visible() and qr.bounding_box()["width"] >= 100

        typed = page.inner_text("#otp-secret").replace(" ", "")  # as one types it into an app
        key = b32decode(typed + "=" * (-len(typed) % 8))
        totp = TOTP(key)
        totp.time = time.time()
        page.fill("input[name=code]", f"{totp.token():06d}")
        page.click("button.primary")
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/debtors/"
        assert "二要素認証を設定しました" in page.inner_text("body")
        assert refused == []
    finally:
        connections.close_all()


def test_the_admin_after_its_second_factor_works_under_the_policy(live_server, browser, django_user_model, settings):
    settings.SAIKEN_OTP_ROLES = ("manager", "admin")
    try:
        django_user_model.objects.create_superuser("root", password="pass-1234")
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        refused = csp_violations(page)
        page.goto(f"{live_server.url}/admin/")
        page.fill("input[name=username]", "root")
        page.fill("input[name=password]", "pass-1234")
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_load_state()
        assert "/login/otp/setup/" in page.url
        typed = page.inner_text("#otp-secret").replace(" ", "")
        totp = TOTP(b32decode(typed + "=" * (-len(typed) % 8)))
        totp.time = time.time()
        page.fill("input[name=code]", f"{totp.token():06d}")
        page.click("button.primary")
        page.wait_for_load_state()
        assert page.url == f"{live_server.url}/admin/"
        page.goto(f"{live_server.url}/admin/catalog/receivabletype/")
        page.click("#result_list tbody th a >> nth=0")
        page.wait_for_load_state()
        assert "/change/" in page.url and page.locator("input[name=_save]").is_visible()
        assert refused == []
    finally:
        connections.close_all()
