"""Set-based versions of the assessment and payment actions, for files and batches.

Each call is all or nothing: every record is checked, the bad ones are reported
together (line, field, reason) and nothing is written; otherwise everything is
written in one transaction, a chunk of rows per statement.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db import connection, transaction

from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component, Debt, allocate
from saiken.core.entries import Kind
from saiken.core.calendar import statutory_due
from saiken.ledger import late_charges
from saiken.ledger.actions import OVERPAYMENT_MEMO, check_arose_on, check_instalment_dates, late_charge_memo
from saiken.ledger.booking import EntryRow, book, book_rows, execute_many_params, insert_rows
from saiken.ledger.errors import BatchRejected, LedgerError, RecordError
from saiken.ledger.models import Channel, Entry, Instalment, Payment, WriteOffReason

CHUNK = 5000
_CHANNELS = frozenset(Channel.values)  # Channel.values rebuilds its list on every call


@contextmanager
def gc_paused():
    """Run a batch with the cyclic garbage collector paused.

    A day's file makes millions of short-lived tuples and lists, none of them in a
    cycle; the collector's passes over the growing heap took a fifth of an import's
    time. Reference counting still frees everything; the collector resumes after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(frozen=True)
class AssessmentRequest:
    debtor_id: int
    receivable_id: int
    fiscal_year: int
    instalment_no: int
    nominal_due: date
    amount: int
    assessed_on: date
    subject: str = ""
    notice_number: str = ""
    arose_on: date | None = None  # 契約日・債権の発生日 (saiken.ledger.actions.check_arose_on)


@dataclass(frozen=True)
class PaymentRequest:
    instalment_id: int
    amount: int
    paid_on: date
    booked_on: date
    channel: str = Channel.BANK
    reference: str | None = None


def _check_assessment(n: int, r: AssessmentRequest, seen: set) -> list[RecordError]:
    errors = []
    if not isinstance(r.amount, int) or r.amount <= 0:
        errors.append(RecordError(n, "amount", "金額は1円以上の整数で入力してください。"))
    try:
        check_instalment_dates(r.fiscal_year, r.nominal_due)
    except LedgerError as e:
        errors.append(RecordError(n, e.field or "nominal_due", e.message))
    try:
        check_arose_on(r.arose_on, r.nominal_due)
    except LedgerError as e:
        errors.append(RecordError(n, e.field or "arose_on", e.message))
    key = (r.debtor_id, r.receivable_id, r.subject, r.fiscal_year, r.instalment_no)
    if key in seen:
        errors.append(RecordError(n, "instalment_no", "同じ調定（債務者・債権・科目・年度・期別）がファイル内で重複しています。"))
    seen.add(key)
    return errors


@transaction.atomic
def assess_bulk(requests: Sequence[AssessmentRequest], user=None) -> int:
    """調定 for many instalments at once. Returns how many were created."""
    errors: list[RecordError] = []
    seen: set = set()
    for n, r in enumerate(requests, start=1):
        errors += _check_assessment(n, r, seen)
    for n0, chunk in zip(range(1, len(requests) + 1, CHUNK), _chunks(requests)):
        existing = set(
            Instalment.objects.filter(debtor_id__in={r.debtor_id for r in chunk}).values_list(
                "debtor_id", "receivable_id", "subject", "fiscal_year", "instalment_no"
            )
        )
        for n, r in enumerate(chunk, start=n0):
            if (r.debtor_id, r.receivable_id, r.subject, r.fiscal_year, r.instalment_no) in existing:
                errors.append(RecordError(n, "instalment_no", "この調定（債務者・債権・科目・年度・期別）は既に登録されています。"))
    if errors:
        raise BatchRejected(sorted(errors, key=lambda e: e.line))
    user_id = user.pk if user is not None else None
    for chunk in _chunks(requests):
        ids, _ = insert_rows(
            Instalment,
            _INSTALMENT_FIELDS,
            [
                (r.debtor_id, r.receivable_id, r.fiscal_year, r.subject, r.instalment_no, r.nominal_due, statutory_due(r.nominal_due),
                 r.assessed_on, r.notice_number, r.arose_on, r.amount, 0, 0, 0)
                for r in chunk
            ],
        )
        book_rows(
            [EntryRow(iid, Kind.ASSESSMENT.value, Component.PRINCIPAL.value, r.amount, r.assessed_on, created_by_id=user_id) for iid, r in zip(ids, chunk)],
            {iid: (r.receivable_id, r.fiscal_year) for iid, r in zip(ids, chunk)},
            update_balances=False,
            returning=False,
        )
    return len(requests)


