"""The city's table on a hand-checked fixture.

Receivable A, reported for FY2024:

| debt | entry                               | settles in |
|------|-------------------------------------|------------|
| 2024 | assessed 100,000                    | 2024 |
| 2024 | paid 60,000                         | 2024 |
| 2024 | paid 10,000 on 2025-05-10 (出納整理) | 2024 |
| 2024 | paid 5,000 in July 2025             | 2025 |
| 2024 | overpaid 500 (paid 500, set aside)  | 2024 |
| 2023 | assessed 50,000, paid 30,000        | 2023 |
| 2023 | paid 4,000, written off 1,000       | 2024 |
| 2021 | assessed 10,000                     | 2021 |
| 2021 | increased 2,000                     | 2024 |

FY2024: 現年 100,000 / 70,000 / 0 → 30,000, 70.0%;
滞繰 (20,000 carried + 12,000) 32,000 / 4,000 / 1,000 → 27,000, 12.5%;
合計 132,000 / 74,000 / 1,000 → 57,000, 56.1%.
"""

from decimal import Decimal
from fractions import Fraction

from saiken.core.allocation import Component
from saiken.core.collection import SummaryRow, city_total, collection_lines, points
from saiken.core.entries import Kind
from saiken.core.money import percent

P = Component.PRINCIPAL


def row(debt_fy, sy, kind, amount, component=P, receivable="A"):
    return SummaryRow(receivable, debt_fy, sy, kind, component, amount)


ROWS = [
    row(2024, 2024, Kind.ASSESSMENT, 100_000),
    row(2024, 2024, Kind.PAYMENT, 60_000 + 10_000 + 500),
    row(2024, 2024, Kind.OVERPAYMENT, 500),
    row(2024, 2025, Kind.PAYMENT, 5_000),
    row(2023, 2023, Kind.ASSESSMENT, 50_000),
    row(2023, 2023, Kind.PAYMENT, 30_000),
    row(2023, 2024, Kind.PAYMENT, 4_000),
    row(2023, 2024, Kind.WRITE_OFF, 1_000),
    row(2021, 2021, Kind.ASSESSMENT, 10_000),
    row(2021, 2024, Kind.INCREASE, 2_000),
    row(2024, 2024, Kind.ASSESSMENT, 900, component=Component.LATE_CHARGE),  # not in the principal table
]


def test_hand_checked_year():
    line = collection_lines(ROWS, 2024)["A"]
    assert (line.current.assessed, line.current.collected, line.current.written_off, line.current.unpaid) == (100_000, 70_000, 0, 30_000)
    assert (line.arrears.assessed, line.arrears.collected, line.arrears.written_off, line.arrears.unpaid) == (32_000, 4_000, 1_000, 27_000)
    assert (line.total.assessed, line.total.collected, line.total.written_off, line.total.unpaid) == (132_000, 74_000, 1_000, 57_000)
    assert line.current.rate == Fraction(7, 10)
    assert percent(line.arrears.rate) == Decimal("12.5")
    assert percent(line.total.rate) == Decimal("56.1")
    assert line.refunds_due == 500


def test_what_is_unpaid_at_close_is_next_years_arrears():
    y2024 = collection_lines(ROWS, 2024)["A"]
    y2025 = collection_lines(ROWS, 2025)["A"]
    assert y2025.current.assessed == 0
    assert y2025.arrears.assessed == y2024.total.unpaid == 57_000
    assert y2025.arrears.collected == 5_000


def test_previous_year_and_points():
    y2023 = collection_lines(ROWS, 2023)["A"]
    assert (y2023.current.assessed, y2023.current.collected) == (50_000, 30_000)
    assert y2023.arrears.assessed == 10_000  # the FY2021 debt before its increase
    y2024 = collection_lines(ROWS, 2024)["A"]
    # 70.0% against 60.0%: +10.0 points
    assert points(y2024.current, y2023.current) == Decimal("10.0")


def test_components_can_be_included():
    line = collection_lines(ROWS, 2024, components=frozenset(Component))["A"]
    assert line.current.assessed == 100_900


def test_city_total_adds_receivables():
    rows = ROWS + [row(2024, 2024, Kind.ASSESSMENT, 1_000, receivable="B"), row(2024, 2024, Kind.PAYMENT, 1_000, receivable="B")]
    total = city_total(collection_lines(rows, 2024).values())
    assert (total.total.assessed, total.total.collected) == (133_000, 75_000)


def test_no_assessment_has_no_rate():
    assert collection_lines([], 2024) == {}
    assert collection_lines([row(2026, 2026, Kind.ASSESSMENT, 5)], 2024)["A"].total.rate is None
