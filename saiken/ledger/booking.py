"""Writing entries together with the caches they justify.

Every action ends here: the entries are inserted, each instalment's cached
balance moves by exactly the entries' effect, and the per-year summary is
bumped, all in the caller's transaction. Set-based: a few statements per table
per call, however many entries.

`book` takes Entry instances (the actions); `book_rows` takes plain rows, for
the bulk paths where building 200,000 model instances would cost more than
writing them.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from django.db import connection, models
from django.utils import timezone

from saiken.core.allocation import Component
from saiken.core.entries import ASSESSED_SIGN, BALANCE_SIGN, COLLECTED_SIGN, OVERPAID_SIGN, Kind
from saiken.core.fiscal import fiscal_year_of, settlement_year
from saiken.ledger.models import DailySummary, Entry, Instalment, LedgerSummary, PaymentSummary, WriteOffSummary

_COLUMNS = {
    Component.PRINCIPAL: 0,
    Component.LATE_CHARGE: 1,
    Component.FEE: 2,
}
_BALANCE = {k.value: v for k, v in BALANCE_SIGN.items()}
_OVERPAID = {k.value: v for k, v in OVERPAID_SIGN.items()}
_COLUMN = {c.value: i for c, i in _COLUMNS.items()}


class EntryRow(NamedTuple):
    """One entry to book, as plain values (see Entry for the meaning of each)."""

    instalment_id: int
    kind: str
    component: str
    amount: int
    booked_on: date
    payment_id: int | None = None
    counterpart_id: int | None = None
    reason: str = ""
    memo: str = ""
    created_by_id: int | None = None


ENTRY_FIELDS = (
    "instalment_id", "kind", "component", "amount", "booked_on", "payment_id", "counterpart_id", "reason", "memo",
    "created_by_id", "settlement_year",
)


def book(entries: Sequence[Entry], debts: dict[int, tuple[int, int]], *, update_balances: bool = True) -> list[Entry]:
    """Insert `entries` and move the caches. `debts` maps instalment id → (receivable id, fiscal year).

    Each entry's settlement year is derived here from its booking date, so no
    caller can file an amount in the wrong year. With update_balances=False the
    caller has already written the instalments' balances (new instalments created
    with their assessment).
    """
    rows = [
        EntryRow(e.instalment_id, e.kind, e.component, e.amount, e.booked_on, e.payment_id, e.counterpart_id, e.reason, e.memo, e.created_by_id)
        for e in entries
    ]
    ids, years, created_at = book_rows(rows, debts, update_balances=update_balances)
    for e, pk, year in zip(entries, ids, years):
        e.pk = pk
        e.settlement_year = year
        e.created_at = created_at
        e._state.adding = False
        e._state.db = connection.alias
    return list(entries)


def book_rows(
    rows: Sequence[EntryRow], debts: dict[int, tuple[int, int]], *, update_balances: bool = True, returning: bool = True
) -> tuple[list[int], list[int], object]:
    """`book` for plain rows. Returns the new entries' ids (empty with returning=False, which
    saves reserving them), their settlement years and their created_at."""
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    summary: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    values = []
    years = []
    for r in rows:
        kind, component = str(r.kind), str(r.component)
        receivable_id, fy = debts[r.instalment_id]
        year = settlement_year(fy, r.booked_on)
        d = deltas[r.instalment_id]
        d[_COLUMN[component]] += _BALANCE[kind] * r.amount
        d[3] += _OVERPAID.get(kind, 0) * r.amount
        s = summary[(receivable_id, fy, year, kind, component)]
        s[0] += r.amount
        s[1] += 1
        values.append((r.instalment_id, kind, component, r.amount, r.booked_on, r.payment_id, r.counterpart_id, r.reason, r.memo, r.created_by_id, year))
        years.append(year)
    ids, created_at = insert_rows(Entry, ENTRY_FIELDS, values, returning=returning, cluster="instalment_id")
    with connection.cursor() as cur:
        if update_balances:
            # Sorted ids: concurrent bookings lock rows in one order, never deadlock.
            move_balances(cur, [(*d, iid) for iid, d in sorted(deltas.items()) if any(d)])
        bump_summary(cur, summary)
        bump_daily(cur, rows, years, debts)
        bump_write_offs(cur, rows, years, debts)
    return ids, years, created_at


ARRAY_UPDATE_FROM = 50  # rows from which PostgreSQL gets one UPDATE over arrays instead of one per row


def move_balances(cur, changes: list[tuple[int, int, int, int, int]]) -> None:
    """Add (principal, late charge, fee, overpaid) deltas to instalments: (…, id) tuples sorted by id."""
    table = Instalment._meta.db_table
    if connection.vendor == "postgresql" and len(changes) >= ARRAY_UPDATE_FROM:
        import psycopg

        principal, late, fee, overpaid, ids = (list(column) for column in zip(*changes))
        # A cursor that binds on the server, arrays sent in binary (%b): Django's cursor
        # quotes every number into the statement's text, a second for a day's file.
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
            raw.execute(
                f"UPDATE {table} AS i SET principal_due = i.principal_due + d.p, late_charge_due = i.late_charge_due + d.l,"
                f" fee_due = i.fee_due + d.f, overpaid = i.overpaid + d.o"
                f" FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[]) AS d(id, p, l, f, o)"
                f" WHERE i.id = d.id",
                [ids, principal, late, fee, overpaid],
            )
        return
    cur.executemany(
        f"UPDATE {table} SET principal_due = principal_due + %s, late_charge_due = late_charge_due + %s,"
        f" fee_due = fee_due + %s, overpaid = overpaid + %s WHERE id = %s",
        changes,
    )


def bump_summary(cur, summary: dict[tuple, list[int]]) -> None:
    table = LedgerSummary._meta.db_table
    cur.executemany(
        f"INSERT INTO {table} (receivable_id, debt_fiscal_year, settlement_year, kind, component, amount, entries)"
        f" VALUES (%s, %s, %s, %s, %s, %s, %s)"
        f" ON CONFLICT (receivable_id, debt_fiscal_year, settlement_year, kind, component)"
        f" DO UPDATE SET amount = {table}.amount + excluded.amount, entries = {table}.entries + excluded.entries",
        [(*key, amount, count) for key, (amount, count) in sorted(summary.items())],
    )


_PRINCIPAL = Component.PRINCIPAL.value
_COLLECTED = {k.value: v for k, v in COLLECTED_SIGN.items()}
_ASSESSED = {k.value: v for k, v in ASSESSED_SIGN.items()}
_WRITE_OFF = Kind.WRITE_OFF.value


def _upsert(cur, model: type[models.Model], key: Sequence[str], counters: Sequence[str], rows: list[tuple]) -> None:
    """Add `counters` to the row of each key (inserting it at zero first): one atomic
    statement per row, so two transactions bumping the same row both count. Rows sorted,
    so concurrent bookings lock them in one order."""
    if not rows:
        return
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in (*key, *counters)]
    conflict = ", ".join(model._meta.get_field(name).column for name in key)
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns[len(key):])
    cur.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        f" ON CONFLICT ({conflict}) DO UPDATE SET {adds}",
        sorted(rows),
    )


def bump_daily(cur, rows: Sequence[EntryRow], years: Sequence[int], debts: dict[int, tuple[int, int]]) -> None:
    """DailySummary: principal collected and assessed per receivable, debt year,
    settlement year and booking day (the running year's forecast reads it)."""
    daily: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r, year in zip(rows, years):
        if str(r.component) != _PRINCIPAL:
            continue
        kind = str(r.kind)
        c, a = _COLLECTED.get(kind, 0), _ASSESSED.get(kind, 0)
        if c or a:
            receivable_id, fy = debts[r.instalment_id]
            d = daily[(year, r.booked_on, receivable_id, fy)]
            d[0] += c * r.amount
            d[1] += a * r.amount
    adapt = connection.ops.adapt_datefield_value
    _upsert(
        cur, DailySummary, ("settlement_year", "day", "receivable", "debt_fiscal_year"), ("collected", "assessed"),
        [(year, adapt(day), rid, fy, c, a) for (year, day, rid, fy), (c, a) in daily.items() if c or a],
    )


def bump_write_offs(cur, rows: Sequence[EntryRow], years: Sequence[int], debts: dict[int, tuple[int, int]]) -> None:
    """WriteOffSummary: instalments written off and their principal per receivable,
    settlement year and reason. Called after the entries are inserted: an instalment
    counts once per key, so it is new to a key only when every write-off entry it has
    there is one of these (a second write-off after an increase counts no second time)."""
    batch: dict[tuple[int, int, str], int] = defaultdict(int)  # (instalment, settlement year, reason) → entries now
    principal: dict[tuple[int, int, str], int] = defaultdict(int)
    for r, year in zip(rows, years):
        if str(r.kind) == _WRITE_OFF:
            key = (r.instalment_id, year, r.reason)
            batch[key] += 1
            if str(r.component) == _PRINCIPAL:
                principal[key] += r.amount
    if not batch:
        return
    ids = sorted({iid for iid, _, _ in batch})
    existing: dict[tuple[int, int, str], int] = {}
    for start in range(0, len(ids), 2000):
        existing.update(
            ((iid, sy, reason), n)
            for iid, sy, reason, n in Entry.objects.filter(kind=_WRITE_OFF, instalment_id__in=ids[start:start + 2000])
            .values_list("instalment_id", "settlement_year", "reason").annotate(n=models.Count("id")).order_by()
        )
    tally: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for key, n in batch.items():
        t = tally[(key[1], debts[key[0]][0], key[2])]
        t[0] += existing.get(key) == n
        t[1] += principal[key]
    _upsert(cur, WriteOffSummary, ("settlement_year", "receivable", "reason"), ("instalments", "principal"),
            [(*key, n, p) for key, (n, p) in tally.items()])


def bump_payments(payments: Iterable[tuple[int, date, str, int]]) -> None:
    """PaymentSummary: count Payment rows just inserted, given as (receivable id, booked
    on, channel, amount), by receivable, fiscal year of booking and channel; a reversed
    payment is given again with its amount negated, and leaves the count. Call it in
    the transaction that inserted them (`Payment.tally` is the same, for callers that
    have the model at hand)."""
    tally: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0])
    years: dict[date, int] = {}
    for receivable_id, booked_on, channel, amount in payments:
        fy = years.get(booked_on)
        if fy is None:
            fy = years[booked_on] = fiscal_year_of(booked_on)
        t = tally[(fy, receivable_id, str(channel))]
        t[0] += 1 if amount > 0 else -1  # a negative amount: a payment reversed (saiken.core.reversal)
        t[1] += amount
    with connection.cursor() as cur:
        _upsert(cur, PaymentSummary, ("fiscal_year", "receivable", "channel"), ("payments", "amount"),
                [(*key, n, a) for key, (n, a) in tally.items()])


