"""The dashboard's pre-aggregated figures are exact at every moment: each action that
writes a record moves them in its own transaction, no refresh is ever run, and
`saiken check-ledger` proves them against a recomputation (and finds a tampered row).

On the small city of conftest.py, as of 2025-06-30 (FY2025 running).
"""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saiken.demands.actions import issue_demands
from saiken.demands.models import DemandSummary
from saiken.goals.forecasts import forecast
from saiken.goals.indicators import actual, actuals
from saiken.ledger import actions as ledger
from saiken.ledger.bulk import PaymentRequest, post_payments
from saiken.ledger.models import DailySummary, PaymentSummary, WriteOffSummary

from .conftest import AS_OF, assess
from tests.conftest import operator

pytestmark = pytest.mark.django_db


def check_ledger() -> dict:
    """`saiken check-ledger --json`: the differences, or the CommandError's output."""
    out = io.StringIO()
    try:
        call_command("check_ledger", "--json", stdout=out)
    except CommandError:
        pass
    return json.loads(out.getvalue())


def assert_clean():
    result = check_ledger()
    assert result["differences"] == []
    # every summary the dashboard reads is among the checks
    assert {"日別集計", "納付経路別集計", "不納欠損の理由別集計", "督促の期限内発付件数"} <= set(result["checks"])


def test_the_city_built_by_the_actions_is_exact_with_no_refresh(city):
    assert_clean()
    assert DailySummary.objects.exists() and PaymentSummary.objects.exists()
    assert WriteOffSummary.objects.exists() and DemandSummary.objects.exists()


def test_a_payment_moves_the_channel_share_and_the_forecast_at_once(city):
    third = city.taro.instalments.get(fiscal_year=2024, instalment_no=3)
    before = forecast(2025, AS_OF)
    assert actuals(2025, as_of=AS_OF)[("direct_debit_share", None)] is None  # no FY2025 figures yet: no payment booked
    ledger.record_payment(debtor=city.taro, receivable=city.city_tax, amount=7_000, paid_on=date(2025, 6, 10), channel="direct_debit",
                          instalment=third)
    row = PaymentSummary.objects.get(receivable=city.city_tax, fiscal_year=2025, channel="direct_debit")
    assert (row.payments, row.amount) == (1, 7_000)
    assert DailySummary.objects.get(receivable=city.city_tax, debt_fiscal_year=2024, settlement_year=2025, day=date(2025, 6, 10)).collected == 7_000
    assert actuals(2025, as_of=AS_OF)[("direct_debit_share", None)] == actual("direct_debit_share", fiscal_year=2025) == 100
    after = forecast(2025, AS_OF)
    assert after.city.parts["arrears"].collected_to_date == before.city.parts["arrears"].collected_to_date + 7_000
    # the forecast as of a day before the payment does not see it
    assert forecast(2025, date(2025, 6, 9)).city.parts["arrears"].collected_to_date == before.city.parts["arrears"].collected_to_date
    assert_clean()


def test_a_batch_of_payments_counts_every_channel(city):
    fourth = city.taro.instalments.get(fiscal_year=2024, instalment_no=4)
    old = city.taro.instalments.get(fiscal_year=2023)
    post_payments([
        PaymentRequest(fourth.pk, 1_000, date(2025, 6, 2), date(2025, 6, 3), "convenience", "r-1"),
        PaymentRequest(fourth.pk, 2_000, date(2025, 6, 2), date(2025, 6, 3), "convenience", "r-2"),
        PaymentRequest(old.pk, 3_000, date(2025, 6, 2), date(2025, 6, 4), "bank", "r-3"),
    ])
    assert PaymentSummary.objects.get(receivable=city.city_tax, fiscal_year=2025, channel="convenience").payments == 2
    assert PaymentSummary.objects.get(receivable=city.city_tax, fiscal_year=2025, channel="bank").amount == 3_000
    assert_clean()


def test_a_write_off_counts_at_once_and_an_instalment_once(city):
    fourth = city.taro.instalments.get(fiscal_year=2024, instalment_no=4)
    ledger.write_off(instalment=fourth, booked_on=date(2025, 6, 5), reason="stop_immediate")
    assert actuals(2025, as_of=AS_OF)[("write_off_count", city.city_tax.id)] == 1
    assert actuals(2025, as_of=AS_OF)[("write_off_yen", None)] == 25_000
    # written off again after an increase: still one instalment, the principal of both
    ledger.correct_assessment(instalment=fourth, delta=500, booked_on=date(2025, 6, 6), reason="更正")
    ledger.write_off(instalment=fourth, booked_on=date(2025, 6, 7), reason="stop_immediate")
    row = WriteOffSummary.objects.get(receivable=city.city_tax, settlement_year=2025, reason="stop_immediate")
    assert (row.instalments, row.principal) == (1, 25_500)
    assert actual("write_off_count", fiscal_year=2025) == 1 and actual("write_off_yen", fiscal_year=2025) == 25_500
    assert_clean()


def test_a_demand_run_counts_at_once(city):
    late = assess(city.ichiro, city.city_tax, 9_000, 2025, 1, date(2025, 6, 2), on=date(2025, 5, 1))
    # Due 2025-06-02, to be demanded by 06-22: pending on 06-19 (no share yet), missing on 06-30.
    assert actuals(2025, as_of=date(2025, 6, 19))[("demand_on_time", city.city_tax.id)] is None
    assert actuals(2025, as_of=AS_OF)[("demand_on_time", city.city_tax.id)] == 0
    issue_demands(user=operator(), as_of=date(2025, 6, 20))
    assert late.demand_line.on_time
    assert DemandSummary.objects.get(receivable=city.city_tax, fiscal_year=2025, issued_on=date(2025, 6, 20)).on_time == 1
    shares = actuals(2025, as_of=AS_OF)
    assert shares[("demand_on_time", city.city_tax.id)] == actual("demand_on_time", fiscal_year=2025, receivable_id=city.city_tax.id, as_of=AS_OF) == 100
    # as of the day before the run, it was not yet issued: pending, so no share yet
    assert actuals(2025, as_of=date(2025, 6, 19))[("demand_on_time", city.city_tax.id)] is None
    assert_clean()


@pytest.mark.parametrize("model, field, label", [
    (DailySummary, "collected", "日別集計"),
    (PaymentSummary, "payments", "納付経路別集計"),
    (WriteOffSummary, "instalments", "不納欠損の理由別集計"),
    (DemandSummary, "on_time", "督促の期限内発付件数"),
])
def test_check_ledger_finds_a_tampered_row_and_refresh_goals_repairs_it(city, model, field, label):
    row = model.objects.filter(**{f"{field}__gt": 0}).order_by("pk").first()
    model.objects.filter(pk=row.pk).update(**{field: getattr(row, field) + 1})
    with pytest.raises(CommandError, match="1 件の差異"):
        call_command("check_ledger", stdout=io.StringIO())
    (found,) = check_ledger()["differences"]
    assert found["check"] == label and found["field"] == field and found["cached"] == found["recomputed"] + 1
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("refresh_goals", "--check", stdout=out)
    call_command("refresh_goals", stdout=io.StringIO())
    assert_clean()
    call_command("refresh_goals", "--check", stdout=io.StringIO())
