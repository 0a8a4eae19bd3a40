"""The demo city: reproducible, complete, consistent, and shaped like the seed's city.

A city of 400 people (a few seconds) as of 2026-11-27, so FY2021–FY2026 with
FY2025 the last complete year. The rate bands are wide for so few people, but a
generator that stops paying, pays everything, or double-books falls outside them.
"""

import io
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum

from saiken.catalog.models import ReceivableType
from saiken.debtors.models import Debtor, DebtorIdentifier
from saiken.demo import bench
from saiken.demo.city import CityConfig, corporate_number, last_complete_year, plan_block
from saiken.demo.load import collection_totals, load_city, reset_city
from saiken.ledger.models import Entry, Instalment, LedgerSummary, Payment
from saiken.ledger.verify import balance_differences, summary_differences

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 27)
CITY = CityConfig(seed=7, debtors=400, as_of=AS_OF)


def quiet(_line: str) -> None:
    pass


def fingerprint() -> dict:
    """What the city is, without its ids."""
    return {
        "debtors": sorted(Debtor.objects.values_list("kind", "name", "name_kana", "birth_date", "corporate_number", "address")),
        "identifiers": sorted(DebtorIdentifier.objects.values_list("system", "value")),
        "assessed": sorted(
            Instalment.objects.values_list("receivable__code", "fiscal_year").annotate(n=Count("id", distinct=True), s=Sum("entries__amount", default=0)).order_by()
        ),
        "payments": sorted(Payment.objects.values_list("reference", "amount", "paid_on", "booked_on", "channel")),
        "summary": sorted(
            LedgerSummary.objects.values_list("receivable__code", "debt_fiscal_year", "settlement_year", "kind", "component", "amount", "entries")
        ),
    }


def test_same_seed_same_city_and_another_seed_another():
    load_city(CITY, progress=quiet)
    first = fingerprint()
    reset_city()
    assert not Debtor.objects.exists() and not Entry.objects.exists() and not LedgerSummary.objects.exists()
    load_city(CITY, block_size=150, progress=quiet)  # blocks are only how it is written
    assert fingerprint() == first
    reset_city()
    load_city(CityConfig(seed=8, debtors=400, as_of=AS_OF), progress=quiet)
    assert fingerprint()["payments"] != first["payments"]


def test_city_is_complete_consistent_and_collects_like_the_seed():
    done = load_city(CITY, progress=quiet)
    # All 14 receivables are assessed, and the ledger proves its caches.
    assert set(Instalment.objects.values_list("receivable__code", flat=True).distinct()) == set(
        ReceivableType.objects.values_list("code", flat=True)
    )
    assert list(balance_differences()) == [] and list(summary_differences()) == []
    call_command("check_ledger", stdout=io.StringIO())
    # Six years, the running one only as far as as-of; older open debts migrated on 2021-06-01.
    years = set(Instalment.objects.values_list("fiscal_year", flat=True))
    assert {2021, 2022, 2023, 2024, 2025, 2026} <= years and max(years) == 2026
    assert not Instalment.objects.filter(assessed_on__gt=AS_OF).exists()
    assert not Payment.objects.filter(booked_on__gt=AS_OF).exists()
    assert not Entry.objects.filter(booked_on__gt=AS_OF).exists()
    assert set(Instalment.objects.filter(fiscal_year__lt=2021).values_list("assessed_on", flat=True)) <= {date(2021, 6, 1)}
    assert Entry.objects.filter(kind="write_off").exists()
    assert done.instalments == Instalment.objects.count() and done.payments == Payment.objects.count()
    # Everyone has a resident number except duplicates from another system.
    without_resident = Debtor.objects.exclude(identifiers__system="resident")
    assert all(d.identifiers.exists() for d in without_resident)

    year = last_complete_year(AS_OF)
    assert year == 2025
    t = collection_totals(year)
    assert 0.85 <= t.total.rate <= 0.99
    assert 0.94 <= t.current.rate <= 0.998
    assert 0.05 <= t.arrears.rate <= 0.60
    assert t.current.rate > t.arrears.rate
    assert t.arrears.assessed > 0 and t.arrears.written_off > 0


def test_plan_has_corporations_duplicates_and_proper_numbers():
    block = plan_block(CityConfig(seed=3, debtors=2_000, as_of=AS_OF), 0, 2_000)
    kinds = Counter(r.kind for r in block.records)
    assert 0.015 <= kinds["corporation"] / 2_000 <= 0.05
    for r in block.records:
        if r.kind == "corporation":
            assert r.birth_date is None and len(r.corporate_number) == 13
            assert corporate_number(int(r.corporate_number[1:])) == r.corporate_number
        else:
            assert r.birth_date is not None and r.corporate_number == ""
        assert r.address and r.postal_code[3] == "-"
    duplicates = [r for r in block.records if "resident" not in dict(r.identifiers)]
    assert 0.005 <= len(duplicates) / 2_000 <= 0.03
    # Each system's number belongs to one record only.
    numbers = [pair for r in block.records for pair in r.identifiers]
    assert len(numbers) == len(set(numbers))
    wards = Counter(r.address.removeprefix("新潟市").split("区")[0] + "区" for r in block.records)
    assert set(wards) == {"北区", "東区", "中央区", "江南区", "秋葉区", "南区", "西区", "西蒲区"}


