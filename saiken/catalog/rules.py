"""The catalog's settings as the pure rules of saiken.core expect them."""

from saiken.catalog.models import LateChargeRate, LateChargeStart, ReceivableType
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
