"""A real browser (Debian's Chromium, driven by Playwright) walks a clerk's path:
log in, search a debtor by reading, open the debtor page, open the report."""

import os
import shutil
from datetime import date

import pytest
from django.db import connections

from saiken.catalog.models import ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.ledger import actions
from tests.conftest import staff

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# CI sets SAIKEN_REQUIRE_BROWSER=1, so a missing browser fails there instead of skipping.
if os.environ.get("SAIKEN_REQUIRE_BROWSER") == "1":
    from playwright import sync_api as playwright
else:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed", allow_module_level=True)
    playwright = pytest.importorskip("playwright.sync_api")

# Playwright's sync API runs an event loop in this thread; the ORM calls the test
# itself makes (fixtures) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


def test_a_clerk_finds_a_debtor_and_reads_the_report(live_server, browser, django_user_model):
    try:
        walk(live_server, browser, django_user_model)
    finally:
        # Inside sync_playwright the test body runs in another greenlet, whose context
        # holds its own ORM connection: close it here, or PostgreSQL refuses to drop
        # the test database at the end of the run.
        connections.close_all()


def walk(live_server, browser, django_user_model):
    staff(django_user_model.objects.create_user("clerk", password="pass-1234"))
    city_tax = ReceivableType.objects.get(code="city_tax")
    taro = register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区")
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2024, instalment_no=1, nominal_due=date(2024, 6, 30),
                       amount=25_000, assessed_on=date(2024, 6, 1))
    actions.record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2024, 7, 10), instalment=i)

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    refused = csp_violations(page)
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "pass-1234")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/debtors/?q=やまだ")
    page.click("text=山田 太郎")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "ヤマダ タロウ" in body
    assert "令和6年7月1日" in body  # due 2024-06-30 (Sunday) rolled to Monday
    assert "15,000" in body  # still owed

    page.goto(f"{live_server.url}/reports/collection/?year=2024")
    table = page.inner_text("table")
    assert "市税" in table and "25,000" in table and "10,000" in table and "40.0" in table
    # The page fits an office screen: no horizontal scroll at 1366 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert refused == []  # nothing on these pages was blocked by the Content-Security-Policy


def log_in(page, url: str, username: str, password: str = "pass-1234") -> None:
    """Log in through the login form at `url` (the server's root or /login/)."""
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def csp_violations(page) -> list[str]:
    """What the browser refuses under the page's Content-Security-Policy, as it happens."""
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen
