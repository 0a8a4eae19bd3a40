"""履行延期の特約 (地方自治法施行令171条の6): the agreed payments as each instalment's portions."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from saiken.core.relief import deferral_portions

D = date


def test_one_payment_spans_two_instalments():
    # 2 instalments of 30,000 and 50,000; payments of 40,000 each: the first closes
    # instalment 1 and puts 10,000 on instalment 2.
    got = deferral_portions(
        [(D(2025, 1, 31), 40_000), (D(2025, 2, 28), 40_000)],
        [(2, D(2024, 8, 31), 50_000), (1, D(2024, 7, 31), 30_000)],
    )
    assert got == {1: [(D(2025, 1, 31), 30_000)], 2: [(D(2025, 1, 31), 10_000), (D(2025, 2, 28), 40_000)]}


def test_one_instalment_takes_several_payments():
    got = deferral_portions(
        [(D(2025, 1, 31), 10_000), (D(2025, 2, 28), 10_000), (D(2025, 3, 31), 10_001)], [(7, D(2024, 7, 31), 30_001)]
    )
    assert got == {7: [(D(2025, 1, 31), 10_000), (D(2025, 2, 28), 10_000), (D(2025, 3, 31), 10_001)]}


def test_exact_fits_start_each_instalment_on_a_new_payment():
    got = deferral_portions(
        [(D(2025, 1, 31), 30_000), (D(2025, 2, 28), 50_000)],
        [(1, D(2024, 7, 31), 30_000), (2, D(2024, 8, 31), 50_000)],
    )
    assert got == {1: [(D(2025, 1, 31), 30_000)], 2: [(D(2025, 2, 28), 50_000)]}


def test_same_due_date_oldest_id_first_and_schedule_order_by_date():
    got = deferral_portions(
        [(D(2025, 2, 28), 5), (D(2025, 1, 31), 5)], [(9, D(2024, 7, 31), 4), (3, D(2024, 7, 31), 6)]
    )
    assert got == {3: [(D(2025, 1, 31), 5), (D(2025, 2, 28), 1)], 9: [(D(2025, 2, 28), 4)]}


def test_nothing_owed_no_portions_and_a_short_schedule_ends_on_its_last_date():
    got = deferral_portions([(D(2025, 1, 31), 100), (D(2025, 2, 28), 100)], [(1, D(2024, 7, 31), 0), (2, D(2024, 8, 31), 250)])
    assert got == {1: [], 2: [(D(2025, 1, 31), 100), (D(2025, 2, 28), 150)]}


def test_a_long_schedule_covers_nothing_beyond_the_balances():
    got = deferral_portions([(D(2025, 1, 31), 100), (D(2025, 2, 28), 100)], [(1, D(2024, 7, 31), 150)])
    assert got == {1: [(D(2025, 1, 31), 100), (D(2025, 2, 28), 50)]}


@given(
    st.lists(st.integers(1, 10_000), min_size=1, max_size=6),
    st.lists(st.integers(1, 10_000), min_size=1, max_size=8),
)
def test_portions_sum_to_each_balance_and_follow_the_schedule(balances, cut):
    total = sum(balances)
    # A schedule of the same total, cut at arbitrary points.
    points = sorted({c % total for c in cut} - {0})
    amounts = [b - a for a, b in zip([0, *points], [*points, total])]
    schedule = [(D(2025, 1, 1 + n), a) for n, a in enumerate(amounts)]
    instalments = [(n, D(2024, 1, 1 + n), b) for n, b in enumerate(balances)]
    got = deferral_portions(schedule, instalments)
    assert all(sum(a for _, a in got[n]) == b for n, b in enumerate(balances))
    flat = [p for n in range(len(balances)) for p in got[n]]
    assert [d for d, _ in flat] == sorted(d for d, _ in flat)
    by_date = {}
    for d, a in flat:
        by_date[d] = by_date.get(d, 0) + a
    assert by_date == dict(schedule)
