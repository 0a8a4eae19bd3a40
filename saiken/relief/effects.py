"""What approved relief decisions do to instalments, for the rest of the system.

Prescription reads `deferment_periods` and `deferrals` (履行延期の特約), case work reads `execution_stops`,
late charges read `late_charge_reliefs` (both with the 猶予's ground, which
decides whether its days are exempt, 地方税法15条の9第1項), and the write-off
run reads `extinguished`. Each is one query per chunk of instalments, however
many decisions there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db.models import Q

from saiken.core import relief as law
from saiken.core.relief import DEFERMENTS, ReliefKind
from saiken.ledger.models import WriteOffReason
from saiken.relief.models import ReliefDecisionLine, ReliefSchedule, Status

CHUNK = 5000
# Decisions that took effect; a revoked or ended one still applied until then.
_TOOK_EFFECT = (Status.APPROVED, Status.ENDED, Status.REVOKED)
_PERIOD_FIELDS = (
    "instalment_id", "decision__kind", "decision__start_on", "decision__end_on", "decision__decided_on",
    "decision__ended_on", "decision__revoked_on",
)
# When two reasons extinguish an instalment on the same day, the first here is reported.
_REASON_ORDER = {r: n for n, r in enumerate(WriteOffReason.values)}


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    it = iter(sorted(set(ids)))
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _periods(instalment_ids: Iterable[int], kinds: Sequence[str]) -> dict[int, list[tuple[date, date | None]]]:
    out: dict[int, list] = defaultdict(list)
    for chunk in _chunks(instalment_ids):
        rows = ReliefDecisionLine.objects.filter(
            instalment_id__in=chunk, decision__kind__in=list(kinds), decision__status__in=_TOOK_EFFECT
        ).values_list(*_PERIOD_FIELDS)
        for iid, kind, start, end, decided, ended, revoked in rows:
            period = law.in_force(kind, start, end, decided, ended, revoked)
            if period is not None:
                out[iid].append(period)
    return {iid: sorted(periods) for iid, periods in out.items()}


def deferment_periods(instalment_ids: Iterable[int]) -> dict[int, list[tuple[date, date]]]:
    """Per instalment, the first and last days (both included) of its approved 徴収猶予
    and 換価の猶予: the late charge runs at the reduced rate and prescription stops
    during them. A 猶予 always has an end (its end_on, or the day it was ended).
    Instalments without one are absent."""
    return _periods(instalment_ids, sorted(DEFERMENTS))  # type: ignore[return-value]


def execution_stops(instalment_ids: Iterable[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Per instalment, its 滞納処分の執行停止: first day, and last day (None while it
    continues; the day before the revocation if revoked). Instalments without one are absent."""
    return _periods(instalment_ids, [ReliefKind.EXECUTION_STOP])


def late_charge_reliefs(instalment_ids: Iterable[int]) -> dict[int, list[tuple[str, date, date | None]]]:
    """Per instalment, the approved decisions that change its late charge (地方税法15条の9第1項),
    as (what, first day, last day), sorted by first day:

    - ("stop", first, last): a 滞納処分の執行停止, no charge; last None while it continues,
      the day before the revocation if revoked (core.relief.in_force);
    - ("exempt", first, last): a 徴収猶予 on 15条1項1号・2号 or 5号 like them, no charge;
    - ("reduced", first, last): any other 徴収猶予 and 換価の猶予, the reduced rate.

    Instalments without one are absent."""
    return _late_charge_rows(instalment_ids, with_deferrals=False)[0]


def late_charge_effects(instalment_ids: Iterable[int]) -> tuple[dict[int, list[tuple[str, date, date | None]]], dict[int, list[DeferralEffect]]]:
    """`late_charge_reliefs` and `deferrals` together, as the ledger's late charges need
    both: the 履行延期 are found by the same query, and their schedules read only for
    the instalments that have one (most pages and files have none: no extra query)."""
    reliefs, deferred = _late_charge_rows(instalment_ids, with_deferrals=True)
    return reliefs, (deferrals(deferred) if deferred else {})


def _late_charge_rows(instalment_ids: Iterable[int], *, with_deferrals: bool) -> tuple[dict[int, list], set[int]]:
    out: dict[int, list] = defaultdict(list)
    deferred: set[int] = set()
    kinds = [*sorted(DEFERMENTS), ReliefKind.EXECUTION_STOP, *([ReliefKind.PERFORMANCE_DEFERRAL] if with_deferrals else [])]
    for chunk in _chunks(instalment_ids):
        rows = ReliefDecisionLine.objects.filter(
            instalment_id__in=chunk, decision__kind__in=kinds, decision__status__in=_TOOK_EFFECT
        ).values_list(*_PERIOD_FIELDS, "decision__ground")
        for iid, kind, start, end, decided, ended, revoked, ground in rows:
            if kind == ReliefKind.PERFORMANCE_DEFERRAL:
                deferred.add(iid)  # `deferrals` decides whether it applies
                continue
            period = law.in_force(kind, start, end, decided, ended, revoked)
            if period is None:
                continue
            if kind == ReliefKind.EXECUTION_STOP:
                what = "stop"
            else:
                what = "exempt" if law.late_charge_exempt(kind, ground) else "reduced"
            out[iid].append((what, *period))
    return {iid: sorted(periods, key=lambda p: (p[1], p[0])) for iid, periods in out.items()}, deferred


