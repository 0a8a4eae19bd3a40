"""履行延期の特約 in the late charge (地方自治法施行令171条の6): what accrued before the
agreement is kept; nothing accrues on principal not yet due under it; a portion paid
late is charged from the day after its new due date."""

from datetime import date

from saiken.core.late_charge import TAX_MODEL_RATES, Deferral, RateTable, Rule, delay_damages, late_charge
from saiken.core.relief import component_portions

RATES = RateTable(TAX_MODEL_RATES)
TO_THE_YEN = Rule(min_principal=0, base_unit=1, min_total=0, total_unit=1)
# 100,000円 due 2023-03-31; 特約 from 2023-10-01: 50,000 due 10/31 and 50,000 due 11/30.
AGREEMENT = Deferral(date(2023, 10, 1), ((date(2023, 10, 31), 50_000), (date(2023, 11, 30), 50_000)))


def charge(**kw):
    return late_charge(principal=100_000, due=date(2023, 3, 31), rates=RATES, **kw)


def test_ordinance_charge_stops_on_the_portions_not_yet_due_and_resumes_on_a_late_one():
    # First portion paid on its date, second 15 days late (12/15).
    got = charge(paid=date(2023, 12, 15), payments=[(date(2023, 10, 31), 50_000)], deferrals=[AGREEMENT])
    assert [(s.start, s.end, s.base, s.rate_bp, s.yen) for s in got.segments] == [
        (date(2023, 4, 1), date(2023, 4, 30), 100_000, 240, 197),  # accrued before the agreement: kept
        (date(2023, 5, 1), date(2023, 9, 30), 100_000, 870, 3_646),
        (date(2023, 10, 1), date(2023, 10, 31), 0, 870, 0),  # not yet due
        (date(2023, 11, 1), date(2023, 11, 30), 0, 870, 0),
        (date(2023, 12, 1), date(2023, 12, 15), 50_000, 870, 178),  # late: from the day after 11/30
    ]
    assert got.amount == 4_000
    assert [s.reason for s in got.segments] == ["", "", "deferral", "deferral", ""]
    assert got.segments[2].reason_label == "履行延期の特約（履行期限未到来の額を除く）"
    # Without the agreement: 10/1–10/31 on 100,000 and 11/1–12/15 on 50,000 as well.
    assert charge(paid=date(2023, 12, 15), payments=[(date(2023, 10, 31), 50_000)]).amount == 5_100


def test_all_paid_on_the_new_dates_keeps_only_what_accrued_before():
    got = charge(paid=date(2023, 11, 30), payments=[(date(2023, 10, 31), 50_000)], deferrals=[AGREEMENT])
    assert got.raw_total == 197 + 3_646


def test_an_unpaid_first_portion_is_charged_from_the_day_after_its_date():
    got = charge(paid=date(2023, 11, 10), deferrals=[AGREEMENT])
    assert [(s.start, s.end, s.base) for s in got.segments][-2:] == [
        (date(2023, 10, 1), date(2023, 10, 31), 0), (date(2023, 11, 1), date(2023, 11, 10), 50_000),
    ]


def test_an_agreement_before_the_due_date_leaves_nothing_to_charge_on_time():
    early = Deferral(date(2023, 3, 1), ((date(2023, 6, 30), 100_000),))
    assert charge(paid=date(2023, 6, 30), deferrals=[early]).raw_total == 0
    # and the base never goes below zero when more is deferred than owed
    assert charge(paid=date(2023, 6, 30), payments=[(date(2023, 4, 1), 40_000)], deferrals=[early]).raw_total == 0


def test_a_later_agreement_replaces_an_earlier_one_from_its_start():
    second = Deferral(date(2023, 11, 1), ((date(2024, 3, 31), 100_000),))
    got = charge(paid=date(2024, 3, 31), deferrals=[AGREEMENT, second])
    assert got.raw_total == 197 + 3_646  # 10/1–10/31 deferred by the first, then by the second


def test_delay_damages_on_a_private_claim():
    # 120,000円 due 2024-03-31 at 3%; 特約 from 6/1: 60,000 on 6/30, 60,000 on 7/31, the
    # second paid 10 days late (8/10).
    agreement = Deferral(date(2024, 6, 1), ((date(2024, 6, 30), 60_000), (date(2024, 7, 31), 60_000)))
    got = delay_damages(principal=120_000, due=date(2024, 3, 31), paid=date(2024, 8, 10), rate_bp=300, rule=TO_THE_YEN,
                        payments=[(date(2024, 6, 30), 60_000)], deferrals=[agreement])
    assert [(s.start, s.end, s.base, s.yen) for s in got.segments] == [
        (date(2024, 4, 1), date(2024, 5, 31), 120_000, 601),  # 61 days before the agreement
        (date(2024, 6, 1), date(2024, 6, 30), 0, 0),
        (date(2024, 7, 1), date(2024, 7, 31), 0, 0),
        (date(2024, 8, 1), date(2024, 8, 10), 60_000, 49),
    ]
    assert got.amount == 650


def test_component_portions_follow_the_allocation_order():
    portions = [(date(2024, 4, 30), 40), (date(2024, 5, 31), 30)]
    civil = component_portions(portions, [("fee", 0), ("late_charge", 10), ("principal", 60)])
    assert civil == {"fee": [], "late_charge": [(date(2024, 4, 30), 10)], "principal": [(date(2024, 4, 30), 30), (date(2024, 5, 31), 30)]}
    public = component_portions(portions, [("principal", 60), ("late_charge", 10), ("fee", 0)])
    assert public["principal"] == [(date(2024, 4, 30), 40), (date(2024, 5, 31), 20)]
    assert public["late_charge"] == [(date(2024, 5, 31), 10)]
