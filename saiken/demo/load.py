"""Writing the demo city into the database, through the ledger's own bulk actions.

Blocks of people are planned and written one after the other, one transaction
each, so memory stays bounded at any scale: debtors and their identifiers, then
each fiscal year's instalments (`assess_bulk`), then the block's payments in the
order they were booked (`post_payments`), then write-offs (`write_off_bulk`).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, reset_queries, transaction

from saiken.accounting.report import summary_rows
from saiken.catalog.models import ReceivableType
from saiken.core.collection import Line, city_total, collection_lines
from saiken.debtors.models import Contact, Debtor, DebtorIdentifier
from saiken.demo.city import Block, CityConfig, blocks
from saiken.ledger.bulk import AssessmentRequest, PaymentRequest, assess_bulk, post_payments, write_off_bulk
from saiken.ledger.models import Instalment, LedgerSummary
from saiken.payments.models import DirectDebitMandate

BLOCK_SIZE = 2_500  # people per block: ~50,000 instalment lines
PAYMENT_CHUNK = 50_000
DEMO_USER = ("demo", "demo")


@dataclass
class Loaded:
    debtors: int = 0
    identifiers: int = 0
    contacts: int = 0
    instalments: int = 0
    payments: int = 0
    write_offs: int = 0
    mandates: int = 0
    lines_by_year: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def ledger_models() -> list:
    """Debtors, the ledger, and every model (of any app) that points at them, children first."""
    from saiken.demands.models import DemandRun, DemandSummary  # a run is the parent of its demands, pointed at by them
    from saiken.ledger.models import DailySummary, PaymentSummary, WriteOffSummary

    # The summaries point at no debtor, so they are listed: they count the rows deleted here.
    found = [DemandRun, Debtor, LedgerSummary, DailySummary, PaymentSummary, WriteOffSummary, DemandSummary]
    i = 0
    while i < len(found):
        for rel in found[i]._meta.related_objects:
            if rel.related_model not in found:
                found.append(rel.related_model)
        i += 1
    return list(reversed(found))


def reset_city() -> None:
    """Delete every debtor and ledger row, and restart their ids, so a new city gets the same ids.

    The audit log is emptied with them: it names debtors by id, and the ids restart, so the
    old rows would name the new city's people. The audit table is append-only in the
    database (saiken.audit.guard); its triggers are lifted for this one truncation and
    re-created in the same transaction. Only the demo city does this."""
    from saiken.audit import guard
    from saiken.audit.models import AuditEvent

    tables = [m._meta.db_table for m in ledger_models()] + [AuditEvent._meta.db_table]
    with transaction.atomic():
        postgres = connection.vendor == "postgresql"
        if postgres:  # TRUNCATE refuses while deferred foreign-key checks are pending in this transaction
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # CASCADE (PostgreSQL) also empties the join tables of many-to-many fields, which
        # point at these tables without being models of their own here.
        with guard.lifted():
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True))
        if postgres:
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are INITIALLY DEFERRED


# Department staff to try the access rules with (username = password; demo only).
DEMO_STAFF = (
    ("nozei", "納税", "一郎", "nozei", "clerk"),
    ("hoiku", "保育", "花子", "hoiku", "clerk"),
    ("hoiku-kacho", "保育", "課長", "hoiku", "manager"),
    ("iinkai", "債権管理", "委員", None, "committee"),
)


def ensure_demo_user() -> bool:
    """The demo logins: demo / demo (administrator) and the department staff of
    DEMO_STAFF. Returns True if the administrator was created now."""
    from django.contrib.auth.models import Permission

    from saiken.catalog.models import Department
    from saiken.staff.models import StaffProfile

    User = get_user_model()
    username, password = DEMO_USER
    created = False
    if not User.objects.filter(username=username).exists():
        User.objects.create_superuser(username=username, email="", password=password)
        created = True
    approve = Permission.objects.filter(codename="approve_reliefdecision").first()
    for login, last, first, department, role in DEMO_STAFF:
        if User.objects.filter(username=login).exists():
            continue
        user = User.objects.create_user(login, password=login, last_name=last, first_name=first)
        StaffProfile.objects.create(user=user, role=role, department=Department.objects.filter(code=department).first() if department else None)
        if role == "manager" and approve is not None:
            user.user_permissions.add(approve)
    return created


def operator():
    """The login the demo city's and the bench's runs are made as: the demo administrator
    (runs are never anonymous; saiken.staff.policy checks them as any other)."""
    ensure_demo_user()
    return get_user_model().objects.get_by_natural_key(DEMO_USER[0])


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
                              i.assessed_on, i.subject, i.notice_number, i.arose_on)
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
    DirectDebitMandate.objects.bulk_create([
        DirectDebitMandate(debtor_id=ids[m.record], receivable_id=receivables[m.receivable], bank_code=m.bank_code,
                           branch_code=m.branch_code, account_type=m.account_type, account_number=m.account_number,
                           holder_kana=m.holder_kana, valid_from=m.valid_from, first_debit_done=m.debited_before)
        for m in block.mandates
    ])
    done.mandates += len(block.mandates)


def collection_totals(year: int) -> Line:
    """The city's total line of the collection-rate table for `year`, from LedgerSummary."""
    return city_total(collection_lines(summary_rows(), year).values())
