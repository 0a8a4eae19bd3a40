"""The finer summaries (DailySummary, PaymentSummary, WriteOffSummary) recomputed from
the records, to prove them (`saiken check-ledger`) and to rebuild them.

In service nothing rebuilds them: `saiken.ledger.booking` bumps them in the
transaction that writes what they count. `rebuild` is the repair (after a restore,
or a database filled by hand) and what the migration that created them ran once.

Every function takes `apps` so that the migration can pass its historical models;
each recomputation is one grouped query (a full scan: seconds at scale M, a minute
or so at L), folded in Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from saiken.core.allocation import Component
from saiken.core.entries import ASSESSED_SIGN, COLLECTED_SIGN, Kind
from saiken.core.fiscal import fiscal_year_of

BATCH = 5000

DayKey = tuple[int, int, int, date]  # (receivable, debt fiscal year, settlement year, day)
ChannelKey = tuple[int, int, str]  # (receivable, fiscal year of booking, channel)
ReasonKey = tuple[int, int, str]  # (receivable, settlement year, reason)

_DAILY_KINDS = sorted(k.value for k in {**COLLECTED_SIGN, **ASSESSED_SIGN})


def daily_figures(apps=global_apps) -> dict[DayKey, tuple[int, int]]:
    """(collected, assessed) principal per day from the entries; days that add up to
    nothing are left out."""
    Entry = apps.get_model("ledger", "Entry")
    out: dict[DayKey, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        Entry.objects.filter(component=Component.PRINCIPAL.value, kind__in=_DAILY_KINDS)
        .values_list("instalment__receivable_id", "instalment__fiscal_year", "settlement_year", "booked_on", "kind")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for rid, dfy, sy, day, kind, s in rows.iterator(chunk_size=BATCH):
        figures = out[(rid, dfy, sy, day)]
        figures[0] += COLLECTED_SIGN.get(Kind(kind), 0) * s
        figures[1] += ASSESSED_SIGN.get(Kind(kind), 0) * s
    return {k: (c, a) for k, (c, a) in out.items() if c or a}


def payment_figures(apps=global_apps) -> dict[ChannelKey, tuple[int, int]]:
    """(payments, yen) per receivable, fiscal year of booking and channel. Grouped by
    the booking day and folded into years here: a plain column groups faster than a
    date function, on both databases."""
    Payment = apps.get_model("ledger", "Payment")
    out: dict[ChannelKey, list[int]] = defaultdict(lambda: [0, 0])
    Entry = apps.get_model("ledger", "Entry")
    # Payments that stand: a reversed one (saiken.core.reversal) left the tally.
    reversed_ = Entry.objects.filter(kind=Kind.PAYMENT_REVERSAL.value, payment__isnull=False).values("payment_id")
    rows = (
        Payment.objects.exclude(pk__in=reversed_).values_list("receivable_id", "booked_on", "channel")
        .annotate(n=Count("id"), s=Sum("amount")).order_by()
    )
    years: dict[date, int] = {}
    for rid, day, channel, n, s in rows.iterator(chunk_size=BATCH):
        fy = years.get(day)
        if fy is None:
            fy = years[day] = fiscal_year_of(day)
        figures = out[(rid, fy, channel)]
        figures[0] += n
        figures[1] += s
    return {k: (n, s) for k, (n, s) in out.items()}


def write_off_figures(apps=global_apps) -> dict[ReasonKey, tuple[int, int]]:
    """(instalments, principal) written off per receivable, settlement year and reason."""
    Entry = apps.get_model("ledger", "Entry")
    rows = (
        Entry.objects.filter(kind=Kind.WRITE_OFF.value)
        .values_list("instalment__receivable_id", "settlement_year", "reason")
        .annotate(n=Count("instalment_id", distinct=True), p=Sum("amount", filter=Q(component=Component.PRINCIPAL.value)))
        .order_by()
    )
    return {(rid, sy, reason): (n, p or 0) for rid, sy, reason, n, p in rows}


def stored(model: str, apps=global_apps) -> dict[tuple, tuple[int, ...]]:
    """A summary table as {key: figures}, the same shape as its recomputation."""
    fields = {
        "DailySummary": (("receivable_id", "debt_fiscal_year", "settlement_year", "day"), ("collected", "assessed")),
        "PaymentSummary": (("receivable_id", "fiscal_year", "channel"), ("payments", "amount")),
        "WriteOffSummary": (("receivable_id", "settlement_year", "reason"), ("instalments", "principal")),
    }
    key, figures = fields[model]
    n = len(key)
    return {row[:n]: row[n:] for row in apps.get_model("ledger", model).objects.values_list(*key, *figures).iterator(chunk_size=BATCH)}


def _bulk(model, objs) -> int:
    batch, n = [], 0
    for o in objs:
        batch.append(o)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            n, batch = n + len(batch), []
    if batch:
        model.objects.bulk_create(batch)
        n += len(batch)
    return n


def rebuild(apps=global_apps) -> dict[str, int]:
    """Replace the three summaries by their recomputation, in one transaction; returns
    the rows written. On PostgreSQL the entries and payments are locked against writes
    meanwhile (SHARE), so no booking falls between the count and the swap."""
    Entry, Payment = apps.get_model("ledger", "Entry"), apps.get_model("ledger", "Payment")
    Daily, Channels, WriteOffs = (apps.get_model("ledger", m) for m in ("DailySummary", "PaymentSummary", "WriteOffSummary"))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {Entry._meta.db_table}, {Payment._meta.db_table} IN SHARE MODE")
        daily, channels, write_offs = daily_figures(apps), payment_figures(apps), write_off_figures(apps)
        for model in (Daily, Channels, WriteOffs):
            model.objects.all().delete()
        return {
            "daily": _bulk(Daily, (
                Daily(receivable_id=r, debt_fiscal_year=d, settlement_year=s, day=day, collected=c, assessed=a)
                for (r, d, s, day), (c, a) in daily.items()
            )),
            "payments": _bulk(Channels, (
                Channels(receivable_id=r, fiscal_year=fy, channel=ch, payments=n, amount=a) for (r, fy, ch), (n, a) in channels.items()
            )),
            "write_offs": _bulk(WriteOffs, (
                WriteOffs(receivable_id=r, settlement_year=sy, reason=reason, instalments=n, principal=p)
                for (r, sy, reason), (n, p) in write_offs.items()
            )),
        }
