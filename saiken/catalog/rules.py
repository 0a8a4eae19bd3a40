"""The catalog's settings as the pure rules of saiken.core expect them."""

from datetime import date, timedelta

from collections.abc import Iterable

from saiken.catalog.models import LateChargeKind, LateChargeRate, LateChargeStart, LegalClass, ReceivableType
from saiken.core.deadlines import Deadlines, deadlines
from saiken.core.late_charge import STATUTORY_RATES, LateCharge, RateTable, Rule, YearRates, delay_damages, late_charge


def rate_table() -> RateTable:
    return RateTable(tuple(YearRates(*row) for row in LateChargeRate.objects.values_list("year", "lower_bp", "after_bp", "deferment_bp")))


def late_charge_rule(r: ReceivableType) -> Rule:
    return Rule(
        lower_months=r.late_charge_lower_months,
        min_principal=r.late_charge_min_principal,
        base_unit=r.late_charge_base_unit,
        min_total=r.late_charge_min_total,
        total_unit=r.late_charge_total_unit,
        from_designated_deadline=r.late_charge_start == LateChargeStart.DESIGNATED_DEADLINE,
    )


def receivable_deadlines(r: ReceivableType, nominal_due: date, demand_issued: date | None = None) -> Deadlines:
    return deadlines(
        nominal_due,
        demand_window_days=r.demand_window_days,
        designated_days=r.designated_deadline_days,
        designated_rolls=r.designated_deadline_rolls,
        forcible=r.legal_class == LegalClass.FORCIBLE,
        demand_issued=demand_issued,
    )


def receivable_late_charge(
    r: ReceivableType,
    *,
    principal: int,
    due: date,
    paid: date,
    payments: Iterable[tuple[date, int]] = (),
    designated_deadline: date | None = None,
    deferments: Iterable[tuple[date, date]] = (),
    rates: RateTable | None = None,
) -> LateCharge:
    """The late charge of a receivable's instalment by its own kind of charge:
    延滞金 under the tax-model table, or 遅延損害金 at the contract or statutory rate."""
    kind = r.late_charge_kind
    if kind == LateChargeKind.NONE:
        return LateCharge(0)
    rule = late_charge_rule(r)
    if kind in (LateChargeKind.TAX, LateChargeKind.ORDINANCE):
        return late_charge(
            principal=principal, due=due, paid=paid, rates=rates or rate_table(), rule=rule, payments=payments,
            designated_deadline=designated_deadline, deferments=deferments,
        )
    if kind == LateChargeKind.CONTRACT and r.contract_rate_basis_points is not None:
        rate_bp = r.contract_rate_basis_points
    else:
        # No agreed rate: the statutory rate of the first day of delay (民法419条1項).
        rate_bp = STATUTORY_RATES.at(due + timedelta(days=1))
    return delay_damages(
        principal=principal, due=due, paid=paid, rate_bp=rate_bp, rule=rule, payments=payments, designated_deadline=designated_deadline
    )
