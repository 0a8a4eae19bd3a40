"""Writing entries together with the caches they justify.

Every action ends here: the entries are inserted, each instalment's cached
balance moves by exactly the entries' effect, and the per-year summary is
bumped, all in the caller's transaction. Set-based: one statement per table
per call, however many entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection

from saiken.core.allocation import Component
from saiken.core.entries import BALANCE_SIGN, OVERPAID_SIGN, Kind
from saiken.core.fiscal import settlement_year
from saiken.ledger.models import Entry, Instalment, LedgerSummary

_COLUMNS = {
    Component.PRINCIPAL: 0,
    Component.LATE_CHARGE: 1,
    Component.FEE: 2,
}


def book(entries: Sequence[Entry], debts: dict[int, tuple[int, int]], *, update_balances: bool = True) -> list[Entry]:
    """Insert `entries` and move the caches. `debts` maps instalment id → (receivable id, fiscal year).

    Each entry's settlement year is derived here from its booking date, so no
    caller can file an amount in the wrong year. With update_balances=False the
    caller has already written the instalments' balances (new instalments created
    with their assessment).
    """
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    summary: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for e in entries:
        receivable_id, fy = debts[e.instalment_id]
        e.settlement_year = settlement_year(fy, e.booked_on)
        kind = Kind(e.kind)
        d = deltas[e.instalment_id]
        d[_COLUMNS[Component(e.component)]] += BALANCE_SIGN[kind] * e.amount
        d[3] += OVERPAID_SIGN.get(kind, 0) * e.amount
        s = summary[(receivable_id, fy, e.settlement_year, e.kind, e.component)]
        s[0] += e.amount
        s[1] += 1
    created = Entry.objects.bulk_create(entries, batch_size=2000)
    with connection.cursor() as cur:
        if update_balances:
            table = Instalment._meta.db_table
            cur.executemany(
                f"UPDATE {table} SET principal_due = principal_due + %s, late_charge_due = late_charge_due + %s,"
                f" fee_due = fee_due + %s, overpaid = overpaid + %s WHERE id = %s",
                # Sorted ids: concurrent bookings lock rows in one order, never deadlock.
                [(*d, iid) for iid, d in sorted(deltas.items()) if any(d)],
            )
        bump_summary(cur, summary)
    return created


def bump_summary(cur, summary: dict[tuple, list[int]]) -> None:
    table = LedgerSummary._meta.db_table
    cur.executemany(
        f"INSERT INTO {table} (receivable_id, debt_fiscal_year, settlement_year, kind, component, amount, entries)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s)"
        f" ON CONFLICT (receivable_id, debt_fiscal_year, settlement_year, kind, component)"
        f" DO UPDATE SET amount = {table}.amount + excluded.amount, entries = {table}.entries + excluded.entries",
        [(*key, amount, count) for key, (amount, count) in sorted(summary.items())],
    )