_INSTALMENT_FIELDS = (
    "debtor_id", "receivable_id", "fiscal_year", "subject", "instalment_no", "nominal_due", "due_date", "assessed_on",
    "notice_number", "arose_on", "principal_due", "late_charge_due", "fee_due", "overpaid",
)
_PAYMENT_FIELDS = ("debtor_id", "receivable_id", "amount", "paid_on", "booked_on", "channel", "reference", "created_by_id")


@dataclass(frozen=True)
class BulkPosted:
    payments: int
    amount: int
    overpaid: int  # yen set aside as 過誤納金
    payment_ids: tuple[int, ...] = ()  # the Payment rows, in the order of the requests


_FIELDS = ("id", "debtor_id", "receivable_id", "fiscal_year", "due_date", "principal_due", "late_charge_due", "fee_due")


def select_in(model, fields: Sequence[str], key: str, values: Sequence, lock: bool = False, ordered: bool = True) -> list[tuple]:
    """`model.objects.filter(key__in=values).values_list(*fields)`, ordered by id and
    locked FOR UPDATE where the database can. Written out because the ORM prepares
    each of thousands of parameters one by one, which costs more than the query."""
    if not values:
        return []
    ops = connection.ops
    meta = model._meta
    columns = ", ".join(ops.quote_name(meta.get_field(f).column) for f in fields)
    lock_clause = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    where = f"SELECT {columns} FROM {ops.quote_name(meta.db_table)} WHERE {ops.quote_name(meta.get_field(key).column)}"
    # Ordered by id so that locks are taken in one order; unordered, SQLite uses the
    # key's index rather than walking the table in id order.
    order = f"{' ORDER BY ' + ops.quote_name(meta.pk.column) if ordered or lock else ''}{lock_clause}"
    if connection.vendor == "postgresql":
        import psycopg

        # One array parameter, not thousands, bound on the server in binary (%b): Django's
        # cursor would quote every number into the statement's text.
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
            raw.execute(f"{where} = ANY(%b){order}", [list(values)])
            return raw.fetchall()
    with connection.cursor() as cur:
        execute_many_params(cur, f"{where} IN ({', '.join(['%s'] * len(values))}){order}", list(values))
        return cur.fetchall()


