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