def execute_many_params(cur, sql: str, params: Sequence) -> None:
    """Execute a statement with thousands of parameters. On SQLite straight to sqlite3
    with its own placeholders: Django's wrapper rewrites every %s by regular expression,
    which costs more than the statement."""
    if connection.vendor == "sqlite":
        with connection.wrap_database_errors:
            sqlite3.Cursor.execute(cur.cursor, sql.replace("%s", "?"), params)
    else:
        cur.execute(sql, params)


INSERT_BATCH_ROWS = 2000
COPY_FROM = 100  # rows from which PostgreSQL gets COPY rather than INSERT … VALUES


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65_535  # PostgreSQL's limit on bind parameters per statement


def _memo(adapt):
    """A batch has few distinct dates (and one timestamp): adapt each once."""
    seen: dict = {}

    def convert(value):
        try:
            return seen[value]
        except KeyError:
            seen[value] = out = adapt(value)
            return out

    return convert


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple], *, returning: bool = True,
    cluster: str | None = None,
) -> tuple[list[int], object]:
    """INSERT rows (values in the order of `fields`, attnames such as "debtor_id");
    returns the new ids in row order (none if not `returning`) and the created_at given.

    What `bulk_create` does for these plain rows (no signals, no conflicts), without
    its per-value overhead. SQLite: many rows per statement, up to its real variable
    limit rather than Django's 999. PostgreSQL: ids reserved from the sequence, then
    COPY, because a driver parses each long parameterised statement in Python.
    Fields with auto_now_add that are not listed get one timestamp for the call.

    `cluster` names an indexed field whose values arrive in random order (a debtor, a
    hash): rows are inserted sorted by it (stably), so its index is filled page by page
    instead of at random across millions of entries — a third of the time of a day's
    payment file. The ids returned are still in the order of `rows`.
    """
    if cluster is not None and len(rows) > 1:
        at = list(fields).index(cluster)
        keys = [row[at] for row in rows]
        if None in keys:
            keys = [(k is not None, k or 0) for k in keys]  # NULLs first, as an index holds them
        order = sorted(range(len(rows)), key=keys.__getitem__)
        ids, now = insert_rows(model, fields, [rows[n] for n in order], returning=returning)
        if not returning:
            return ids, now
        in_order = [0] * len(rows)
        for n, pk in zip(order, ids):
            in_order[n] = pk
        return in_order, now
    meta = model._meta
    now = timezone.now()
    fields = list(fields)
    stamped = [
        f.attname
        for f in meta.concrete_fields
        if getattr(f, "auto_now_add", False) and f.attname not in fields and f.name not in fields
    ]
    fields += stamped
    extra = (now,) * len(stamped)
    if not rows:
        return [], now
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        return _copy_rows(meta, fields, rows, extra, returning), now
    return _insert_values(meta, fields, rows, extra), now


