"""The daily demand run (督促状発付): every instalment unpaid after its due date gets its 督促.

`issue_demands` is set-based and chunked by debtor, one transaction per chunk,
so a run over tens of thousands of instalments holds no lock for long and a
crash loses at most the chunk in flight. It is safe to re-run: an instalment is
demanded once (DemandLine is one-to-one with it), so the same day's second run
finds nothing. A payment posted before the chunk is read keeps its instalment
out; one posted while the chunk is read waits for the chunk (row locks) or is
seen by it (PostgreSQL re-checks a locked row's balance before returning it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from saiken import audit
from saiken.catalog.models import LegalClass, ReceivableType
from saiken.core.allocation import Component
from saiken.core.deadlines import deadlines
from saiken.core.entries import Kind
from saiken.core.relief import DEFERMENTS, ReliefKind
from saiken.demands import summary
from saiken.demands.delivery_state import presumed_mail_days, seizure_counts_from_delivery
from saiken.demands.models import Demand, DemandLine, DemandRun, DocumentStatus
from saiken.ledger.booking import EntryRow, book_rows, insert_rows
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.payments.models import ReceivedPayment
from saiken.prescription import collectability
from saiken.relief.models import ReliefDecisionLine, Status
from saiken.staff import policy
from saiken.staff.policy import Act

CHUNK = 5000
_ADVISORY_KEY = 0x5A1_4E4D  # one demand run at a time on PostgreSQL: "saiken demands"

_DEMAND_FIELDS = ("run_id", "number", "debtor_id", "receivable_id", "issued_on", "designated_deadline", "seizure_from", "principal", "fee")
_LINE_FIELDS = ("demand_id", "instalment_id", "principal", "demand_by", "on_time")


def candidates(*, as_of: date, due_on: date | None = None, receivable_ids: Iterable[int] | None = None):
    """Instalments a run on `as_of` would demand: principal unpaid, due date passed, no 督促 yet,
    and not under a granted 猶予 (徴収猶予・換価の猶予) or 履行延期の特約 (地方自治法施行令
    171条の6, whose schedule has made it due later) on that day — these hold off the
    demand until they end, when the next run picks the instalment up — nor one a store
    has reported paid (速報) while its final record is awaited."""
    deferred = ReliefDecisionLine.objects.filter(
        decision__status=Status.APPROVED, decision__kind__in=sorted({*DEFERMENTS, ReliefKind.PERFORMANCE_DEFERRAL}),
        decision__start_on__lte=as_of, decision__end_on__gte=as_of,
    ).values("instalment_id")
    # Paid at a store and reported in a preliminary record (速報): the money is on its way.
    reported = ReceivedPayment.objects.filter(status=ReceivedPayment.Status.PRELIMINARY, instalment__isnull=False).values("instalment_id")
    qs = (
        Instalment.objects.filter(principal_due__gt=0, due_date__lt=as_of, demand_line__isnull=True)
        .exclude(id__in=deferred)
        .exclude(id__in=reported)
    )
    if due_on is not None:
        qs = qs.filter(due_date=due_on)
    if receivable_ids is not None:
        qs = qs.filter(receivable_id__in=list(receivable_ids))
    return qs


def issue_demands(
    *,
    as_of: date,
    user,
    due_on: date | None = None,
    receivable_ids: Iterable[int] | None = None,
    today: date | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> DemandRun:
    """督促: create one demand per debtor and receivable for their overdue, undemanded
    instalments, issued on `as_of`, with the 指定期限 and fee of the receivable's rules.

    `user` is the staff member the run is made as (a command names one): the run is
    refused unless they may issue demands (`Act.DEMAND_ISSUE`) for every receivable
    named in `receivable_ids`; with none named, the run covers the receivables they may
    issue for (their department's; an administrator's, all). A 督促 is issued on the
    day it is made (地方税法329条1項 and the like: after the 納期限, within 20 days;
    地方自治法231条の3第1項): `as_of` may not be after `today` (default: the local date),
    for anyone — a run is not scheduled ahead, it is run on its day.

    `due_on` limits the run to one due date (the usual practice: one batch per 納期);
    `progress(demands, lines)` is called after each chunk.
    """
    policy.require(user, Act.DEMAND_ISSUE)
    policy.require_not_future(as_of, today or timezone.localdate(), "督促状の発付")
    if due_on is not None and due_on >= as_of:
        raise LedgerError("督促は納期限の翌日以降に発付します。納期限より後の発付日を指定してください。", "as_of")
    receivables = {r.id: r for r in ReceivableType.objects.all()}
    ids = list(receivable_ids) if receivable_ids is not None else None
    if ids is not None and (unknown := set(ids) - receivables.keys()):
        raise LedgerError(f"債権 {sorted(unknown)} は登録されていません。", "receivable")
    if ids is not None:
        policy.require_all(user, Act.DEMAND_ISSUE, [receivables[i] for i in ids])
    else:
        scope = policy.receivable_ids(user, Act.DEMAND_ISSUE)
        if scope != receivables.keys():  # an administrator's run needs no filter
            ids = sorted(scope)
    terms = {rid: _terms(r, as_of) for rid, r in receivables.items()}
    user_id = user.pk
    run = DemandRun.objects.create(issued_on=as_of, created_by_id=user_id)
    after_debtor = 0
    while True:
        with transaction.atomic():
            _serialise_runs()
            pending = candidates(as_of=as_of, due_on=due_on, receivable_ids=ids).select_for_update(of=("self",))
            rows = _rows(pending.filter(debtor_id__gt=after_debtor), chunk)
            if not rows:
                break
            if len(rows) == chunk:
                # The chunk may have cut the last debtor's instalments in two: leave
                # that debtor whole for the next chunk, so it gets one notice; a
                # debtor who alone fills a chunk is taken whole.
                last = rows[-1][1]
                if rows[0][1] != last:
                    rows = [r for r in rows if r[1] != last]
                else:
                    rows = _rows(pending.filter(debtor_id=last), None)
            after_debtor = rows[-1][1]
            # A claim extinguished (時効完成, 執行停止3年, 免除…) is never demanded: left out and counted.
            kept = collectability.split([r[0] for r in rows], as_of, rows=[(r[0], r[2], r[4], r[5]) for r in rows])
            _count_left_out(run, kept)
            rows = [r for r in rows if r[0] not in kept.extinguished]
            if rows:
                _issue_chunk(run, rows, terms, receivables, user_id)
        if progress:
            run.refresh_from_db(fields=["demands", "lines"])
            progress(run.demands, run.lines)
    run.refresh_from_db()
    if run.demands == 0:
        run.document_status = DocumentStatus.DONE
        run.save(update_fields=["document_status"])
    with transaction.atomic():
        audit.record(
            user=user, action="demand.issue", target=run,
            summary=f"{as_of} 督促状 {run.demands:,}件（{run.lines:,}期別、期限後 {run.late:,}件）"
            + (f"、消滅債権のため除外 {run.extinguished:,}期別" if run.extinguished else ""),
            detail={"issued_on": as_of.isoformat(), "due_on": due_on.isoformat() if due_on else None,
                    "receivables": ids, "demands": run.demands, "lines": run.lines,
                    "extinguished": run.extinguished, "prescribed": run.prescribed},
        )
    return run


def _count_left_out(run: DemandRun, kept: collectability.Split) -> None:
    if kept.extinguished or kept.warned:
        DemandRun.objects.filter(pk=run.pk).update(
            extinguished=F("extinguished") + len(kept.extinguished), prescribed=F("prescribed") + len(kept.warned)
        )


def _rows(qs, limit: int | None) -> list[tuple]:
    qs = qs.order_by("debtor_id", "receivable_id", "due_date", "id").values_list(
        "id", "debtor_id", "receivable_id", "fiscal_year", "due_date", "principal_due"
    )
    return list(qs[:limit] if limit else qs)


def _terms(r: ReceivableType, as_of: date) -> tuple[date, date | None, int, int]:
    """(指定期限, first seizure day, window days, fee) of a demand of `r` issued on `as_of`."""
    d = deadlines(
        as_of,  # any due date: only the demand's own dates are read
        demand_window_days=r.demand_window_days,
        designated_days=r.designated_deadline_days,
        designated_rolls=r.designated_deadline_rolls,
        forcible=r.legal_class == LegalClass.FORCIBLE,
        demand_issued=as_of,
        # Presumed to arrive after the city's mail days (saiken.demands.delivery_state).
        demand_delivered=as_of + timedelta(days=presumed_mail_days()),
        seizure_counts_from_delivery=seizure_counts_from_delivery(),
    )
    return d.designated_deadline, d.seizure_from, r.demand_window_days, r.demand_fee


def _serialise_runs() -> None:
    """Two runs at once (two clerks pressing the button) must not both pick the same
    instalments: on PostgreSQL each chunk takes a transaction-scoped advisory lock;
    SQLite's write transactions (BEGIN IMMEDIATE) are serial already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])


