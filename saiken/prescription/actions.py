"""Recording the events that renew or suspend prescription (時効の事由).

Each action validates, writes the event, refreshes the instalment's cached
status and writes the audit row, all in one transaction; it raises
PrescriptionError (writing nothing) when the event is not allowed.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from saiken import audit
from saiken.core.era import wareki
from saiken.ledger.models import Instalment
from saiken.prescription.models import PROCEDURES, EventKind, PrescriptionEvent, PrescriptionStatus
from saiken.prescription.projection import LATEST, arose_on, project_instalments, refresh_instalments


class PrescriptionError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _lock(instalment: Instalment) -> Instalment:
    # Lock the status before reading events: `refresh` locks a chunk's statuses
    # the same way, so a bulk refresh running now cannot overwrite this event's
    # projection with one computed before it (see projection.refresh).
    list(PrescriptionStatus.objects.select_for_update().filter(instalment_id=instalment.pk).values_list("id"))
    return Instalment.objects.select_related("receivable").get(pk=instalment.pk)


def _check_invocation(instalment: Instalment, on: date) -> None:
    p = project_instalments([instalment.pk], on, deferral=LATEST)[instalment.pk]  # invoked: extinguishes
    if not p.needs_invocation:
        raise PrescriptionError(f"{instalment.receivable} は援用を要しない債権です（時効の完成により消滅します）。", "kind")
    if p.invoked_on is not None:
        raise PrescriptionError(f"既に時効の援用（{wareki(p.invoked_on)}）が記録されています。", "kind")
    if not p.completed(on):
        when = f"（完成予定 {wareki(p.completes_on)}）" if p.completes_on else "（差押・裁判手続中）"
        raise PrescriptionError(f"{wareki(on)} の時点で時効は完成していません{when}。", "on")


@transaction.atomic
def record_event(
    *,
    instalment: Instalment,
    kind: str,
    on: date,
    ended_on: date | None = None,
    note: str = "",
    user=None,
    today: date | None = None,
) -> PrescriptionEvent:
    """時効の事由の登録: an acknowledgement, pledge, seizure, judgment, 催告, court
    proceeding or the debtor's invocation, on one instalment."""
    today = today or timezone.localdate()
    if kind not in EventKind.values:
        raise PrescriptionError(f"事由 {kind!r} は登録されていません。", "kind")
    kind = EventKind(kind)
    if on is None:
        raise PrescriptionError("日付を入力してください。", "on")
    if on > today:
        raise PrescriptionError(f"{wareki(on)} は未来の日付です。", "on")
    if ended_on is not None:
        if kind not in PROCEDURES:
            raise PrescriptionError(f"{kind.label}には終了日を入力できません。", "ended_on")
        if ended_on < on:
            raise PrescriptionError("終了日が開始日より前です。", "ended_on")
        if ended_on > today:
            raise PrescriptionError(f"終了日 {wareki(ended_on)} は未来の日付です。", "ended_on")
    instalment = _lock(instalment)
    if kind in (EventKind.SEIZURE, EventKind.JUDGMENT) and instalment.total_due <= 0:
        raise PrescriptionError(f"{instalment} は完納済みのため{kind.label}を登録できません。", "instalment")
    arose = arose_on(instalment.arose_on, instalment.assessed_on, instalment.due_date)
    if on < arose:
        raise PrescriptionError(f"{wareki(on)} は債権の発生日（{wareki(arose)}）より前です。", "on")
    if kind == EventKind.INVOKED:
        _check_invocation(instalment, on)
    event = PrescriptionEvent.objects.create(instalment=instalment, kind=kind, on=on, ended_on=ended_on, note=note, created_by=user)
    refresh_instalments([instalment.pk], today)
    audit.record(
        user=user, action="prescription.event", target=event, debtor_id=instalment.debtor_id,
        summary=f"{instalment} {kind.label}（{wareki(on)}）",
        detail={"instalment": instalment.pk, "kind": kind.value, "on": on.isoformat(), "ended_on": ended_on.isoformat() if ended_on else None, "note": note},
    )
    return event


