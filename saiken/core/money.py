"""Money is whole yen (int); rates are exact fractions shown to 0.1 point."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def rate(numerator: int, denominator: int) -> Fraction | None:
    """An exact ratio, or None where the denominator is zero (nothing assessed)."""
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)


def percent(r: Fraction | None, places: int = 1) -> Decimal | None:
    """The ratio as a percentage rounded half-up to `places` decimals (94.66… → 94.7)."""
    if r is None:
        return None
    exact = Decimal(r.numerator * 100) / Decimal(r.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def point_change(current: Fraction | None, previous: Fraction | None, places: int = 1) -> Decimal | None:
    """Change in percentage points, computed exactly and then rounded."""
    if current is None or previous is None:
        return None
    return percent(current - previous, places)


def yen(amount: int) -> str:
    """1234567 → '1,234,567'"""
    return f"{amount:,}"
