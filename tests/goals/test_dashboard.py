"""The dashboard (目標と実績) and the target-setting screen, on the small city.

The seed's FY2012–2017 series is checked against the numbers in the seed's own text
(tests/goals/data/seed_000_d3eb3f20db1bff6c.txt, a copy of the policy), not against
the CSV the application loads them from.
"""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from saiken.cases.stalls import snapshot
from saiken.ledger import actions as ledger

from saiken.goals.models import Target

pytestmark = pytest.mark.django_db

SEED = Path(__file__).parent / "data" / "seed_000_d3eb3f20db1bff6c.txt"


def seed_series() -> dict[int, dict[str, str]]:
    """The FY2012–2017 figures as the seed prints them, read from its text.

    In the text of the policy's chart (section これまで…のふりかえり up to page "- 2 -"):
    the years are one line (平成24年度 … 平成29年度); the targets (目標額) are one line of
    five and FY2017's apart; the actuals are the line of five after the targets and
    FY2017's apart. The figures printed on lines of their own are, in order, FY2017's
    actual (96億円), two reductions (3億円, 4億円) and FY2017's target (70億円). The
    collection rates (収納率) are the six percentages of the section, in year order.
    """
    text = SEED.read_text(encoding="utf-8")
    start = text.index("これまで（平成29年度まで）のふりかえり")
    start = text.index("これまで（平成29年度まで）のふりかえり", start + 1)  # the second: the chart's page
    section = text[start:text.index("- 2 -", start)]
    (year_line,) = re.findall(r"^(?:平成\d+年度 ?){6}$", section, re.M)
    years = [1988 + int(n) for n in re.findall(r"平成(\d+)年度", year_line)]
    target_line = re.search(r"^目標額 ((?:\d+億円 ?){5})$", section, re.M)
    actual_line = re.search(r"^((?:\d+億円 ?){5})$", section[target_line.end():], re.M)
    alone = re.findall(r"^(\d+)億円$", section, re.M)
    targets = re.findall(r"(\d+)億円", target_line.group(1)) + [alone[-1]]
    actuals = re.findall(r"(\d+)億円", actual_line.group(1)) + [alone[0]]
    rates = re.findall(r"(\d+\.\d)%", section)
    assert years == list(range(2012, 2018)) and len(targets) == len(actuals) == len(rates) == 6
    return {y: {"target": t, "actual": a, "rate": r} for y, t, a, r in zip(years, targets, actuals, rates)}


def test_the_seed_is_read_as_printed():
    series = seed_series()
    assert series[2012] == {"target": "130", "actual": "131", "rate": "92.7"}
    assert series[2017] == {"target": "70", "actual": "96", "rate": "94.7"}


def history_row(html: str, year: int) -> str:
    m = re.search(rf'<tr data-year="{year}">(.*?)</tr>', html, re.S)
    assert m, f"no history row for {year}"
    return re.sub(r"\s+", " ", m.group(1))


def test_login_is_required(client, city):
    r = client.get(reverse("dashboard"))
    assert r.status_code == 302 and reverse("login") in r["Location"]


def test_the_seeds_series_appears_exactly_as_printed(client, city):
    client.force_login(city.clerk)
    html = client.get(reverse("dashboard"), {"year": 2024}).content.decode()
    for year, figures in seed_series().items():
        row = history_row(html, year)
        assert f">{figures['actual']}億円<" in row
        assert f">{figures['rate']}%<" in row
        assert f">{figures['target']}億円<" in row
        assert "公表値" in row
        # …and the chart's bar for the year says the same in its tooltip.
        bar = re.search(rf'<g class="bar" data-year="{year}"><title>(.*?)</title>', html).group(1)
        assert f"未収金 {figures['actual']}億円" in bar and f"収納率 {figures['rate']}%" in bar


