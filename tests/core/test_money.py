from decimal import Decimal
from fractions import Fraction

from saiken.core.money import percent, point_change, rate


def test_rate_is_exact_and_none_without_assessment():
    assert rate(947, 1000) == Fraction(947, 1000)
    assert rate(5, 0) is None


def test_percent_rounds_half_up_from_the_exact_value():
    assert percent(Fraction(9465, 10000)) == Decimal("94.7")  # 94.65 exactly → 94.7
    assert percent(Fraction(946499, 1000000)) == Decimal("94.6")
    assert percent(Fraction(1, 3)) == Decimal("33.3")
    assert percent(None) is None


def test_point_change_is_computed_exactly_before_rounding():
    # 94.44% and 94.35% each round to 94.4, but the change is +0.09 → +0.1 point.
    assert point_change(Fraction(9444, 10000), Fraction(9435, 10000)) == Decimal("0.1")
