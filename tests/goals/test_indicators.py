"""Each indicator's actual is the ledger's (or the records') own figure, on the small city.

The collection-rate and 未収金 indicators are compared with the collection-rate report
(saiken.accounting.report.collection_report), the demand share with the compliance
table, write-offs with the write-off report; the rest are counted here by hand from
the city in conftest.py.
"""

from datetime import date
from decimal import Decimal

import pytest

from saiken.accounting.report import collection_report
from saiken.catalog.models import ReceivableType
from saiken.core.money import percent
from saiken.demands.compliance import share_table
from saiken.goals.indicators import actual, actuals, is_pending
from saiken.cases.stalls import snapshot
from saiken.goals.models import Indicator
from saiken.ledger import actions as ledger
from saiken.relief.writeoff import report as write_off_report

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

PARTS = ("current", "arrears", "total")


@pytest.mark.parametrize("year", [2023, 2024])
def test_rates_and_unpaid_equal_the_collection_report(city, year):
    report = collection_report(year, major_only=True)
    ids = {city.city_tax.name: city.city_tax.id, city.nursery.name: city.nursery.id}
    for part in PARTS:
        whole = getattr(report.total.line, part)
        assert actual(f"{part}_rate", fiscal_year=year) == percent(whole.rate)
        assert actual(f"{part}_unpaid", fiscal_year=year) == whole.unpaid
        for row in report.rows:
            if row.label not in ids:
                assert actual(f"{part}_rate", fiscal_year=year, receivable_id=ReceivableType.objects.get(name=row.label).id) is None
                continue
            figures = getattr(row.line, part)
            assert actual(f"{part}_rate", fiscal_year=year, receivable_id=ids[row.label]) == percent(figures.rate)
            assert actual(f"{part}_unpaid", fiscal_year=year, receivable_id=ids[row.label]) == figures.unpaid


def test_the_small_citys_figures_by_hand(city):
    # FY2024 現年度分: assessed 4×25,000 + 40,000 (市税) + 20,000 (保育料) = 160,000;
    # collected 25,000 + 25,000 + 40,000 + 20,000 (paid 2025-04-30, 出納整理期間) = 110,000.
    assert actual("current_rate", fiscal_year=2024) == Decimal("68.8")  # 68.75 rounded half up
    assert actual("current_unpaid", fiscal_year=2024) == 50_000
    # 滞納繰越分: taro's 30,000 and hanako's June 20,000 carried in; 10,000 paid, 20,000 written off.
    assert actual("arrears_rate", fiscal_year=2024) == Decimal("20.0")
    assert actual("arrears_unpaid", fiscal_year=2024) == 20_000
    assert actual("total_unpaid", fiscal_year=2024) == 70_000
    assert actual("total_rate", fiscal_year=2024) == Decimal("57.1")  # 120,000 / 210,000
    # FY2023: ichiro's 40,000 paid on 2024-04-30 still counts in FY2023.
    assert actual("current_rate", fiscal_year=2023) == Decimal("54.5")  # 60,000 / 110,000
    assert actual("total_rate", fiscal_year=2023, receivable_id=city.city_tax.id) == Decimal("57.1")  # 40,000 / 70,000


def test_demand_share_equals_the_compliance_table(city):
    table = share_table(AS_OF)
    for year in (2023, 2024):
        assert actual("demand_on_time", fiscal_year=year, as_of=AS_OF) == table.city[year].rate  # all 14 are major
        for row in table.rows:
            if year in row.years:
                assert actual("demand_on_time", fiscal_year=year, receivable_id=row.receivable_id, as_of=AS_OF) == row.years[year].rate
    # By hand: FY2023 taro and ichiro on time, hanako's June late → 2 of 3;
    # FY2024 taro's 2nd late, his 3rd and 4th never demanded → 0 of 3.
    assert actual("demand_on_time", fiscal_year=2023, as_of=AS_OF) == Decimal("66.7")
    assert actual("demand_on_time", fiscal_year=2024, as_of=AS_OF) == Decimal("0.0")


