"""The demand screens: run, notices, and the compliance view.

The cast: taro owes two 市税 instalments due 2026-05-01; hanako owes one 保育料
instalment due 2026-04-01 that nobody demanded (past its window on 2026-05-15),
and an older one demanded late.
"""

from datetime import date

import pytest
from django.urls import reverse

from saiken.demands.actions import issue_demands
from saiken.demands.compliance import share_table
from saiken.demands.models import DemandLine, DemandRun
from saiken.ledger.actions import assess
from tests.conftest import staff, operator

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 5, 15)


@pytest.fixture
def clerk(client, django_user_model):
    user = staff(django_user_model.objects.create_user("clerk", password="pass-1234", last_name="督促", first_name="一郎"))
    client.force_login(user)
    return user


@pytest.fixture
def overdue(taro, hanako, city_tax, nursery_fee):
    for no in (1, 2):
        assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=no, nominal_due=date(2026, 5, 1), amount=10_000, assessed_on=date(2026, 4, 10))
    old = assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2025, instalment_no=12, nominal_due=date(2026, 3, 2), amount=20_000, assessed_on=date(2025, 4, 1))
    issue_demands(user=operator(), as_of=date(2026, 4, 1), due_on=old.due_date)  # 30 days after: late
    assess(debtor=hanako, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 4, 1), amount=20_000, assessed_on=date(2026, 4, 1))


def test_issue_from_the_screen(client, clerk, overdue):
    page = client.get(reverse("demand_runs"), {"as_of": "2026-05-15", "due_on": "2026-05-01"})
    assert page.status_code == 200
    assert '<strong id="pending-count">2</strong>' in page.content.decode()
    response = client.post(reverse("demand_runs"), {"as_of": "2026-05-15", "due_on": "2026-05-01", "receivable": ""})
    run = DemandRun.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("demand_run", args=[run.pk])
    assert (run.demands, run.lines, run.created_by) == (1, 2, clerk)
    html = client.get(response["Location"]).content.decode()
    assert "督促状 1件を作成しました" in html
    assert "山田 太郎" in html and "令和8年5月25日" in html  # the 指定期限
    again = client.post(reverse("demand_runs"), {"as_of": "2026-05-15", "due_on": "2026-05-01"}, follow=True)
    assert "督促の対象となる期別はありませんでした" in again.content.decode()


def test_a_bad_run_is_refused_with_a_message(client, clerk, overdue):
    response = client.post(reverse("demand_runs"), {"as_of": "2026-05-01", "due_on": "2026-05-01"}, follow=True)
    assert "納期限より後の発付日" in response.content.decode()
    assert DemandRun.objects.count() == 1  # only the fixture's


def test_compliance_share_and_lists(client, clerk, overdue, nursery_fee):
    table = share_table(AS_OF)
    nursery = next(r for r in table.rows if r.receivable_id == nursery_fee.pk)
    # FY2025: one demand, late. FY2026: one instalment undemanded past its window (due 4/1, window to 4/21).
    assert (nursery.years[2025].late, nursery.years[2025].rate) == (1, 0)
    assert (nursery.years[2026].missing, nursery.years[2026].rate) == (1, 0)
    tax = next(r for r in table.rows if r.number == 1)
    assert (tax.total.pending, tax.total.due) == (2, 0)  # still within the window: not counted yet
    html = client.get(reverse("demand_compliance"), {"as_of": "2026-05-15"}).content.decode()
    assert 'id="on-time-share"' in html
    assert '<span class="late" id="past-window-count">1</span>' in html
    assert "佐藤 花子" in html and "令和8年4月21日" in html  # the missed window's last day
    assert "発付期限後に発付した督促 <span class=\"sub\">1件" in html


def test_on_time_share_counts_a_demand_on_the_last_day(taro, city_tax):
    assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 1), amount=10_000, assessed_on=date(2026, 4, 10))
    issue_demands(user=operator(), as_of=date(2026, 5, 21))
    share = share_table(date(2026, 6, 30)).rows[0].years[2026]
    assert (share.on_time, share.late, share.rate) == (1, 0, 100)
    assert DemandLine.objects.get().on_time


def test_the_debtor_page_shows_the_demand_and_the_accrued_late_charge(client, clerk, taro, city_tax):
    assess(debtor=taro, receivable=city_tax, fiscal_year=2025, instalment_no=4, nominal_due=date(2026, 1, 31), amount=56_400, assessed_on=date(2025, 6, 1))
    html = client.get(reverse("debtor", args=[taro.pk]), {"as_of": "2026-02-20"}).content.decode()
    assert "督促未発付" in html
    issue_demands(user=operator(), as_of=date(2026, 2, 20))
    html = client.get(reverse("debtor", args=[taro.pk]), {"as_of": "2026-05-29"}).content.decode()
    assert "督促 令和8年2月20日発付（指定期限 令和8年3月2日、差押可能日 令和8年3月3日）" in html
    assert '<strong id="accrued-total">1,300</strong>' in html  # the 中央市 example, as of its payment date
