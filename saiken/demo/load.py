"""Writing the demo city into the database, through the ledger's own bulk actions.

Blocks of people are planned and written one after the other, one transaction
each, so memory stays bounded at any scale: debtors and their identifiers, then
each fiscal year's instalments (`assess_bulk`), then the block's payments in the
order they were booked (`post_payments`), then write-offs (`write_off_bulk`,
through `book` so the cached balances and the summary stay exact).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction

from saiken.accounting.report import summary_rows
from saiken.catalog.models import ReceivableType
from saiken.core.allocation import Component
from saiken.core.collection import Line, city_total, collection_lines
from saiken.core.entries import Kind
from saiken.debtors.models import Contact, Debtor, DebtorIdentifier
from saiken.demo.city import Block, CityConfig, blocks
from saiken.ledger.booking import book
from saiken.ledger.bulk import AssessmentRequest, PaymentRequest, assess_bulk, post_payments
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Entry, Instalment, LedgerSummary, WriteOffReason

BLOCK_SIZE = 2_500  # people per block: ~50,000 instalment lines
PAYMENT_CHUNK = 50_000
WRITE_OFF_CHUNK = 5_000
DEMO_USER = ("demo", "demo")
_REASONS = frozenset(WriteOffReason.values)


@dataclass
class Loaded:
    debtors: int = 0
    identifiers: int = 0
    contacts: int = 0
    instalments: int = 0
    payments: int = 0
    write_offs: int = 0
    lines_by_year: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def ledger_models() -> list:
    """Debtors, the ledger, and every model (of any app) that points at them, children first."""
    found = [Debtor, LedgerSummary]
    i = 0
    while i < len(found):
        for rel in found[i]._meta.related_objects:
            if rel.related_model not in found:
                found.append(rel.related_model)
        i += 1
    return list(reversed(found))


def reset_city() -> None:
    """Delete every debtor and ledger row, and restart their ids, so a new city gets the same ids."""
    tables = [m._meta.db_table for m in ledger_models()]
    with transaction.atomic():
        postgres = connection.vendor == "postgresql"
        if postgres:  # TRUNCATE refuses while deferred foreign-key checks are pending in this transaction
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
        if postgres:
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED


def ensure_demo_user() -> bool:
    """The demo login (demo / demo). Returns True if it was created now."""
    User = get_user_model()
    username, password = DEMO_USER
    if User.objects.filter(username=username).exists():
        return False
    User.objects.create_superuser(username=username, email="", password=password)
    return True


@transaction.atomic
def write_off_bulk(items: Sequence[tuple[int, date, str]], note: str = "", user=None) -> int:
    """不納欠損 for many instalments: each (instalment id, booked on, reason) books off
    everything still owed on it, like `saiken.ledger.actions.write_off`, set-based."""
    written = 0
    for start in range(0, len(items), WRITE_OFF_CHUNK):
        chunk = items[start:start + WRITE_OFF_CHUNK]
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


def load_city(cfg: CityConfig, *, block_size: int = BLOCK_SIZE, progress: Callable[[str], None] = print) -> Loaded:
    """Plan and write the city block by block. The database must have no debtors."""
    started = time.perf_counter()
    receivables = dict(ReceivableType.objects.values_list("code", "id"))
    done = Loaded()
    for block in blocks(cfg, block_size):
        with transaction.atomic():
            _load_block(block, receivables, done)
        reset_queries()  # with DEBUG on, Django keeps every statement (with its parameters) in memory
        progress(
            f"debtors {block.stop:,}/{cfg.debtors:,}: {done.instalments:,} lines, {done.payments:,} payments,"
            f" {done.write_offs:,} write-offs ({time.perf_counter() - started:.1f}s)"
        )
    done.seconds = time.perf_counter() - started
    return done


def _load_block(block: Block, receivables: dict[str, int], done: Loaded) -> None:
    debtors = Debtor.objects.bulk_create(
        [
            Debtor(kind=r.kind, name=r.name, name_kana=r.name_kana, birth_date=r.birth_date, corporate_number=r.corporate_number,
                   postal_code=r.postal_code, address=r.address)
            for r in block.records
        ]
    )
    ids = [d.id for d in debtors]
    DebtorIdentifier.objects.bulk_create(
        [DebtorIdentifier(debtor_id=i, system=s, value=v) for i, r in zip(ids, block.records) for s, v in r.identifiers]
    )
    Contact.objects.bulk_create(
        [Contact(debtor_id=i, kind=k, value=v, note=n) for i, r in zip(ids, block.records) for k, v, n in r.contacts]
    )
    done.debtors += len(ids)
    done.identifiers += sum(len(r.identifiers) for r in block.records)
    done.contacts += sum(len(r.contacts) for r in block.records)

    by_year: dict[int, list[AssessmentRequest]] = defaultdict(list)
    for i in block.instalments:
        by_year[i.fiscal_year].append(
            AssessmentRequest(ids[i.record], receivables[i.receivable], i.fiscal_year, i.instalment_no, i.nominal_due, i.amount,
                              i.assessed_on, i.subject, i.notice_number)
        )
    for fy in sorted(by_year):
        done.instalments += assess_bulk(by_year[fy])
        done.lines_by_year[fy] += len(by_year[fy])

    keys = {
        (d, r, s, fy, no): iid
        for iid, d, r, s, fy, no in Instalment.objects.filter(debtor_id__gte=min(ids), debtor_id__lte=max(ids)).values_list(
            "id", "debtor_id", "receivable_id", "subject", "fiscal_year", "instalment_no"
        )
    }
    instalment_ids = [
        keys[(ids[i.record], receivables[i.receivable], i.subject, i.fiscal_year, i.instalment_no)] for i in block.instalments
    ]
    # In the order the city booked them, so a part payment after an earlier one sees its balance.
    payments = sorted(block.payments, key=lambda p: (p.booked_on, p.paid_on, p.instalment))
    for start in range(0, len(payments), PAYMENT_CHUNK):
        chunk = payments[start:start + PAYMENT_CHUNK]
        post_payments(
            [PaymentRequest(instalment_ids[p.instalment], p.amount, p.paid_on, p.booked_on, p.channel, p.reference) for p in chunk]
        )
        done.payments += len(chunk)
    write_offs = sorted(block.write_offs, key=lambda w: (w.booked_on, w.instalment))
    done.write_offs += write_off_bulk([(instalment_ids[w.instalment], w.booked_on, w.reason) for w in write_offs], note="デモデータ")


def collection_totals(year: int) -> Line:
    """The city's total line of the collection-rate table for `year`, from LedgerSummary."""
    return city_total(collection_lines(summary_rows(), year).values())
