"""The late-charge settings a city starts with (catalog migration …_late_charge_settings), each one data an
administrator may change: the migration fills only what still holds the old default."""

import importlib
import pkgutil
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

import saiken.catalog.migrations
from saiken.catalog.models import LateChargeRate, ReceivableType
from saiken.catalog.rules import rate_table, receivable_late_charge

pytestmark = pytest.mark.django_db

# Found by name, whatever number the migration ends up with.
settings = importlib.import_module(next(
    f"saiken.catalog.migrations.{m.name}" for m in pkgutil.iter_modules(saiken.catalog.migrations.__path__) if m.name.endswith("_late_charge_settings")
))


def test_every_year_has_a_deferment_rate():
    rates = rate_table()
    assert [rates.for_year(y).deferment_bp for y in (1999, 2000, 2013, 2014, 2016, 2017, 2020, 2021)] == [730, 450, 430, 190, 180, 170, 160, 100]


def test_the_migration_fills_only_empty_deferment_rates():
    LateChargeRate.objects.filter(year=2015).update(deferment_bp=None)
    LateChargeRate.objects.filter(year=2016).update(deferment_bp=175)  # an administrator's own figure
    settings.forward(apps, None)
    assert dict(LateChargeRate.objects.filter(year__in=[2015, 2016]).values_list("year", "deferment_bp")) == {2015: 180, 2016: 175}


def test_private_receivables_are_to_the_yen_unless_the_city_changed_them():
    housing = ReceivableType.objects.get(code="municipal_housing")
    assert (housing.late_charge_min_principal, housing.late_charge_base_unit, housing.late_charge_min_total, housing.late_charge_total_unit) == (0, 1, 0, 1)
    # Public receivables keep the tax model's thresholds.
    city_tax = ReceivableType.objects.get(code="city_tax")
    assert (city_tax.late_charge_min_principal, city_tax.late_charge_base_unit, city_tax.late_charge_min_total, city_tax.late_charge_total_unit) == (2000, 1000, 1000, 100)
    # A city's own choice is kept when the migration runs again.
    ReceivableType.objects.filter(code="hospital_fee").update(late_charge_min_total=500, late_charge_total_unit=100)
    settings.forward(apps, None)
    hospital = ReceivableType.objects.get(code="hospital_fee")
    assert (hospital.late_charge_min_total, hospital.late_charge_total_unit) == (500, 100)


def test_single_parent_loan_penalty_is_its_orders_rate():
    r = ReceivableType.objects.get(code="single_parent_welfare_loan")
    assert (r.late_charge_kind, r.contract_rate_basis_points) == ("contract", None)
    assert r.contract_rate_periods.splitlines() == ["1964-07-01 10.75", "2015-04-01 5", "2020-04-01 3"]
    assert r.late_charge_basis == "母子及び父子並びに寡婦福祉法施行令第17条"  # what its notices cite
    # 2020-04-01 onward at 3%: 365,000円 for 10 days = 300円.
    assert receivable_late_charge(r, principal=365_000, due=date(2024, 5, 31), paid=date(2024, 6, 10)).amount == 300


def test_a_flat_contract_rate_still_applies_without_periods():
    r = ReceivableType.objects.get(code="scholarship_loan")
    r.contract_rate_basis_points = 500
    assert receivable_late_charge(r, principal=365_000, due=date(2024, 5, 31), paid=date(2024, 6, 10)).amount == 500
    r.contract_rate_basis_points = None  # no agreed rate: the statutory rate (民法419条1項)
    assert receivable_late_charge(r, principal=365_000, due=date(2024, 5, 31), paid=date(2024, 6, 10)).amount == 300


def test_bad_settings_are_refused_by_the_model():
    r = ReceivableType.objects.get(code="single_parent_welfare_loan")
    r.contract_rate_periods = "2020-04-01 3\n令和2年 5"
    r.late_charge_total_unit = 0
    with pytest.raises(ValidationError) as e:
        r.full_clean()
    assert set(e.value.message_dict) == {"contract_rate_periods", "late_charge_total_unit"}
    assert "2行目" in e.value.message_dict["contract_rate_periods"][0]
