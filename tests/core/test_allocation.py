from datetime import date

import pytest

from saiken.core.allocation import CIVIL_CODE_ORDER, Allocation, Component, Debt, Scope, allocate, parse_order

P, L, F = Component.PRINCIPAL, Component.LATE_CHARGE, Component.FEE
OLD = Debt("old", date(2024, 6, 30), {P: 10_000, L: 1_200, F: 100})
NEW = Debt("new", date(2024, 7, 31), {P: 10_000, L: 0, F: 100})


def test_public_order_principal_then_late_charge_then_fee_oldest_first():
    allocations, rest = allocate(11_250, [NEW, OLD])
    assert allocations == [Allocation("old", P, 10_000), Allocation("old", L, 1_200), Allocation("old", F, 50)]
    assert rest == 0


def test_component_first_scope_clears_every_principal_before_any_late_charge():
    allocations, rest = allocate(20_500, [NEW, OLD], scope=Scope.COMPONENT_FIRST)
    assert allocations == [Allocation("old", P, 10_000), Allocation("new", P, 10_000), Allocation("old", L, 500)]
    assert rest == 0


def test_civil_code_order_costs_then_interest_then_principal():
    allocations, _ = allocate(1_000, [OLD], order=CIVIL_CODE_ORDER)
    assert allocations == [Allocation("old", F, 100), Allocation("old", L, 900)]


def test_excess_is_returned_as_remainder():
    allocations, rest = allocate(25_000, [OLD, NEW])
    assert sum(a.amount for a in allocations) == 21_400
    assert rest == 3_600


@pytest.mark.parametrize("amount", [0, -1])
def test_amount_must_be_positive(amount):
    with pytest.raises(ValueError):
        allocate(amount, [OLD])


def test_parse_order_requires_each_component_once():
    assert parse_order("fee, late_charge, principal") == CIVIL_CODE_ORDER
    for bad in ["principal,fee", "principal,principal,fee", "principal,late_charge,fee,tax"]:
        with pytest.raises(ValueError):
            parse_order(bad)
