"""Stalled cases (催告後進捗なし): the failure the seed city found in FY2017, made visible.

An open case is stalled when
- a reminder was sent and nothing was recorded for N days after it
  (`saiken.cases.rules.stalled_since`): a reminder is a contact entry of kind letter
  or document (催告書, 書類の送付) or a 督促状; progress is a contact with the debtor
  (phone, visit, counter, e-mail), a payment, a pledge, a promise, a task done or a
  welfare referral. N is the receivable's `stall_days_after_reminder`: the demand's
  own receivable for a 督促状, and the smallest among the debtor's open receivables
  for a letter (the strictest rule wins, so no receivable waits longer than its own N);
- or it has no next action date: nobody has planned what happens next.

`snapshot(as_of)` writes the day's counts per department and officer, and per
receivable (`saiken snapshot-stalls`), so the trend can be shown and the goals'
dashboard can read the count without a scan of every case; it replaces that day's
rows, so it is safe to re-run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from saiken.cases.facts import OPEN, chunks, end_of
from saiken.cases.models import (
    PROGRESS_KINDS, REMINDER_KINDS, Case, ContactEntry, Pledge, Promise, StallCount, StallReceivableCount, Task, WelfareReferral,
)
from saiken.cases.rules import stalled_since
from saiken.catalog.models import ReceivableType
from saiken.demands.models import Demand
from saiken.ledger.models import Instalment, Payment

NO_NEXT_ACTION = "no_next_action"
AFTER_REMINDER = "after_reminder"
REASON_LABELS = {NO_NEXT_ACTION: "次回対応日なし", AFTER_REMINDER: "催告後進捗なし"}
CHUNK = 2000


@dataclass(frozen=True)
class Stall:
    case_id: int
    reasons: tuple[str, ...]  # NO_NEXT_ACTION, AFTER_REMINDER
    since: date | None  # the day it became stalled after a reminder
    last_progress: date | None

    @property
    def labels(self) -> list[str]:
        return [REASON_LABELS[r] for r in self.reasons]


def _max_by(qs: QuerySet, key: str, field: str) -> dict[int, date]:
    return dict(qs.values(key).annotate(m=Max(field)).values_list(key, "m"))


def _last_progress(chunk: list[Case], as_of: date) -> dict[int, date]:
    """The last day with recorded progress on or before `as_of`, per case."""
    ids = [c.pk for c in chunk]
    by_debtor = {c.debtor_id: c.pk for c in chunk}
    candidates: dict[int, list[date]] = defaultdict(list)
    for cid, at in _max_by(ContactEntry.objects.filter(case_id__in=ids, kind__in=PROGRESS_KINDS, at__lt=end_of(as_of)), "case_id", "at").items():
        candidates[cid].append(timezone.localtime(at).date())
    for did, d in _max_by(Payment.objects.filter(debtor_id__in=list(by_debtor), paid_on__lte=as_of), "debtor_id", "paid_on").items():
        candidates[by_debtor[did]].append(d)
    sources = (
        (Pledge.objects.filter(signed_on__lte=as_of), "signed_on"),
        (Promise.objects.filter(promised_on__lte=as_of), "promised_on"),
        (Task.objects.filter(done_on__lte=as_of), "done_on"),
        (WelfareReferral.objects.filter(referred_on__lte=as_of), "referred_on"),
    )
    for qs, field in sources:
        for cid, d in _max_by(qs.filter(case_id__in=ids), "case_id", field).items():
            candidates[cid].append(d)
    return {cid: max(ds) for cid, ds in candidates.items()}


def _reminders(chunk: list[Case], as_of: date) -> dict[int, list[tuple[date, int]]]:
    """(day sent, N) per case: letters and documents in the log, and 督促状."""
    ids = [c.pk for c in chunk]
    by_debtor = {c.debtor_id: c.pk for c in chunk}
    default_n = ReceivableType._meta.get_field("stall_days_after_reminder").default
    strictest = dict(
        Instalment.objects.filter(debtor_id__in=list(by_debtor)).filter(OPEN)
        .values("debtor_id").annotate(n=Min("receivable__stall_days_after_reminder")).values_list("debtor_id", "n")
    )
    out: dict[int, list] = defaultdict(list)
    letters = ContactEntry.objects.filter(case_id__in=ids, kind__in=REMINDER_KINDS, at__lt=end_of(as_of))
    debtor_of = {c.pk: c.debtor_id for c in chunk}
    for cid, at in letters.values_list("case_id", "at"):
        out[cid].append((timezone.localtime(at).date(), strictest.get(debtor_of[cid], default_n)))
    demands = Demand.objects.filter(debtor_id__in=list(by_debtor), issued_on__lte=as_of)
    for did, issued, n in demands.values_list("debtor_id", "issued_on", "receivable__stall_days_after_reminder"):
        out[by_debtor[did]].append((issued, n))
    return out


def open_on(case: Case, as_of: date) -> bool:
    """Open on that day: opened by then, and not closed (or closed only later)."""
    if case.opened_on > as_of:
        return False
    return case.status == Case.Status.OPEN or (case.closed_on is not None and case.closed_on > as_of)


def stalls(cases: Iterable[Case], as_of: date) -> dict[int, Stall]:
    """The stalled ones among `cases` (cases open on `as_of`; others are never stalled)."""
    out: dict[int, Stall] = {}
    live = [c for c in cases if open_on(c, as_of)]
    for chunk in chunks(live, CHUNK):
        progress = _last_progress(chunk, as_of)
        reminders = _reminders(chunk, as_of)
        for c in chunk:
            since = stalled_since(reminders.get(c.pk, []), progress.get(c.pk), as_of)
            reasons = tuple(r for r, hit in ((AFTER_REMINDER, since is not None), (NO_NEXT_ACTION, c.next_action_on is None)) if hit)
            if reasons:
                out[c.pk] = Stall(c.pk, reasons, since, progress.get(c.pk))
    return out


def open_cases(as_of: date) -> QuerySet:
    return Case.objects.filter(status=Case.Status.OPEN, opened_on__lte=as_of)


def _scan(as_of: date) -> Iterator[tuple[list[Case], dict[int, Stall], dict[int, frozenset[int]]]]:
    """Every case open on `as_of` (see `open_on`) in keyset-paged chunks, with the stalled
    ones and the receivables each stalled case counts for: those of the debtor's
    instalments assessed by then and still owed (the ledger's balances now: on the day
    itself for the nightly snapshot)."""
    cases = Case.objects.filter(opened_on__lte=as_of).filter(Q(status=Case.Status.OPEN) | Q(closed_on__gt=as_of))
    after = 0
    while chunk := list(cases.filter(pk__gt=after).order_by("pk")[:CHUNK]):
        found = stalls(chunk, as_of)
        debtor_of = {c.pk: c.debtor_id for c in chunk if c.pk in found}
        owed: dict[int, set[int]] = defaultdict(set)
        if debtor_of:
            for did, rid in (
                Instalment.objects.filter(debtor_id__in=sorted(set(debtor_of.values())), assessed_on__lte=as_of).filter(OPEN)
                .values_list("debtor_id", "receivable_id").distinct()
            ):
                owed[did].add(rid)
        yield chunk, found, {cid: frozenset(owed[did]) for cid, did in debtor_of.items()}
        after = chunk[-1].pk


def stalled_receivables(as_of: date) -> dict[int, frozenset[int]]:
    """Every case stalled on `as_of`, with the receivables it counts for (see `_scan`).
    Live from the records: a few queries per 2,000 open cases (about a second per
    10,000 on SQLite), so screens read the nightly snapshot instead."""
    out: dict[int, frozenset[int]] = {}
    for _, _, owed in _scan(as_of):
        out.update(owed)
    return out


def receivable_counts(stalled: dict[int, frozenset[int]], major: set[int]) -> dict[int | None, int]:
    """Stalled cases per receivable, and (None) those owing any of `major`, each case once."""
    out: dict[int | None, int] = Counter()
    for receivables in stalled.values():
        for rid in receivables:
            out[rid] += 1
        out[None] += bool(receivables & major)
    return dict(out)


def snapshot(as_of: date) -> int:
    """Write the day's StallCount and StallReceivableCount rows (replacing any from an
    earlier run that day) in one pass over the cases; returns the stalled total."""
    found: dict[tuple[int, int | None], int] = Counter()
    stalled: dict[int, frozenset[int]] = {}
    for chunk, in_chunk, owed in _scan(as_of):
        for c in chunk:
            found[(c.department_id, c.officer_id)] += c.pk in in_chunk
        stalled.update(owed)
    major = set(ReceivableType.objects.filter(is_major=True).values_list("id", flat=True))
    by_receivable = receivable_counts(stalled, major)
    by_receivable.setdefault(None, 0)  # the city's row is always written: a day with none stalled was counted too
    with transaction.atomic():
        StallCount.objects.filter(day=as_of).delete()
        StallCount.objects.bulk_create(
            StallCount(day=as_of, department_id=dep, officer_id=officer, count=n) for (dep, officer), n in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
        )
        StallReceivableCount.objects.filter(day=as_of).delete()
        StallReceivableCount.objects.bulk_create(
            StallReceivableCount(day=as_of, receivable_id=rid, count=n) for rid, n in sorted(by_receivable.items(), key=lambda kv: kv[0] or 0)
        )
    return sum(found.values())