def _issue_chunk(run: DemandRun, rows: list[tuple], terms: dict, receivables: dict, user_id: int | None) -> None:
    as_of = run.issued_on
    groups = [(key, list(items)) for key, items in groupby(rows, key=lambda r: (r[1], r[2]))]
    seq0 = run.demands
    demand_rows = []
    for n, ((debtor_id, receivable_id), items) in enumerate(groups, start=seq0 + 1):
        designated, seizure_from, _, fee = terms[receivable_id]
        demand_rows.append((
            run.pk, f"{as_of:%Y%m%d}-{run.pk}-{n:06d}", debtor_id, receivable_id, as_of, designated, seizure_from,
            sum(r[5] for r in items), fee,
        ))
    demand_ids, _ = insert_rows(Demand, _DEMAND_FIELDS, demand_rows)
    line_rows = []
    counted = []  # (receivable, instalment fiscal year, on time)
    fee_rows = []
    late = 0
    for demand_id, ((_, receivable_id), items) in zip(demand_ids, groups):
        window, fee = terms[receivable_id][2], terms[receivable_id][3]
        for iid, _, _, fy, due, principal in items:
            demand_by = due + timedelta(days=window)
            on_time = as_of <= demand_by
            late += not on_time
            line_rows.append((demand_id, iid, principal, demand_by, on_time))
            counted.append((receivable_id, fy, on_time))
        if fee:
            # 督促手数料 is assessed once per notice, on its oldest instalment.
            fee_rows.append(EntryRow(items[0][0], Kind.ASSESSMENT.value, Component.FEE.value, fee, as_of, memo="督促手数料", created_by_id=user_id))
    insert_rows(DemandLine, _LINE_FIELDS, line_rows, returning=False)
    summary.bump(counted, as_of)  # DemandSummary, in this chunk's transaction
    if fee_rows:
        book_rows(fee_rows, {r[0]: (r[2], r[3]) for r in rows}, returning=False)
    DemandRun.objects.filter(pk=run.pk).update(
        demands=F("demands") + len(groups),
        lines=F("lines") + len(line_rows),
        principal=F("principal") + sum(r[7] for r in demand_rows),
        fees=F("fees") + sum(r.amount for r in fee_rows),
        late=F("late") + late,
    )
    run.demands += len(groups)  # numbering of the next chunk


def summary_by_receivable(run: DemandRun) -> list[dict]:
    """A run's demands per receivable: notices, instalments, principal, fees, late ones."""
    return list(
        DemandLine.objects.filter(demand__run=run)
        .values("demand__receivable_id", "demand__receivable__number", "demand__receivable__name")
        .annotate(lines=Count("id"), demands=Count("demand", distinct=True), principal=Sum("principal"), late=Count("id", filter=Q(on_time=False)))
        .order_by("demand__receivable__number")
    )
