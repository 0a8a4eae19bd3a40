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
    assert all(set(s) == {"start", "end", "days", "rate", "base", "yen", "reason"} for s in result["segments"])


def test_partial_payments_on_the_command_line():
    result = calc("late-charge", "--receivable", "city_tax", "--principal", "200000", "--due", "2022-01-31", "--paid", "2022-03-25",
                  "--payment", "2022-03-10:100000")
    assert [s["base"] for s in result["segments"]] == [200_000, 200_000, 100_000]


def test_a_new_years_rate_added_by_an_administrator_is_used():
    with pytest.raises(CommandError, match="2027年"):
        calc("late-charge", "--receivable", "city_tax", "--principal", "200000", "--due", "2026-11-30", "--paid", "2027-02-01")
    LateChargeRate.objects.create(year=2027, lower_bp=300, after_bp=930)
    result = calc("late-charge", "--receivable", "city_tax", "--principal", "200000", "--due", "2026-11-30", "--paid", "2027-02-01")
    # Window 12/1–12/31 at 2026's 2.8% (民法143条: a month from 12/1), then 2027's 9.3%.
    assert [(s["start"], s["rate"]) for s in result["segments"]] == [("2026-12-01", "2.8"), ("2027-01-01", "9.3")]


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
    """市営住宅使用料 (private): 365,000円 delayed from 2025-04-01 at 3% = 30円 a day; 61 days → 1,830,
    to the yen (民法419条 has no thresholds)."""
    out = calc("late-charge", "--receivable", "municipal_housing", "--principal", "365000", "--due", "2025-03-31", "--paid", "2025-05-31")
    assert out["late_charge"] == 1_830
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


DISASTER_CASE = ["late-charge", "--receivable", "city_tax", "--principal", "1000000", "--due", "2024-05-31", "--paid", "2025-05-31"]


@pytest.mark.parametrize(
    "ground, expected",
    [
        (":disaster", 0), (":illness", 0), (":similar", 0),  # 地方税法15条1項1号・2号, 5号 like them: 15条の9第1項 exempts
        (":business", 8_900), (":loss", 8_900), (":similar_business", 8_900), (":late_assessment", 8_900),
        (":realisation", 8_900), ("", 8_900),  # 猶予特例割合 0.9%
    ],
)
def test_a_deferment_by_its_ground(ground, expected):
    """1,000,000円 due 2024-05-31, deferred 2024-06-01…2025-05-31 and paid on its last day."""
    out = calc(*DISASTER_CASE, "--deferment", f"2024-06-01:2025-05-31{ground}")
    assert out["late_charge"] == expected
    reasons = {s["reason"] for s in out["segments"]}
    assert reasons == ({"exempt_deferment"} if expected == 0 else {"reduced_deferment"})


def test_stops_on_the_command_line():
    """Two --stop periods carry no charge (地方税法15条の9第1項)."""
    args = ["late-charge", "--receivable", "city_tax", "--principal", "1000000", "--due", "2025-04-30", "--paid", "2025-12-31"]
    assert calc(*args)["late_charge"] == 53_000
    one = calc(*args, "--stop", "2025-07-01:2025-09-30")
    assert one["late_charge"] == 31_100
    assert [(s["start"], s["rate"], s["yen"], s["reason"]) for s in one["segments"]][2] == ("2025-07-01", "0", 0, "stop")
    two = calc(*args, "--stop", "2025-07-01:2025-09-30", "--stop", "2025-10-01:2025-12-31")
    assert two["late_charge"] == 9_100  # 2,038 + 7,150 = 9,188


def test_the_text_output_names_the_exempt_days():
    out = io.StringIO()
    call_command("calc", *DISASTER_CASE, "--deferment", "2024-06-01:2025-05-31:disaster", stdout=out)
    assert "徴収猶予期間（免除）" in out.getvalue()
    assert "延滞金 0円" in out.getvalue()


