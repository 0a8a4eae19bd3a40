"""The catalog's settings as the pure rules of saiken.core expect them."""

from datetime import date

from saiken.catalog.models import LateChargeRate, LateChargeStart, LegalClass, ReceivableType
from saiken.core.deadlines import Deadlines, deadlines
from saiken.core.late_charge import RateTable, Rule, YearRates


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
