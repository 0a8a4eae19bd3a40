"""Targets: which apply in a year, whether they are met (at the edges), and who sets them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saiken.audit.models import AuditEvent
from saiken.catalog.models import ReceivableType
from saiken.goals.actions import delete_target, may_set_targets, set_target
from saiken.goals.indicators import attainment, targets_for
from saiken.goals.models import Comparison, Indicator, Target

pytestmark = pytest.mark.django_db


def target(code: str, comparison: str, value=None) -> Target:
    return Target(indicator=Indicator.objects.get(code=code), fiscal_year=2024, comparison=comparison,
                  value=Decimal(value) if value is not None else None)


@pytest.mark.parametrize(
    ("code", "comparison", "value", "actual", "previous", "expected"),
    [
        # at least 98.5%: exactly met, 0.1 short, well over
        ("current_rate", Comparison.AT_LEAST, "98.5", Decimal("98.5"), None, (True, Decimal("0.0"))),
        ("current_rate", Comparison.AT_LEAST, "98.5", Decimal("98.4"), None, (False, Decimal("-0.1"))),
        ("current_rate", Comparison.AT_LEAST, "98.5", Decimal("99.0"), None, (True, Decimal("0.5"))),
        # at most 50,000,000円 of 未収金: met on the line, missed by one yen
        ("total_unpaid", Comparison.AT_MOST, "50000000", 50_000_000, None, (True, 0)),
        ("total_unpaid", Comparison.AT_MOST, "50000000", 50_000_001, None, (False, -1)),
        # above last year: the same published rate has not risen
        ("total_rate", Comparison.ABOVE_LAST_YEAR, None, Decimal("94.7"), Decimal("94.7"), (False, Decimal("0.0"))),
        ("total_rate", Comparison.ABOVE_LAST_YEAR, None, Decimal("94.8"), Decimal("94.7"), (True, Decimal("0.1"))),
        ("total_rate", Comparison.ABOVE_LAST_YEAR, None, Decimal("94.6"), Decimal("94.7"), (False, Decimal("-0.1"))),
        # below last year (未収金 shrinking)
        ("total_unpaid", Comparison.BELOW_LAST_YEAR, None, 9_600, 9_900, (True, 300)),
        ("total_unpaid", Comparison.BELOW_LAST_YEAR, None, 9_900, 9_900, (False, 0)),
        # nothing to judge
        ("total_rate", Comparison.ABOVE_LAST_YEAR, None, Decimal("94.8"), None, (None, None)),
        ("total_rate", Comparison.AT_LEAST, "95.0", None, None, (None, None)),
        ("total_rate", Comparison.AT_LEAST, None, Decimal("95.0"), None, (None, None)),
        ("investigations", Comparison.AT_LEAST, "100", None, None, (None, None)),
    ],
)
def test_attainment(code, comparison, value, actual, previous, expected):
    achieved, gap = attainment(target(code, comparison, value), actual, previous)
    assert (achieved, gap) == expected
    if gap is not None:
        assert type(gap) is type(expected[1])  # points as Decimal, yen and counts as int


def test_the_seed_citys_overall_goal_applies_from_fy2018_on():
    for year in (2018, 2024, 2031):
        (goal,) = [t for t in targets_for(year) if t.receivable_id is None]
        assert goal.indicator.code == "total_rate"
        assert goal.comparison == Comparison.ABOVE_LAST_YEAR
        assert goal.fiscal_year == 2018 and goal.carries_forward
    assert [t for t in targets_for(2017) if t.receivable_id is None] == []


def test_a_later_target_replaces_a_carried_one_and_one_year_targets_do_not_carry(member):
    tax = ReceivableType.objects.get(code="city_tax")
    rate = Indicator.objects.get(code="current_rate")
    set_target(indicator=rate, receivable=tax, fiscal_year=2023, comparison="at_least", value=Decimal("98.5"), carries_forward=True, user=member)
    set_target(indicator=rate, receivable=tax, fiscal_year=2025, comparison="at_least", value=Decimal("99.0"), user=member)
    mine = {y: [t for t in targets_for(y) if t.receivable_id == tax.id] for y in (2022, 2023, 2024, 2025, 2026)}
    assert mine[2022] == []
    assert [t.value for t in mine[2023]] == [Decimal("98.5")]
    assert [(t.value, t.fiscal_year) for t in mine[2024]] == [(Decimal("98.5"), 2023)]  # carried
    assert [t.value for t in mine[2025]] == [Decimal("99.0")]
    assert mine[2026] == []  # 2025's does not carry


def test_setting_a_target_replaces_the_same_key_and_is_audited(member):
    rate = Indicator.objects.get(code="current_rate")
    first = set_target(indicator=rate, receivable=None, fiscal_year=2025, comparison="at_least", value=Decimal("98"), user=member)
    second = set_target(indicator=rate, receivable=None, fiscal_year=2025, comparison="at_least", value=Decimal("98.5"), note="引上げ", user=member)
    assert first.pk == second.pk and Target.objects.filter(indicator=rate).count() == 1
    events = list(AuditEvent.objects.filter(action="goals.set_target").order_by("id"))
    assert len(events) == 2
    assert events[1].detail["before"]["value"] == "98.0" and events[1].detail["after"]["value"] == "98.5"
    assert events[1].user == member
    delete_target(second, user=member)
    assert not Target.objects.filter(indicator=rate).exists()
    assert AuditEvent.objects.filter(action="goals.delete_target").count() == 1


@pytest.mark.parametrize(
    ("code", "comparison", "value", "field"),
    [
        ("current_rate", "at_least", Decimal("100.5"), "value"),  # a percentage over 100
        ("total_unpaid", "at_most", Decimal("1000.5"), "value"),  # yen are whole
        ("total_rate", "above_last_year", Decimal("95"), "value"),  # relative: no value
        ("total_rate", "at_least", None, "value"),  # absolute: a value
    ],
)
def test_a_target_that_does_not_fit_its_indicator_is_refused_and_nothing_is_written(member, code, comparison, value, field):
    before = Target.objects.count()
    with pytest.raises(ValidationError) as e:
        set_target(indicator=Indicator.objects.get(code=code), receivable=None, fiscal_year=2025, comparison=comparison, value=value, user=member)
    assert field in e.value.message_dict
    assert Target.objects.count() == before
    assert not AuditEvent.objects.filter(action="goals.set_target").exists()


def test_only_the_committee_and_administrators_set_targets(member, clerk, admin_user):
    assert may_set_targets(member) and may_set_targets(admin_user)
    assert not may_set_targets(clerk)
    with pytest.raises(PermissionError):
        set_target(indicator=Indicator.objects.get(code="total_rate"), receivable=None, fiscal_year=2025,
                   comparison="above_last_year", value=None, user=clerk)
