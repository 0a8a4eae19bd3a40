"""Set-based versions of the assessment and payment actions, for files and batches.

Each call is all or nothing: every record is checked, the bad ones are reported
together (line, field, reason) and nothing is written; otherwise everything is
written in one transaction, a chunk of rows per statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db import transaction

from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component, Debt, allocate
from saiken.core.entries import Kind
from saiken.ledger.actions import check_instalment_dates, statutory_due
from saiken.ledger.booking import book
from saiken.ledger.errors import BatchRejected, LedgerError, RecordError
from saiken.ledger.models import Channel, Entry, Instalment, Payment

CHUNK = 5000


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
    for chunk in _chunks(requests):
        instalments = Instalment.objects.bulk_create(
            [
                Instalment(
                    debtor_id=r.debtor_id, receivable_id=r.receivable_id, fiscal_year=r.fiscal_year, subject=r.subject,
                    instalment_no=r.instalment_no, nominal_due=r.nominal_due, due_date=statutory_due(r.nominal_due),
                    assessed_on=r.assessed_on, notice_number=r.notice_number, principal_due=r.amount,
                )
                for r in chunk
            ]
        )
        book(
            [
                Entry(instalment_id=i.id, kind=Kind.ASSESSMENT, amount=r.amount, booked_on=r.assessed_on, created_by=user)
                for i, r in zip(instalments, chunk)
            ],
            {i.id: (i.receivable_id, i.fiscal_year) for i in instalments},
            update_balances=False,
        )
    return len(requests)


@dataclass(frozen=True)
class BulkPosted:
    payments: int
    amount: int
    overpaid: int  # yen set aside as 過誤納金


_FIELDS = ("id", "debtor_id", "receivable_id", "fiscal_year", "due_date", "principal_due", "late_charge_due", "fee_due")


@transaction.atomic
def post_payments(requests: Sequence[PaymentRequest], user=None) -> BulkPosted:
    """収納 for many payments, each to the instalment it names (a notice's number).

    Payments are applied in the order given; two payments on one instalment see
    each other. Raises BatchRejected listing every bad record; then nothing is posted.
    """
    receivables = {r.id: r for r in ReceivableType.objects.all()}
    errors: list[RecordError] = []
    refs = [r.reference for r in requests if r.reference]
    seen_refs: set[str] = set()
    taken: set[str] = set()
    for chunk in _chunks(refs):
        taken.update(Payment.objects.filter(reference__in=chunk).values_list("reference", flat=True))
    total = overpaid = 0
    for n0, chunk in zip(range(1, len(requests) + 1, CHUNK), _chunks(requests)):
        # Lock the chunk's instalments (PostgreSQL): a clerk's payment at the
        # same moment waits, so neither allocation reads a stale balance.
        rows = Instalment.objects.select_for_update().filter(id__in={r.instalment_id for r in chunk}).order_by("id").values_list(*_FIELDS)
        state = {row[0]: row for row in rows}
        balances = {iid: {Component.PRINCIPAL: row[5], Component.LATE_CHARGE: row[6], Component.FEE: row[7]} for iid, row in state.items()}
        payments: list[Payment] = []
        allocations: list[list[tuple[int, Component, int, str]]] = []
        for n, r in enumerate(chunk, start=n0):
            bad = _check_payment(n, r, state, seen_refs, taken)
            if bad:
                errors += bad
                continue
            row = state[r.instalment_id]
            receivable = receivables[row[2]]
            bal = balances[r.instalment_id]
            parts, rest = allocate(r.amount, [Debt(r.instalment_id, row[4], bal)], receivable.order, receivable.scope)
            these = [(r.instalment_id, a.component, a.amount, Kind.PAYMENT) for a in parts]
            for a in parts:
                bal[a.component] -= a.amount
            if rest:
                these += [(r.instalment_id, Component.PRINCIPAL, rest, Kind.PAYMENT), (r.instalment_id, Component.PRINCIPAL, rest, Kind.OVERPAYMENT)]
                overpaid += rest
            total += r.amount
            payments.append(
                Payment(debtor_id=row[1], receivable_id=row[2], amount=r.amount, paid_on=r.paid_on, booked_on=r.booked_on,
                        channel=r.channel, reference=r.reference or None, created_by=user)
            )
            allocations.append(these)
        if errors:
            continue  # keep checking the rest so every bad record is reported at once
        Payment.objects.bulk_create(payments, batch_size=2000)
        entries = [
            Entry(instalment_id=iid, kind=kind, component=component, amount=amount, booked_on=p.booked_on, payment_id=p.id, created_by=user)
            for p, these in zip(payments, allocations)
            for iid, component, amount, kind in these
        ]
        book(entries, {iid: (row[2], row[3]) for iid, row in state.items()})
    if errors:
        raise BatchRejected(errors)
    return BulkPosted(len(requests), total, overpaid)


def _check_payment(n: int, r: PaymentRequest, state: dict, seen_refs: set, taken: set) -> list[RecordError]:
    errors = []
    if not isinstance(r.amount, int) or r.amount <= 0:
        errors.append(RecordError(n, "amount", "金額は1円以上の整数で入力してください。"))
    if r.instalment_id not in state:
        errors.append(RecordError(n, "instalment", f"調定 {r.instalment_id} が見つかりません。"))
    if r.booked_on < r.paid_on:
        errors.append(RecordError(n, "booked_on", "収納日が納付日より前です。"))
    if r.channel not in Channel.values:
        errors.append(RecordError(n, "channel", f"納付経路 {r.channel!r} は登録されていません。"))
    if r.reference:
        if r.reference in taken:
            errors.append(RecordError(n, "reference", f"収納キー {r.reference} は既に計上済みです。"))
        elif r.reference in seen_refs:
            errors.append(RecordError(n, "reference", f"収納キー {r.reference} がファイル内で重複しています。"))
        seen_refs.add(r.reference)
    return errors