def test_corporate_number_check_digit():
    assert corporate_number(12050002) == "7000012050002"  # 国税庁


def test_command_refuses_to_mix_cities_and_creates_the_demo_login(capsys):
    args = ["--debtors", "30", "--seed", "2", "--as-of", "2026-11-27"]
    call_command("demo_city", *args)
    out = capsys.readouterr().out
    assert "ログイン: demo / demo" in out and "FY2025 収納率" in out
    assert get_user_model().objects.get(username="demo").is_superuser
    hoiku = get_user_model().objects.get(username="hoiku")
    assert (hoiku.staff.department.code, hoiku.staff.role, hoiku.is_superuser) == ("hoiku", "clerk", False)
    assert get_user_model().objects.get(username="hoiku-kacho").has_perm("relief.approve_reliefdecision")
    n = Debtor.objects.count()
    with pytest.raises(CommandError):
        call_command("demo_city", *args)
    call_command("demo_city", *args, "--if-empty")
    assert Debtor.objects.count() == n
    call_command("demo_city", *args, "--reset")
    assert Debtor.objects.count() == n
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def _late_charge_paid() -> int:
    return Entry.objects.filter(kind="payment", component="late_charge").aggregate(s=Sum("amount"))["s"] or 0


def test_bench_worker_posts_a_day_of_payments_and_the_ledger_stays_exact():
    """More payments than one chunk of post_payments, each instalment paid in many parts
    spread over the chunks: the balances carried between chunks must stay exact."""
    load_city(CityConfig(seed=5, debtors=60, as_of=AS_OF), progress=quiet)
    open_before = Instalment.objects.aggregate(s=Sum("principal_due"))["s"]
    held_before = Instalment.objects.aggregate(s=Sum("overpaid"))["s"]
    late_paid_before = _late_charge_paid()
    result = bench.measure(payments=12_000, seed=5, as_of=AS_OF)
    assert result["payments"] == 12_000 and result["check_ledger_differences"] == 0
    # The parts never exceed a balance: every yen reduced what was owed, none was held as 過誤納金.
    # Late payments of private claims meet their accrued damages first (民法489条), which
    # those payments fix as late charges.
    after = Instalment.objects.aggregate(principal=Sum("principal_due"), held=Sum("overpaid"))
    assert open_before - after["principal"] + _late_charge_paid() - late_paid_before == result["payments_amount"]
    assert after["held"] == held_before


LOANS = ("scholarship_loan", "single_parent_welfare_loan")


def test_loans_carry_contract_dates_many_before_the_civil_code_reform():
    """奨学金 and 母子父子寡婦福祉資金 instalments arise from a contract (契約日); most of a
    city's live loans were lent before 2020-04-01 and are repaid long after it, so
    their prescription follows the old civil code (改正民法附則10条4項)."""
    block = plan_block(CityConfig(seed=3, debtors=2_000, as_of=AS_OF), 0, 2_000)
    loans = [i for i in block.instalments if i.receivable in LOANS]
    assert loans and all(i.arose_on is not None and i.arose_on <= i.nominal_due for i in loans)
    assert all(i.arose_on is None for i in block.instalments if i.receivable not in LOANS)
    reform = date(2020, 4, 1)
    for code in LOANS:
        old_law_due_later = [i for i in loans if i.receivable == code and i.arose_on < reform <= i.nominal_due]
        assert len(old_law_due_later) >= len([i for i in loans if i.receivable == code]) / 3, code
    assert any(i.arose_on >= reform for i in loans)  # and some under the new law


def test_the_loaded_city_projects_old_contracts_under_the_old_law():
    from saiken.core.prescription import Regime
    from saiken.prescription.models import PrescriptionStatus
    from saiken.prescription.projection import refresh

    load_city(CITY, progress=quiet)
    refresh(AS_OF)  # as `saiken demo-city` does
    rows = list(Instalment.objects.filter(receivable__code__in=LOANS).values_list("arose_on", "due_date"))
    assert rows and all(arose is not None for arose, _ in rows)
    statuses = PrescriptionStatus.objects.filter(instalment__receivable__code__in=LOANS, instalment__due_date__gte=date(2020, 4, 1))
    regimes = Counter(
        (arose < date(2020, 4, 1), regime) for arose, regime in statuses.values_list("instalment__arose_on", "regime")
    )
    assert regimes[(True, Regime.PRIVATE_OLD.value)] > 0
    assert set(regimes) <= {(True, Regime.PRIVATE_OLD.value), (False, Regime.PRIVATE_NEW.value)}