@dataclass(frozen=True)
class DeferralEffect:
    """One approved 履行延期の特約 on one instalment (地方自治法施行令171条の6)."""

    start: date  # the day it took effect (the agreement: an acknowledgement, 民法152条)
    last: date | None  # its last day in force (None: no end); core.relief.in_force
    principal: int  # what the instalment owed at the agreement, by component
    late_charge: int
    fee: int
    # The instalment's share of the schedule, [(new due date, yen)] summing to `balance`
    # (core.relief.deferral_portions), with the dates after `last` brought to `last`:
    # once the 特約 has ended or been revoked, what is left of it is due at once.
    portions: tuple[tuple[date, int], ...]

    @property
    def balance(self) -> int:
        return self.principal + self.late_charge + self.fee


def deferrals(instalment_ids: Iterable[int]) -> dict[int, list[DeferralEffect]]:
    """Per instalment, its approved 履行延期の特約, oldest first. The schedule of a 特約
    covering several instalments is shared among them oldest first
    (core.relief.deferral_portions), so every line of each decision is read, not only
    the chunk's: one query per chunk of instalments, and one more for the schedules
    where there are any. A 特約 revoked before it began
    is absent; one ended or revoked later keeps its start (the acknowledgement stands)
    and its portions due after its end fall due on its last day in force (the simplest
    lawful reading: the agreement no longer defers them, 施行令171条の6 (verify))."""
    out: dict[int, list[DeferralEffect]] = defaultdict(list)
    for chunk in _chunks(instalment_ids):
        decisions = ReliefDecisionLine.objects.filter(
            instalment_id__in=chunk, decision__kind=ReliefKind.PERFORMANCE_DEFERRAL, decision__status__in=_TOOK_EFFECT
        ).values("decision_id")
        lines = list(
            ReliefDecisionLine.objects.filter(decision_id__in=decisions).values_list(
                "decision_id", "instalment_id", "instalment__due_date", "principal", "late_charge", "fee",
                *_PERIOD_FIELDS[1:],
            )
        )
        if not lines:
            continue
        schedules: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for did, due_on, amount in ReliefSchedule.objects.filter(decision_id__in=decisions).values_list("decision_id", "due_on", "amount"):
            schedules[did].append((due_on, amount))
        by_decision: dict[int, list] = defaultdict(list)
        for row in lines:
            by_decision[row[0]].append(row)
        wanted = set(chunk)
        for did, rows in by_decision.items():
            period = law.in_force(*rows[0][6:])
            if period is None:
                continue
            start, last = period
            portions = law.deferral_portions(schedules[did], [(iid, due, p + lc + f) for _, iid, due, p, lc, f, *_ in rows])
            for _, iid, _, p, lc, f, *_ in rows:
                if iid not in wanted:
                    continue
                moved = tuple((d if last is None or d <= last else last, a) for d, a in portions[iid])
                out[iid].append(DeferralEffect(start, last, p, lc, f, moved))
    return {iid: sorted(found, key=lambda e: e.start) for iid, found in out.items()}


def extinguished(as_of: date, instalment_ids: Iterable[int] | None = None) -> list[tuple[int, str, date]]:
    """(instalment id, write-off reason, date extinguished) for every open instalment whose
    debt approved relief has extinguished by `as_of`, one per instalment (the earliest);
    only among `instalment_ids` when given (one query per chunk of them).

    - stop_three_years: an approved, unrevoked 執行停止 that took effect on day S is
      extinguished on `passed_on(S, 3)` (S 2021-06-15 → 2024-06-16, see core.relief);
    - stop_immediate: an approved 執行停止 with immediate extinction, the day it took effect;
    - exemption, waiver: the day the 免除 or 債権放棄 took effect.
    """
    cutoff = law.latest_stop_start_extinguished_by(as_of)
    stop = Q(decision__kind=ReliefKind.EXECUTION_STOP)
    three_years = stop & Q(decision__immediate_extinction=False, decision__start_on__lte=cutoff, decision__decided_on__lte=cutoff)
    at_once = (stop & Q(decision__immediate_extinction=True)) | Q(decision__kind__in=[ReliefKind.EXEMPTION, ReliefKind.WAIVER])
    at_once &= Q(decision__start_on__lte=as_of, decision__decided_on__lte=as_of)
    still_owed = Q(instalment__principal_due__gt=0) | Q(instalment__late_charge_due__gt=0) | Q(instalment__fee_due__gt=0)
    rows = (
        ReliefDecisionLine.objects.filter(decision__status=Status.APPROVED)
        .filter(three_years | at_once)
        .filter(still_owed)
        .values_list("instalment_id", "decision__kind", "decision__immediate_extinction", "decision__start_on", "decision__decided_on")
    )
    if instalment_ids is None:
        found = rows.iterator(chunk_size=CHUNK)
    else:
        found = (row for chunk in _chunks(instalment_ids) for row in rows.filter(instalment_id__in=chunk))
    best: dict[int, tuple[date, str]] = {}
    for iid, kind, immediate, start, decided in found:
        begun = law.effective_start(start, decided)
        if kind == ReliefKind.EXECUTION_STOP:
            on = law.stop_extinction_date(begun, immediate)
            reason = WriteOffReason.STOP_IMMEDIATE if immediate else WriteOffReason.STOP_THREE_YEARS
        else:
            on = begun
            reason = WriteOffReason.EXEMPTION if kind == ReliefKind.EXEMPTION else WriteOffReason.WAIVER
        if on > as_of:  # not reached (the cutoff already excludes these; kept as the rule's own check)
            continue
        candidate = (on, str(reason))
        if iid not in best or (candidate[0], _REASON_ORDER[candidate[1]]) < (best[iid][0], _REASON_ORDER[best[iid][1]]):
            best[iid] = candidate
    return [(iid, reason, on) for iid, (on, reason) in sorted(best.items())]