@transaction.atomic
def post_payments(requests: Sequence[PaymentRequest], user=None) -> BulkPosted:
    """収納 for many payments, each to the instalment it names (a notice's number).

    Payments are applied in the order given; two payments on one instalment see
    each other. Raises BatchRejected listing every bad record; then nothing is posted.
    """
    # Each receivable's allocation order, parsed once rather than per payment.
    receivables = {r.id: r for r in ReceivableType.objects.all()}
    rules = {rid: (r.order, r.scope) for rid, r in receivables.items()}
    charging = {rid for rid, r in receivables.items() if late_charges.charges_late(r)}
    interest_first = {rid for rid in charging if late_charges.interest_first(receivables[rid])}
    user_id = user.pk if user is not None else None
    payment, overpayment = Kind.PAYMENT.value, Kind.OVERPAYMENT.value
    errors: list[RecordError] = []
    refs = [r.reference for r in requests if r.reference]
    seen_refs: set[str] = set()
    taken: set[str] = set()
    for chunk in _chunks(refs):
        taken.update(r for (r,) in select_in(Payment, ("reference",), "reference", chunk))
    total = overpaid = 0
    # Balances are carried in memory from chunk to chunk and written once at the end:
    # an instalment paid several times in the batch gets one UPDATE, not one per chunk.
    state: dict[int, tuple] = {}
    balances: dict[int, dict[Component, int]] = {}
    payments: list[tuple] = []
    allocations: list[list[tuple[int, str, int, str]]] = []
    assessment = Kind.ASSESSMENT.value
    batch_paid: dict[int, list[tuple[date, int]]] = defaultdict(list)  # principal paid earlier in this batch
    # Lock every instalment of the batch, in id order (PostgreSQL): a clerk's payment at
    # the same moment waits, so neither allocation reads a stale balance.
    for ids in _chunks(sorted({r.instalment_id for r in requests})):
        for row in select_in(Instalment, _FIELDS, "id", ids, lock=True):
            state[row[0]] = row
            balances[row[0]] = {Component.PRINCIPAL: row[5], Component.LATE_CHARGE: row[6], Component.FEE: row[7]}
    # The late-charge history of every instalment a payment of the batch may fix a charge
    # on, read once (per chunk it cost a round of queries 40 times over for a day's file);
    # the context then carries the charges fixed as the batch goes.
    late = _may_fix_late_charge(requests, state, balances, charging, interest_first)
    ctx = late_charges.Context.load(sorted(late), receivables) if late else None
    for n0, chunk in zip(range(1, len(requests) + 1, CHUNK), _chunks(requests)):
        for n, r in enumerate(chunk, start=n0):
            bad = _check_payment(n, r, state, seen_refs, taken)
            if bad:
                errors += bad
                continue
            if errors:
                continue  # keep checking the rest so every bad record is reported at once
            row = state[r.instalment_id]
            order, scope = rules[row[2]]
            bal = balances[r.instalment_id]
            fixed = 0
            if ctx is not None and r.instalment_id in late and bal[Component.PRINCIPAL] > 0:
                fixed, parts, rest = _fix_late_charge(ctx, r, row, bal, batch_paid[r.instalment_id], receivables[row[2]], rules[row[2]])
            else:
                parts, rest = allocate(r.amount, [Debt(r.instalment_id, row[4], bal)], order, scope)
            these = [(r.instalment_id, Component.LATE_CHARGE.value, fixed, assessment)] if fixed else []
            these += [(r.instalment_id, a.component.value, a.amount, payment) for a in parts]
            if fixed:
                bal[Component.LATE_CHARGE] += fixed
                ctx.charged[r.instalment_id] = ctx.charged.get(r.instalment_id, 0) + fixed
            batch_paid[r.instalment_id] += [(r.paid_on, a.amount) for a in parts if a.component == Component.PRINCIPAL]
            for a in parts:
                bal[a.component] -= a.amount
            if rest:
                these += [(r.instalment_id, Component.PRINCIPAL.value, rest, payment), (r.instalment_id, Component.PRINCIPAL.value, rest, overpayment)]
                overpaid += rest
            total += r.amount
            payments.append((row[1], row[2], r.amount, r.paid_on, r.booked_on, str(r.channel), r.reference or None, user_id))
            allocations.append(these)
    payment_ids: list[int] = []
    if not errors:
        payment_ids, _ = insert_rows(Payment, _PAYMENT_FIELDS, payments, cluster="debtor_id")
        Payment.tally((p[1], p[4], p[5], p[2]) for p in payments)  # receivable, booked on, channel, amount
        entries = [
            EntryRow(iid, kind, component, amount, p[4], payment_id=pid, created_by_id=user_id,
                     memo=late_charge_memo(p[3]) if kind == assessment else OVERPAYMENT_MEMO if kind == overpayment else "")
            for pid, p, these in zip(payment_ids, payments, allocations)
            for iid, component, amount, kind in these
        ]
        book_rows(entries, {iid: (row[2], row[3]) for iid, row in state.items()}, returning=False)
    if errors:
        raise BatchRejected(errors)
    return BulkPosted(len(requests), total, overpaid, tuple(payment_ids))


def _may_fix_late_charge(requests, state: dict, balances: dict, charging: set, interest_first: set) -> set[int]:
    """The instalments on which a payment of `requests` may fix a late charge, whose
    history is worth reading: paid late, and either interest first (every payment fixes)
    or paid enough in the batch to complete the principal (the public rule). Most payments
    of a day are parts or on time; reading every late instalment's history cost seconds.
    A superset does no harm: whether a payment fixes a charge is decided payment by payment."""
    paid: dict[int, int] = defaultdict(int)
    late: set[int] = set()
    for r in requests:
        row = state.get(r.instalment_id)
        if row is not None and row[2] in charging:
            # Every payment of the chunk counts towards completing the principal, on time
            # or not: a part paid on time and the rest late completes it late.
            paid[r.instalment_id] += r.amount
            if r.paid_on > row[4]:
                late.add(r.instalment_id)
    return {
        iid for iid in late
        if state[iid][2] in interest_first or paid[iid] >= balances[iid][Component.PRINCIPAL]
    }