def _copy_rows(meta, fields: list[str], rows: Sequence[tuple], extra: tuple, returning: bool) -> list[int]:
    ops = connection.ops
    table = ops.quote_name(meta.db_table)
    pk = meta.pk.column
    columns = [meta.get_field(name).column for name in fields]
    line = _copy_formatter(meta, fields[:len(fields) - len(extra)])  # the stamped fields come as `extra`
    with connection.cursor() as cur:
        ids: list[int] = []
        if returning:  # reserve the ids and send them along
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [meta.db_table, pk, len(rows)]
            )
            ids = sorted(i for (i,) in cur.fetchall())
            columns.insert(0, pk)
        names = ", ".join(ops.quote_name(c) for c in columns)
        with connection.wrap_database_errors, cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            if line is None:  # a type the text formatter does not know: psycopg's own adapters
                for n, row in enumerate(rows):
                    copy.write_row((ids[n], *row, *extra) if returning else (*row, *extra))
                return ids
            tail = "".join("\t" + _copy_text(value) for value in extra) + "\n"
            for start in range(0, len(rows), COPY_BATCH_ROWS):
                batch = rows[start:start + COPY_BATCH_ROWS]
                if returning:
                    copy.write("".join([f"{i}\t{line(row)}{tail}" for i, row in zip(ids[start:], batch)]))
                else:
                    copy.write("".join([f"{line(row)}{tail}" for row in batch]))
    return ids