def test_a_deferment_in_2019_is_calculated_now():
    """The calculator refused 2014–2020 deferments: 2019's rate in a 猶予 is 1.6% (特例基準割合)."""
    out = calc("late-charge", "--receivable", "city_tax", "--principal", "1000000", "--due", "2019-03-01", "--paid", "2019-06-01",
               "--deferment", "2019-04-01:2019-04-30:business")
    assert [s["rate"] for s in out["segments"]] == ["2.6", "1.6", "1.6", "8.9"]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--stop", "2025-07-01"], "--stop は YYYY-MM-DD:YYYY-MM-DD"),
        (["--stop", "2025-09-30:2025-07-01"], "執行停止期間の終了日が開始日より前です"),
        (["--deferment", "2024-06-01:2025-05-31:flood"], "理由 'flood' は使えません"),
        (["--deferment", "2024-06-01:2025-05-31:disaster:x"], "YYYY-MM-DD:YYYY-MM-DD\\[:理由\\]"),
        (["--deferment", "2025-05-31:2024-06-01:disaster"], "猶予期間の終了日が開始日より前です"),
        (["--deferment", "2024-06-31:2025-05-31"], "--deferment は YYYY-MM-DD:YYYY-MM-DD"),
    ],
)
def test_bad_periods_get_a_clear_message(extra, message):
    with pytest.raises(CommandError, match=message):
        call_command("calc", *DISASTER_CASE, *extra)


def test_single_parent_loan_penalty_at_its_orders_rates():
    """母子父子寡婦福祉資金 違約金 (母子及び父子並びに寡婦福祉法施行令17条): 10.75% until
    2015-03-31, 5% until 2020-03-31, 3% since, each day at its own rate, to the yen."""
    out = calc("late-charge", "--receivable", "single_parent_welfare_loan", "--principal", "365000", "--due", "2015-03-27",
               "--paid", "2020-04-02")
    # 4 days × 107.5円, 1,827 days × 50円, 2 days × 30円
    assert [(s["start"], s["rate"], s["yen"]) for s in out["segments"]] == [
        ("2015-03-28", "10.75", 430), ("2015-04-01", "5", 91_350), ("2020-04-01", "3", 60),
    ]
    assert out["late_charge"] == 91_840


def test_private_claims_are_charged_to_the_yen_by_default():
    """市民病院診療費: 1,500円 (under the tax model's 2,000円) delayed 365 days at 3% → 45円."""
    out = calc("late-charge", "--receivable", "hospital_fee", "--principal", "1500", "--due", "2024-04-30", "--paid", "2025-04-30")
    assert out["late_charge"] == 45
    r = ReceivableType.objects.get(code="hospital_fee")
    assert (r.late_charge_min_principal, r.late_charge_base_unit, r.late_charge_min_total, r.late_charge_total_unit) == (0, 1, 0, 1)


def test_no_late_charge_for_a_receivable_without_one():
    assert calc("late-charge", "--receivable", "welfare_repayment", "--principal", "100000", "--due", "2025-03-31", "--paid", "2026-03-31")["late_charge"] == 0


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--deferment", "2025-06-10:2025-06-20:bogus", "--deferment の理由 'bogus' は使えません"),
        ("--stop", "2025-06-10:2025-06-01", "執行停止期間の終了日が開始日より前です"),
        ("--payment", "2025-06-10", "--payment は YYYY-MM-DD:円 の形式で指定してください"),
    ],
)
def test_a_bad_option_on_the_real_command_line_is_a_usage_error_not_a_traceback(tmp_path, option, value, message):
    """Options are parsed before the command runs, outside Django's CommandError handling."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    saiken = Path(sys.executable).with_name("saiken")
    env = {**os.environ, "SAIKEN_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    args = [str(saiken), "calc", "late-charge", "--receivable", "city_tax", "--principal", "102000",
            "--due", "2025-04-30", "--paid", "2025-07-31", option, value]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "due, paid, window_end, expected",
    [
        # 民法143条 from the day after the due date: the lower rate runs through the month's end.
        ("2025-04-30", "2025-07-31", "2025-05-31", 1_600),  # counted to 5/30 before: 1,700円
        ("2025-06-30", "2025-09-30", "2025-07-31", None),
        ("2025-02-28", "2025-05-30", "2025-03-31", 1_600),  # common year; counted to 3/28 before: 1,700円
    ],
)
def test_the_lower_rate_window_on_the_command_line(due, paid, window_end, expected):
    principal = "102000" if due != "2025-02-28" else "101000"
    result = calc("late-charge", "--receivable", "city_tax", "--principal", principal, "--due", due, "--paid", paid)
    assert result["segments"][0]["end"] == window_end and result["segments"][0]["rate"] == "2.4"
    assert result["segments"][1]["rate"] == "8.7"
    if expected is not None:
        assert result["late_charge"] == expected
