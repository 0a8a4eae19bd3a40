"""`saiken refresh-goals`: rebuild the goals' caches from the records (nightly).

Everything is read first — one grouped query over the entries for the daily
collection, one over the payments, one over the write-offs, and the demand
compliance table — and then swapped in within one short transaction, so the
dashboard never sees half a refresh and a failed run leaves the previous caches
whole. Safe to re-run; the result depends only on the records and `as_of`.

At city scale (20 million instalment lines) the reads are full scans that take a
minute or so; the caches they leave are small (at most receivables × debt years ×
settlement years × days for DailyCollection) and the dashboard reads only them.
`differences(as_of)` recomputes and compares, for `saiken refresh-goals --check`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from saiken.core.allocation import Component
from saiken.core.entries import ASSESSED_SIGN, COLLECTED_SIGN, Kind
from saiken.goals.indicators import Tallies, live_tallies
from saiken.goals.models import ChannelTally, DailyCollection, DemandTally, GoalRefresh, WriteOffTally
from saiken.ledger.models import Entry, LedgerSummary

BATCH = 5000

DayKey = tuple[int, int, int, date]  # (receivable, debt fiscal year, settlement year, day)
_KINDS = [k.value for k in {**COLLECTED_SIGN, **ASSESSED_SIGN}]


def daily_figures() -> dict[DayKey, tuple[int, int]]:
    """Principal (collected, assessed) per receivable, debt year, settlement year and
    booking day: 収入済額 (payments and transfers in, less overpayments set aside) and
    調定額 (assessments, increases, decreases), as saiken.core.collection counts them."""
    out: dict[DayKey, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        Entry.objects.filter(component=Component.PRINCIPAL, kind__in=_KINDS)
        .values_list("instalment__receivable_id", "instalment__fiscal_year", "settlement_year", "booked_on", "kind")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for rid, dfy, sy, day, kind, s in rows.iterator(chunk_size=BATCH):
        kind = Kind(kind)
        figures = out[(rid, dfy, sy, day)]
        figures[0] += COLLECTED_SIGN.get(kind, 0) * s
        figures[1] += ASSESSED_SIGN.get(kind, 0) * s
    return {k: (c, a) for k, (c, a) in out.items() if c or a}


def _bulk(model, objs: Iterator) -> int:
    n = 0
    batch = []
    for o in objs:
        batch.append(o)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            n += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        n += len(batch)
    return n


def refresh(as_of: date, progress: Callable[[str], None] | None = None) -> GoalRefresh:
    say = progress or (lambda _msg: None)
    started = timezone.now()
    say("日別収納額を集計しています")
    daily = daily_figures()
    say(f"  {len(daily):,} 行")
    say("督促・納付経路・不納欠損を集計しています")
    tallies: Tallies = live_tallies(as_of)
    with transaction.atomic():
        for model in (DailyCollection, ChannelTally, WriteOffTally, DemandTally):
            model.objects.all().delete()
        rows = {
            "daily_collection": _bulk(
                DailyCollection,
                (
                    DailyCollection(receivable_id=r, debt_fiscal_year=d, settlement_year=s, day=day, collected=c, assessed=a)
                    for (r, d, s, day), (c, a) in daily.items()
                ),
            ),
            "channels": _bulk(
                ChannelTally,
                (ChannelTally(receivable_id=r, fiscal_year=fy, channel=ch, payments=n, amount=a) for (r, fy, ch), (n, a) in tallies.channels.items()),
            ),
            "write_offs": _bulk(
                WriteOffTally,
                (WriteOffTally(receivable_id=r, settlement_year=sy, reason=reason, instalments=n, principal=p) for (r, sy, reason), (n, p) in tallies.write_offs.items()),
            ),
            "demands": _bulk(
                DemandTally,
                (DemandTally(receivable_id=r, fiscal_year=fy, on_time=s.on_time, late=s.late, missing=s.missing, pending=s.pending) for (r, fy), s in tallies.demands.items()),
            ),
        }
        run = GoalRefresh.objects.create(as_of=as_of, started_at=started, finished_at=timezone.now(), rows=rows)
    say("  " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    return run


def differences(as_of: date) -> list[str]:
    """Every way the caches differ from the records (empty when they agree): the daily
    collection against the entries and, summed over the days, against the ledger's
    summary; the tallies against a fresh count as of `as_of` (the refresh's date)."""
    out: list[str] = []
    cached = {
        (r, d, s, day): (c, a)
        for r, d, s, day, c, a in DailyCollection.objects.values_list(
            "receivable_id", "debt_fiscal_year", "settlement_year", "day", "collected", "assessed"
        )
    }
    fresh = daily_figures()
    for key in sorted(set(cached) | set(fresh), key=str):
        if cached.get(key, (0, 0)) != fresh.get(key, (0, 0)):
            out.append(f"日別収納額・調定額 {key}: 保持値 {cached.get(key, (0, 0))} / 仕訳から {fresh.get(key, (0, 0))}")
    per_year: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for (r, d, s, _), (c, a) in cached.items():
        per_year[(r, d, s)][0] += c
        per_year[(r, d, s)][1] += a
    ledger: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    for r, d, s, kind, a in LedgerSummary.objects.filter(component=Component.PRINCIPAL).values_list(
        "receivable_id", "debt_fiscal_year", "settlement_year", "kind", "amount"
    ):
        ledger[(r, d, s)][0] += COLLECTED_SIGN.get(Kind(kind), 0) * a
        ledger[(r, d, s)][1] += ASSESSED_SIGN.get(Kind(kind), 0) * a
    for key in sorted(set(per_year) | {k for k, v in ledger.items() if any(v)}):
        have, want = per_year.get(key, [0, 0]), ledger.get(key, [0, 0])
        if have != want:
            out.append(f"日別の合計 {key}: 収入済額・調定額 {have} / 集計表 {want}")
    live = live_tallies(as_of)
    tables = {
        "納付経路別件数": (
            {(r, fy, ch): (n, a) for r, fy, ch, n, a in ChannelTally.objects.values_list("receivable_id", "fiscal_year", "channel", "payments", "amount")},
            live.channels,
        ),
        "不納欠損の理由別件数": (
            {(r, sy, reason): (n, p) for r, sy, reason, n, p in WriteOffTally.objects.values_list("receivable_id", "settlement_year", "reason", "instalments", "principal")},
            live.write_offs,
        ),
        "督促の期限内発付件数": (
            {(r, fy): (a, b, c, d) for r, fy, a, b, c, d in DemandTally.objects.values_list("receivable_id", "fiscal_year", "on_time", "late", "missing", "pending")},
            {k: (s.on_time, s.late, s.missing, s.pending) for k, s in live.demands.items()},
        ),
    }
    for name, (have, want) in tables.items():
        for key in sorted(set(have) | set(want), key=str):
            if have.get(key) != want.get(key):
                out.append(f"{name} {key}: 保持値 {have.get(key)} / 記録から {want.get(key)}")
    return out
