"""A real browser (Debian's Chromium, driven by Playwright) walks a committee member's
path: log in, read the dashboard's chart and its table, open a plan, and record the
year's evaluation through the form."""

import os
import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.db import connections

from saiken.catalog.models import ReceivableType
from saiken.debtors.actions import register_debtor
from saiken.goals import plans
from saiken.goals.models import Evaluation, Indicator
from saiken.ledger import actions
from tests.conftest import staff
from tests.test_browser import csp_violations

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


def test_a_committee_member_reads_the_dashboard_and_records_an_evaluation(live_server, browser, django_user_model):
    try:
        walk(live_server, browser, django_user_model)
    finally:
        # Inside sync_playwright the test body runs in another greenlet, whose context
        # holds its own ORM connection: close it here, or PostgreSQL refuses to drop
        # the test database at the end of the run.
        connections.close_all()


def walk(live_server, browser, django_user_model):
    member = staff(django_user_model.objects.create_user("member", password="pass-1234", last_name="委員", first_name="太郎"), "committee")
    city_tax = ReceivableType.objects.get(code="city_tax")
    taro = register_debtor(name="山田 太郎", name_kana="ヤマダ タロウ", birth_date=date(1970, 5, 1), address="新潟市中央区")
    i = actions.assess(debtor=taro, receivable=city_tax, fiscal_year=2024, instalment_no=1, nominal_due=date(2024, 6, 30),
                       amount=25_000, assessed_on=date(2024, 6, 1))
    actions.record_payment(debtor=taro, receivable=city_tax, amount=10_000, paid_on=date(2024, 7, 10), instalment=i)
    plan = plans.create_plan(
        receivable=city_tax, first_year=2024, problems="催告後に進捗しない案件が多い", user=member,
        actions=[plans.ActionInput("督促の発付日を毎週点検する", ["1-1"], "点検表の作成", "点検", "点検", "収納係")],
        targets=[plans.TargetInput(Indicator.objects.get(code="current_rate"), 2024, "at_least", Decimal("98.5"))],
    )
    plans.adopt_plan(plan, user=member)

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    refused = csp_violations(page)
    page.goto(f"{live_server.url}/")
    assert "/login" in page.url
    page.fill("input[name=username]", "member")
    page.fill("input[name=password]", "pass-1234")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()

    # The dashboard: the history chart is an SVG, and its numbers are in the table beside it.
    page.goto(f"{live_server.url}/goals/?year=2024")
    chart = page.locator("figure svg").first
    assert chart.is_visible()
    assert chart.locator("rect, polyline, circle").count() > 0
    # The page's styles come from saiken.css (no inline style under the CSP): the chart and its table side by side.
    assert page.evaluate("getComputedStyle(document.querySelector('.goals .pair')).display") == "flex"
    table = page.locator("#history-table")
    assert table.is_visible()
    text = table.inner_text()
    assert "平成24年度" in text and "令和6年度" in text and "92.7%" in text

    # The plan: its action, and its target against the ledger's actual (10,000 of 25,000).
    page.goto(f"{live_server.url}/plans/")
    page.click("#plans >> text=市税")
    page.wait_for_load_state()
    assert "督促の発付日を毎週点検する" in page.inner_text("#actions")
    assert "40.0％" in page.inner_text("#progress")

    # The evaluation form shows the snapshot computed from the ledger, and asks for the texts.
    page.click('tr[data-year="2024"] a.record-evaluation')
    page.wait_for_load_state()
    assert "40.0％" in page.inner_text("#snapshot") and "C 未達成" in page.inner_text("#snapshot")
    page.fill("textarea[name=narrative]", "現年度分の収納率が目標に届かなかった。")
    page.fill("input[name=good-0-title]", "督促の毎週点検")
    page.fill("textarea[name=good-0-text]", "発付漏れがなくなった。")
    page.check("input[name=good-0-directions][value='1-1']")
    page.fill("input[name=factors-0-title]", "催告後の停滞")
    page.fill("textarea[name=factors-0-text]", "財産調査の着手が遅れた。")
    page.click("#save-evaluation")
    page.wait_for_load_state()
    assert "/plans/evaluations/" in page.url
    assert "作成中" in page.inner_text("#evaluation-status")
    assert "現年度分の収納率が目標に届かなかった。" in page.inner_text("#narrative")

    e = Evaluation.objects.get(plan=plan, fiscal_year=2024)
    assert e.narrative == "現年度分の収納率が目標に届かなかった。" and e.created_by == member
    assert [(r.indicator.code, r.actual, r.grade) for r in e.results.select_related("indicator")] == [("current_rate", Decimal("40.0"), "C")]
    assert sorted((n.kind, n.title, [d.code for d in n.directions.all()]) for n in e.notes.all()) == [
        ("factor_analysis", "催告後の停滞", []), ("good_case", "督促の毎週点検", ["1-1"]),
    ]
    # The pages fit an office screen: no horizontal scroll at 1366 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert refused == []  # nothing on these pages was blocked by the Content-Security-Policy
