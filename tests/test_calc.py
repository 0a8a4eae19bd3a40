"""The counter's calculator, through the command line, on the rates stored in the database."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saiken.catalog.models import LateChargeRate, ReceivableType

pytestmark = pytest.mark.django_db


def calc(*args):
    out = io.StringIO()
    call_command("calc", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    "principal, due, paid, expected, days",
    [
        (56_400, "2026-01-31", "2026-05-29", 1_300, [28, 88]),  # 中央市: due rolled from Saturday
        (200_000, "2022-01-31", "2022-03-25", 1_500, [28, 25]),  # 東広島市
        (117_300, "2024-01-31", "2024-08-31", 5_300, [29, 184]),  # 富里市, leap year
    ],
)
def test_published_examples(principal, due, paid, expected, days):
    result = calc("late-charge", "--receivable", "city_tax", "--principal", str(principal), "--due", due, "--paid", paid)
    assert result["late_charge"] == expected
    assert [s["days"] for s in result["segments"]] == days
    assert all(set(s) == {"start", "end", "days", "rate", "base", "yen"} for s in result["segments"])


def test_partial_payments_on_the_command_line():
    result = calc("late-charge", "--receivable", "city_tax", "--principal", "200000", "--due", "2022-01-31", "--paid", "2022-03-25",
                  "--payment", "2022-03-10:100000")
    assert [s["base"] for s in result["segments"]] == [200_000, 200_000, 100_000]


def test_a_new_years_rate_added_by_an_administrator_is_used():
    with pytest.raises(CommandError, match="2027年"):
        calc("late-charge", "--receivable", "city_tax", "--principal", "200000", "--due", "2026-11-30", "--paid", "2027-02-01")
    LateChargeRate.objects.create(year=2027, lower_bp=300, after_bp=930)
    result = calc("late-charge", "--receivable", "city_tax", "--principal", "200000", "--due", "2026-11-30", "--paid", "2027-02-01")
    # Window 12/1–12/30 at 2026's 2.8%, 12/31 at 2026's 9.1%, then 2027's 9.3%.
    assert [(s["start"], s["rate"]) for s in result["segments"]] == [("2026-12-01", "2.8"), ("2026-12-31", "9.1"), ("2027-01-01", "9.3")]


def test_the_receivables_own_rule_applies():
    nhi = ReceivableType.objects.get(code="national_health_insurance")
    nhi.late_charge_lower_months = 3
    nhi.save()
    result = calc("late-charge", "--receivable", nhi.code, "--principal", "200000", "--due", "2022-01-31", "--paid", "2022-06-30")
    assert [s["end"] for s in result["segments"]] == ["2022-04-30", "2022-06-30"]


def test_deadlines_json():
    result = calc("deadlines", "--due", "2026-01-31", "--demand-issued", "2026-04-07")
    assert result == {"due": "2026-02-02", "demand_by": "2026-02-22", "designated_deadline": "2026-04-17", "seizure_from": "2026-04-18"}


def test_no_seizure_date_for_a_private_claim():
    result = calc("deadlines", "--due", "2026-01-31", "--demand-issued", "2026-04-07", "--receivable", "hospital_fee")
    assert result["seizure_from"] is None


@pytest.mark.parametrize(
    "args, message",
    [
        (["late-charge", "--receivable", "nope", "--principal", "1", "--due", "2026-01-31", "--paid", "2026-02-01"], "登録されていません"),
        (["late-charge", "--receivable", "city_tax", "--principal", "0", "--due", "2026-01-31", "--paid", "2026-02-01"], "1円以上"),
        (["late-charge", "--receivable", "city_tax", "--principal", "5", "--due", "2026-01-31", "--paid", "2026-02-01", "--payment", "x"], "YYYY-MM-DD:円"),
    ],
)
def test_bad_input_gets_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("calc", *args)


def test_private_claim_owes_delay_damages_at_the_statutory_rate():
    """市営住宅使用料 (private): 365,000円 delayed from 2025-04-01 at 3% = 30円 a day; 61 days → 1,830 → 1,800."""
    out = calc("late-charge", "--receivable", "municipal_housing", "--principal", "365000", "--due", "2025-03-31", "--paid", "2025-05-31")
    assert out["late_charge"] == 1_800
    assert [(s["days"], s["rate"], s["yen"]) for s in out["segments"]] == [(61, "3", 1_830)]


def test_private_claim_delayed_before_the_reform_keeps_five_percent():
    out = calc("late-charge", "--receivable", "municipal_housing", "--principal", "365000", "--due", "2020-03-30", "--paid", "2020-05-29")
    assert [(s["days"], s["rate"], s["yen"]) for s in out["segments"]] == [(60, "5", 3_000)]


def test_deferment_on_the_command_line():
    plain = calc("late-charge", "--receivable", "city_tax", "--principal", "1000000", "--due", "2026-03-02", "--paid", "2026-05-31")
    deferred = calc("late-charge", "--receivable", "city_tax", "--principal", "1000000", "--due", "2026-03-02", "--paid", "2026-05-31",
                    "--deferment", "2026-04-01:2026-04-30")
    assert "1.3" in [s["rate"] for s in deferred["segments"]]
    assert deferred["late_charge"] < plain["late_charge"]


def test_no_late_charge_for_a_receivable_without_one():
    assert calc("late-charge", "--receivable", "welfare_repayment", "--principal", "100000", "--due", "2025-03-31", "--paid", "2026-03-31")["late_charge"] == 0