def _fix_late_charge(ctx, r: PaymentRequest, row: tuple, bal: dict, paid_before: list, receivable: ReceivableType, rule: tuple):
    """The late charge a bulk payment fixes (see saiken.ledger.late_charges), with its allocation."""
    order, scope = rule
    key = (r.instalment_id, receivable.id, row[4], bal[Component.PRINCIPAL])
    charge = ctx.to_fix(key, r.paid_on, extra=paid_before)
    plain = allocate(r.amount, [Debt(r.instalment_id, row[4], bal)], order, scope)
    if not charge:
        return 0, *plain
    with_charge = {**bal, Component.LATE_CHARGE: bal[Component.LATE_CHARGE] + charge}
    parts, rest = allocate(r.amount, [Debt(r.instalment_id, row[4], with_charge)], order, scope)
    if late_charges.interest_first(receivable):
        return charge, parts, rest
    completes = sum(a.amount for a in parts if a.component == Component.PRINCIPAL) == bal[Component.PRINCIPAL]
    return (charge, parts, rest) if completes else (0, *plain)


def _check_payment(n: int, r: PaymentRequest, state: dict, seen_refs: set, taken: set) -> list[RecordError]:
    errors = []
    if not isinstance(r.amount, int) or r.amount <= 0:
        errors.append(RecordError(n, "amount", "金額は1円以上の整数で入力してください。"))
    if r.instalment_id not in state:
        errors.append(RecordError(n, "instalment", f"調定 {r.instalment_id} が見つかりません。"))
    if r.booked_on < r.paid_on:
        errors.append(RecordError(n, "booked_on", "収納日が納付日より前です。"))
    if r.channel not in _CHANNELS:
        errors.append(RecordError(n, "channel", f"納付経路 {r.channel!r} は登録されていません。"))
    if r.reference:
        if r.reference in taken:
            errors.append(RecordError(n, "reference", f"収納キー {r.reference} は既に計上済みです。"))
        elif r.reference in seen_refs:
            errors.append(RecordError(n, "reference", f"収納キー {r.reference} がファイル内で重複しています。"))
        seen_refs.add(r.reference)
    return errors


_REASONS = frozenset(WriteOffReason.values)


@transaction.atomic
def write_off_bulk(items: Sequence[tuple[int, date, str]], note: str = "", user=None) -> int:
    """不納欠損 for many instalments: each (instalment id, booked on, reason) books off
    everything still owed on it, like `saiken.ledger.actions.write_off`, set-based."""
    written = 0
    for chunk in _chunks(items):
        rows = (
            Instalment.objects.select_for_update()
            .filter(id__in={iid for iid, _, _ in chunk})
            .order_by("id")
            .values_list("id", "receivable_id", "fiscal_year", "principal_due", "late_charge_due", "fee_due")
        )
        state = {r[0]: r for r in rows}
        entries = []
        for iid, booked_on, reason in chunk:
            if reason not in _REASONS:
                raise LedgerError(f"不納欠損の理由 {reason!r} は登録されていません。", "reason")
            if iid not in state:
                raise LedgerError(f"調定 {iid} が見つかりません。", "instalment")
            balances = state[iid][3:6]
            if not any(balances):
                raise LedgerError(f"調定 {iid} は未納額がないため不納欠損できません。", "instalment")
            entries += [
                Entry(instalment_id=iid, kind=Kind.WRITE_OFF, component=c, amount=b, booked_on=booked_on, reason=reason, memo=note, created_by=user)
                for c, b in zip(Component, balances)
                if b > 0
            ]
            state[iid] = (*state[iid][:3], 0, 0, 0)  # a second write-off of the same instalment is refused
            written += 1
        book(entries, {iid: (r[1], r[2]) for iid, r in state.items()})
    return written