COPY_BATCH_ROWS = 10_000
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list, tuple, set)):
        raise TypeError(f"COPY に渡す値は文字列にしてください（JSONは dump 済みで）: {type(value).__name__}")
    return str(value)  # numbers, dates and aware datetimes print as PostgreSQL reads them



def _copy_formatter(meta, fields: list[str]):
    """A function from a row to its COPY text line (without the newline), made for these
    fields, or None if one has a type it does not know.

    psycopg's write_row adapts each value by looking up its type; for the 600,000 rows of
    a day's payment file that was two seconds. Here each column's conversion is decided
    once: numbers, dates and datetimes print as they are, text is escaped, None is \\N
    (and a None where the column refuses it still fails in the database)."""
    parts = []
    for i, name in enumerate(fields):
        f = meta.get_field(name)
        if isinstance(f, models.BooleanField):
            return None
        if isinstance(f, (models.CharField, models.TextField, models.JSONField)):
            value = f"r[{i}].translate(_E)"  # str only: a JSON column's value arrives dumped (a dict fails here)
        elif isinstance(f, (models.IntegerField, models.AutoField, models.DateField)) or f.is_relation:
            value = f"r[{i}]"
        else:
            return None
        parts.append(f"{{_N if r[{i}] is None else {value}}}")
    source = "lambda r: f'" + "\\t".join(parts) + "'"
    return eval(source, {"_N": "\\N", "_E": _COPY_ESCAPES})  # noqa: S307 (our own source, no data in it)


def _insert_values(meta, fields: list[str], rows: Sequence[tuple], extra: tuple) -> list[int]:
    ops = connection.ops
    convert = []
    for i, name in enumerate(fields):
        f = meta.get_field(name)
        if isinstance(f, models.DateTimeField):
            convert.append((i, _memo(ops.adapt_datetimefield_value)))
        elif isinstance(f, models.DateField):
            convert.append((i, _memo(ops.adapt_datefield_value)))
    table = ops.quote_name(meta.db_table)
    columns = ", ".join(ops.quote_name(meta.get_field(name).column) for name in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(INSERT_BATCH_ROWS, _max_params() // len(fields)))
    ids: list[int] = []
    with connection.cursor() as cur:
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            params = []
            for row in batch:
                values = [*row, *extra]
                for i, c in convert:
                    if values[i] is not None:
                        values[i] = c(values[i])
                params += values
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(batch))} RETURNING {ops.quote_name(meta.pk.column)}"
            execute_many_params(cur, sql, params)
            # Ids come from the sequence in the order the VALUES are processed; SQLite does not
            # promise RETURNING order, so sort rather than trust it.
            ids += sorted(pk for (pk,) in cur.fetchall())
    return ids