def test_the_dashboard_shows_the_ledgers_years_the_goal_and_the_tables(client, city, today):
    snapshot(date(2025, 3, 31))  # the nightly count of stalled cases, on FY2024's last day
    client.force_login(city.clerk)
    html = client.get(reverse("dashboard"), {"year": 2024}).content.decode()
    assert "データなし" in history_row(html, 2020)
    row = history_row(html, 2024)
    assert ">20,000円<" in row and ">50,000円<" in row and ">70,000円<" in row and ">57.1%<" in row
    assert ">+2.6ポイント<" in row  # 54.5% in FY2023
    # the overall goal (carried from FY2018): 57.1% after 54.5%, achieved
    card = re.search(r'<div class="goal-card" data-indicator="total_rate">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert "57.1%" in card and "前年度 54.5%" in card and "達成" in card and "平成30年度から継続" in card
    # one small chart and table per major receivable; the city's 14-receivable table
    assert html.count('<section class="block"') == 14
    assert 'id="collection-table"' in html and "市税" in html and "保育料" in html
    # the history, one per receivable, and the pace of the running year FY2025 (its 滞納繰越分 carried in)
    assert html.count("<svg") == 16
    assert "令和7年度 収納率の進捗" in html
    assert 'data-indicator="investigations"' in html and 'data-indicator="stalled_cases"' in html
    assert "未集計（" not in html and "refresh-goals" not in html  # every indicator has its figure


def test_the_process_indicators_are_shown_at_once_and_follow_the_records(client, city, today):
    # No refresh of any kind: the summaries were kept by the actions that built the city.
    client.force_login(city.clerk)
    html = client.get(reverse("dashboard"), {"year": 2024}).content.decode()
    # …except the stalled cases, a daily count: none taken yet, and the page says so
    row = re.search(r'<tr data-indicator="stalled_cases">(.*?)</tr>', html, re.S).group(1)
    assert "未集計（saiken snapshot-stalls が未実行）" in row
    row = re.search(r'<tr data-indicator="demand_on_time">(.*?)</tr>', html, re.S).group(1)
    assert "0.0%" in row and "66.7%" in row
    row = re.search(r'<tr data-indicator="direct_debit_share">(.*?)</tr>', html, re.S).group(1)
    assert "40.0%" in row
    # One more 口座振替 booked in FY2024 (taro's third instalment): 3 of 6 at the next view.
    third = city.taro.instalments.get(fiscal_year=2024, instalment_no=3)
    ledger.record_payment(debtor=city.taro, receivable=city.city_tax, amount=5_000, paid_on=date(2025, 3, 10),
                          channel="direct_debit", instalment=third)
    html = client.get(reverse("dashboard"), {"year": 2024}).content.decode()
    row = re.search(r'<tr data-indicator="direct_debit_share">(.*?)</tr>', html, re.S).group(1)
    assert "50.0%" in row


def test_the_dashboard_costs_a_fixed_number_of_queries(client, city, today):
    client.force_login(city.clerk)
    client.get(reverse("dashboard"), {"year": 2024})  # warm the session and content types
    with CaptureQueriesContext(connection) as q:
        assert client.get(reverse("dashboard"), {"year": 2024}).status_code == 200
    # Pinned, and the same at any scale: session and user (2); LedgerSummary once; the catalog
    # (ours and the collection report's), the published years, the indicators and the
    # targets (5); the forecast's daily figures and its pace (2); the demands on time and
    # still missing, for all years at once (2); per year shown and the year before, the
    # payment and write-off summaries and the relief count (6); the user's role and
    # permissions (3); per year, investigations, dispositions and the stalled-case snapshot's
    # day and counts (8), and that day once more for the page's note (1); the audit row of
    # the page (1, saiken.audit.middleware).
    assert len(q.captured_queries) == 29, [x["sql"] for x in q.captured_queries]


def test_the_report_buttons_give_pdf_and_excel(client, city):
    client.force_login(city.clerk)
    pdf = client.get(reverse("goals_report"), {"year": 2024, "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "committee_report_2024.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("goals_report"), {"year": 2024, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_committee_sets_a_target_and_sees_it_judged(client, city):
    client.force_login(city.member)
    page = client.get(reverse("goals_targets"), {"year": 2024})
    assert page.status_code == 200 and "前年度を上回る" in page.content.decode()
    r = client.post(reverse("goals_targets"), {
        "indicator": city_indicator("current_rate"), "receivable": city.city_tax.pk, "fiscal_year": 2024,
        "comparison": "at_least", "value": "98.5", "note": "所管課の個別目標",
    })
    assert r.status_code == 302
    t = Target.objects.get(receivable=city.city_tax)
    assert t.value == Decimal("98.5") and t.set_by == city.member
    html = client.get(reverse("dashboard"), {"year": 2024}).content.decode()
    table = re.search(r'<table class="grid" id="individual-targets">(.*?)</table>', html, re.S).group(1)
    assert "98.5％以上" in table and "64.3%" in table and "未達成" in table and "−34.2ポイント" in table
    # a value that does not fit is refused with the reason on the form
    r = client.post(reverse("goals_targets"), {
        "indicator": city_indicator("current_rate"), "receivable": "", "fiscal_year": 2024, "comparison": "at_least", "value": "120",
    })
    assert r.status_code == 200 and "0から100" in r.content.decode()
    r = client.post(reverse("goals_target_delete", args=[t.pk]))
    assert r.status_code == 302 and not Target.objects.filter(pk=t.pk).exists()


def test_a_clerk_may_not_set_targets(client, city):
    client.force_login(city.clerk)
    assert client.get(reverse("goals_targets")).status_code == 403
    goal = Target.objects.get(receivable=None)
    assert client.post(reverse("goals_target_delete", args=[goal.pk])).status_code == 403
    assert Target.objects.filter(pk=goal.pk).exists()


def city_indicator(code: str) -> int:
    from saiken.goals.models import Indicator

    return Indicator.objects.get(code=code).pk


def test_the_admin_lists_indicators_and_targets_and_saves_through_the_action(client, city):
    from saiken.audit.models import AuditEvent

    client.force_login(city.admin)
    assert client.get(reverse("admin:goals_indicator_changelist")).status_code == 200
    assert client.get(reverse("admin:goals_target_changelist")).status_code == 200
    r = client.post(reverse("admin:goals_target_add"), {
        "indicator": city_indicator("write_off_yen"), "receivable": "", "fiscal_year": 2025, "comparison": "at_most",
        "value": "1000000", "note": "",
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Target.objects.filter(fiscal_year=2025, comparison="at_most").exists()
    assert AuditEvent.objects.filter(action="goals.set_target", user=city.admin).exists()


def test_a_city_without_a_ledger_still_shows_the_published_history(client, clerk):
    client.force_login(clerk)
    r = client.get(reverse("dashboard"))
    assert r.status_code == 200
    html = r.content.decode()
    assert ">131億円<" in history_row(html, 2012) and ">94.7%<" in history_row(html, 2017)
    assert "決算データはありません" in html