@transaction.atomic
def end_procedure(*, event: PrescriptionEvent, ended_on: date, user=None, today: date | None = None) -> PrescriptionEvent:
    """差押・裁判手続の終了: the day an ongoing seizure or court proceeding ended."""
    today = today or timezone.localdate()
    instalment = _lock(event.instalment)
    event = PrescriptionEvent.objects.get(pk=event.pk)
    if event.kind not in PROCEDURES:
        raise PrescriptionError(f"{event.get_kind_display()}には終了日がありません。", "ended_on")
    if event.ended_on is not None:
        raise PrescriptionError(f"この{event.get_kind_display()}は既に終了（{wareki(event.ended_on)}）しています。", "ended_on")
    if ended_on < event.on:
        raise PrescriptionError("終了日が開始日より前です。", "ended_on")
    if ended_on > today:
        raise PrescriptionError(f"終了日 {wareki(ended_on)} は未来の日付です。", "ended_on")
    event.ended_on = ended_on
    event.save(update_fields=["ended_on"])
    refresh_instalments([instalment.pk], today)
    audit.record(
        user=user, action="prescription.end", target=event, debtor_id=instalment.debtor_id,
        summary=f"{instalment} {event.get_kind_display()}の終了（{wareki(ended_on)}）",
        detail={"instalment": instalment.pk, "kind": event.kind, "on": event.on.isoformat(), "ended_on": ended_on.isoformat()},
    )
    return event


@transaction.atomic
def record_contract_date(
    *,
    debtor,
    receivable,
    arose_on: date,
    fiscal_years: tuple[int, int] | None = None,
    user=None,
    today: date | None = None,
) -> int:
    """契約日の登録: the contract date of a loan or lease already in the ledger, set on
    every instalment of the debtor and receivable (those of `fiscal_years`, first and
    last inclusive, when given). Returns how many instalments it set.

    The assessment import records the date with new instalments; this is for those
    loaded before it had the column. A private claim from a contract made before
    2020-04-01 keeps the old civil code for every instalment (改正民法附則10条4項), so
    the prescription of each is projected again. Refused when the date is in the
    future, after an instalment's due date, or after an event recorded on one.
    """
    today = today or timezone.localdate()
    if arose_on is None:
        raise PrescriptionError("契約日を入力してください。", "arose_on")
    if arose_on > today:
        raise PrescriptionError(f"{wareki(arose_on)} は未来の日付です。", "arose_on")
    qs = Instalment.objects.select_for_update().filter(debtor=debtor, receivable=receivable)
    if fiscal_years is not None:
        qs = qs.filter(fiscal_year__gte=fiscal_years[0], fiscal_year__lte=fiscal_years[1])
    rows = list(qs.order_by("id").values_list("id", "nominal_due", "fiscal_year", "instalment_no", "arose_on"))
    if not rows:
        raise PrescriptionError(f"{debtor} の {receivable} に該当する調定がありません。", "instalment")
    ids = [r[0] for r in rows]
    # Locked like record_event's: a bulk refresh cannot overwrite the new projection with an old one.
    list(PrescriptionStatus.objects.select_for_update().filter(instalment_id__in=ids).values_list("id"))
    for _, due, fy, no, _ in rows:
        if arose_on > due:
            raise PrescriptionError(f"契約日 {wareki(arose_on)} が {fy}年度 第{no}期の納期限（{wareki(due)}）より後です。", "arose_on")
    first = PrescriptionEvent.objects.filter(instalment_id__in=ids, on__lt=arose_on).order_by("on").first()
    if first is not None:
        raise PrescriptionError(f"契約日 {wareki(arose_on)} より前に{first.get_kind_display()}（{wareki(first.on)}）が記録されています。", "arose_on")
    before = {r[0]: r[4] for r in rows}
    Instalment.objects.filter(id__in=ids).update(arose_on=arose_on)
    refresh_instalments(ids, today)
    audit.record(
        user=user, action="prescription.contract_date", target=receivable, debtor_id=debtor.pk,
        summary=f"{debtor} {receivable} 契約日 {wareki(arose_on)}（{len(ids)}期別）",
        detail={"arose_on": arose_on.isoformat(), "instalments": ids,
                "before": {str(k): v.isoformat() if v else None for k, v in before.items()}},
    )
    return len(ids)