def test_write_offs_equal_the_write_off_report_and_the_collection_table(city):
    report = write_off_report(2024)
    assert actual("write_off_count", fiscal_year=2024) == report.total.count == 1
    assert actual("write_off_yen", fiscal_year=2024) == report.total.principal == 20_000
    assert actual("write_off_yen", fiscal_year=2024) == collection_report(2024, major_only=True).total.line.total.written_off
    assert actual("write_off_count_prescription", fiscal_year=2024) == 1
    assert actual("write_off_yen_waiver", fiscal_year=2024) == 0
    assert actual("write_off_count", fiscal_year=2024, receivable_id=city.nursery.id) == 1
    assert actual("write_off_count", fiscal_year=2024, receivable_id=city.city_tax.id) == 0
    assert actual("write_off_count", fiscal_year=2023) == 0


def test_direct_debit_share_and_relief_by_hand(city):
    # Booked in FY2024 (2024-04-01 – 2025-03-31): ichiro's store payment of 2024-04-30, taro's
    # counter 6/17 and 10/15, taro's and ichiro's 口座振替 → 2 of 5.
    assert actual("direct_debit_share", fiscal_year=2024) == Decimal("40.0")
    assert actual("direct_debit_share", fiscal_year=2024, receivable_id=city.nursery.id) is None  # none booked in FY2024
    assert actual("direct_debit_share", fiscal_year=2023) == Decimal("100.0")  # hanako's May
    assert actual("relief_approved", fiscal_year=2024) == 1
    assert actual("relief_approved", fiscal_year=2024, receivable_id=city.city_tax.id) == 1
    assert actual("relief_approved", fiscal_year=2023) == 0


def test_case_work_counts_come_from_the_case_records(city):
    from saiken.cases.models import Case, Investigation

    for code in ("investigations", "dispositions"):
        assert actual(code, fiscal_year=2024) == 0  # a year with figures and no case records
        assert is_pending(Indicator.objects.get(code=code)) is None
    case = Case.objects.create(debtor=city.taro, department=city.city_tax.department, opened_on=date(2024, 7, 1))
    Investigation.objects.create(case=case, receivable=city.city_tax, kind="bank", addressee_name="第四北越銀行", legal_basis="地方税法20条の11", requested_on=date(2024, 8, 1))
    Investigation.objects.create(case=case, receivable=city.city_tax, kind="bank", addressee_name="第四北越銀行", legal_basis="地方税法20条の11", requested_on=date(2025, 4, 1))
    assert actual("investigations", fiscal_year=2024) == 1
    assert actual("investigations", fiscal_year=2024, receivable_id=city.city_tax.pk) == 1


def test_a_year_without_figures_is_none_not_zero(city):
    assert actual("total_unpaid", fiscal_year=2030) is None
    assert actual("write_off_count", fiscal_year=2030) is None


def test_the_city_is_the_major_receivables_only(city):
    ReceivableType.objects.filter(pk=city.nursery.pk).update(is_major=False)
    assert actual("current_unpaid", fiscal_year=2024) == 50_000  # all of it is city tax
    assert actual("current_rate", fiscal_year=2024) == Decimal("64.3")  # 90,000 / 140,000
    assert actual("current_rate", fiscal_year=2024, receivable_id=city.nursery.id) == Decimal("100.0")


def test_unknown_indicator_is_an_error(city):
    with pytest.raises(KeyError):
        actual("no_such_indicator", fiscal_year=2024)


def test_every_actual_from_the_summaries_equals_the_live_one_without_any_refresh(city):
    indicators = list(Indicator.objects.all())
    assert len(indicators) == 28
    receivables = [None, city.city_tax.id, city.nursery.id]
    for day in (date(2025, 3, 31), date(2024, 3, 31), date(2023, 9, 1)):
        snapshot(day)  # the nightly count of stalled cases that `actuals` reads (`actual` counts live)
    for as_of in (AS_OF, date(2023, 9, 1)):  # the demand share and the stalled cases depend on the day
        for year in (2023, 2024):
            values = actuals(year, as_of=as_of)
            for ind in indicators:
                assert is_pending(ind) is None
                for rid in receivables:
                    assert values[(ind.code, rid)] == actual(ind.code, fiscal_year=year, receivable_id=rid, as_of=as_of), (ind.code, rid, year)
    # and the figures are there: not a comparison of two Nones
    values = actuals(2024, as_of=AS_OF)
    assert values[("demand_on_time", None)] == Decimal("0.0") and values[("write_off_count", None)] == 1
    assert values[("direct_debit_share", None)] == Decimal("40.0")
