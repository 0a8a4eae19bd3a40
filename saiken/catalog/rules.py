"""The catalog's settings as the pure rules of saiken.core expect them."""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from saiken.catalog.models import LateChargeKind, LateChargeRate, LateChargeStart, LegalClass, ReceivableType
from saiken.core.deadlines import Deadlines, deadlines
from saiken.core.late_charge import (
    STATUTORY_RATES,
    Deferment,
    Deferral,
    LateCharge,
    RateTable,
    Rule,
    YearRates,
    delay_damages,
    late_charge,
    parse_rate_periods,
)


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
    deferments: Iterable[Deferment | tuple[date, date]] = (),
    stops: Iterable[tuple[date, date]] = (),
    rates: RateTable | None = None,
    deferrals: Iterable[Deferral] = (),
) -> LateCharge:
    """The late charge of a receivable's instalment by its own kind of charge:
    延滞金 under the tax-model table (with the 猶予 and 執行停止 of 地方税法15条の9),
    or 遅延損害金 / 違約金 at the contract, order or statutory rate; either without the
    principal a 履行延期の特約 has not yet made due (`deferrals`, 施行令171条の6)."""
    kind = r.late_charge_kind
    if kind == LateChargeKind.NONE:
        return LateCharge(0)
    rule = late_charge_rule(r)
    if kind in (LateChargeKind.TAX, LateChargeKind.ORDINANCE):
        return late_charge(
            principal=principal, due=due, paid=paid, rates=rates or rate_table(), rule=rule, payments=payments,
            designated_deadline=designated_deadline, deferments=deferments, stops=stops, deferrals=deferrals,
        )
    common = {"principal": principal, "due": due, "paid": paid, "rule": rule, "payments": payments, "designated_deadline": designated_deadline,
              "deferrals": deferrals}
    if kind == LateChargeKind.CONTRACT:
        periods = _rate_periods(r.contract_rate_periods)
        if periods is not None:
            # A rate set by an order that changed over time: each day at its own rate.
            return delay_damages(rate_periods=periods, **common)
        if r.contract_rate_basis_points is not None:
            return delay_damages(rate_bp=r.contract_rate_basis_points, **common)
    # No agreed rate: the statutory rate of the first day of delay (民法419条1項).
    return delay_damages(rate_bp=STATUTORY_RATES.at(due + timedelta(days=1)), **common)


@lru_cache(maxsize=64)
def _rate_periods(text: str):
    """Parsed once per distinct setting, not once per payment of a batch."""
    return parse_rate_periods(text)
