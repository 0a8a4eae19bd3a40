"""収納の取消・訂正: a payment posted in error is undone by entries, with a manager's approval.

A member of staff who may post the payment's receivable asks (`request`), with the
reason and, to move the money, the instalments it belongs to; a manager of the
payment's department — and of the target's, when the money moves to another
department's claim — approves (`approve`) or rejects (`reject`). Nobody approves
their own request. Approval books the reversal (saiken.ledger.actions.reverse_payment)
and, for a move, posts the same money again to the targets with its original payment
day and channel (saiken.ledger.actions.record_payment), in one transaction: the late
charge the first posting fixed is undone and the new posting fixes its own. A
received record of a bank or store file that the payment came from follows the money.

Nothing is ever deleted or edited in the ledger, and each step leaves an audit row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from saiken import audit
from saiken.ledger import actions as ledger
from saiken.ledger.actions import OPEN
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment, Payment
from saiken.payments.models import PaymentCorrection, ReceivedPayment
from saiken.prescription import collectability
from saiken.staff import policy
from saiken.staff.policy import Act

Status = PaymentCorrection.Status
CorrectionKind = PaymentCorrection.Kind


def blockers(payment: Payment) -> list[str]:
    """Why the payment cannot be reversed now (empty when it can): read-only, for the
    request and the approval screens. The reversal itself checks again, under lock."""
    return ledger.plan_reversal(payment)[2]


def _targets(payment: Payment, targets: Sequence[Instalment], user, today: date) -> list[Instalment]:
    ids = {t.pk for t in targets}
    found = list(Instalment.objects.filter(pk__in=ids).select_related("receivable", "debtor").order_by("due_date", "id"))
    if not found or len(found) != len(ids):
        raise LedgerError("振替先の調定を選んでください。", "targets")
    if len({(i.debtor_id, i.receivable_id) for i in found}) != 1:
        raise LedgerError("振替先は一人の債務者の一つの債権の調定から選んでください。", "targets")
    if not all(Instalment.objects.filter(OPEN, pk=i.pk).exists() for i in found):
        raise LedgerError("振替先に未納のない調定が含まれています。", "targets")
    if payment.debtor_id == found[0].debtor_id and {e.instalment_id for e in payment.entries.all()} == ids:
        raise LedgerError("振替先が今の消込先と同じです。", "targets")
    policy.require(user, Act.PAYMENT_CORRECT, found[0].receivable_id)
    collectability.require(found, today, act="収納の振替", error=LedgerError, field_name="targets")
    return found


@transaction.atomic
def request(*, payment: Payment, kind: str, reason: str, user, today: date, targets: Sequence[Instalment] = ()) -> PaymentCorrection:
    """Ask for a payment to be cancelled or moved; nothing in the ledger changes yet."""
    policy.require(user, Act.PAYMENT_CORRECT, payment.receivable_id)
    if kind not in CorrectionKind.values:
        raise LedgerError(f"種類 {kind!r} は登録されていません。", "kind")
    if not reason.strip():
        raise LedgerError("取消・訂正の理由を入力してください。", "reason")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if PaymentCorrection.objects.filter(payment=payment).exclude(status=Status.REJECTED).exists():
        raise LedgerError("この収納には承認待ちまたは承認済の取消・訂正があります。", "payment")
    stop = blockers(payment)
    if stop:
        raise LedgerError("この収納は取り消せません: " + "／".join(stop), "payment")
    found = _targets(payment, targets, user, today) if kind == CorrectionKind.MOVE else []
    if kind == CorrectionKind.CANCEL and targets:
        raise LedgerError("取消では振替先を指定しません。", "targets")
    correction = PaymentCorrection.objects.create(payment=payment, kind=kind, reason=reason.strip()[:200], requested_by=user)
    correction.targets.set(found)
    where = f"→ {found[0].debtor} {', '.join(str(i) for i in found)}" if found else ""
    audit.record(user=user, action="payments.correction.request", target=correction, debtor_id=payment.debtor_id,
                 summary=f"収納 {payment.paid_on} {payment.amount:,}円の{correction.get_kind_display()}を申請（{correction.reason}）{where}",
                 detail={"payment": payment.pk, "kind": kind, "targets": [i.pk for i in found]})
    return correction


def _decider(correction: PaymentCorrection, user) -> list[Instalment]:
    policy.require(user, Act.PAYMENT_CORRECT_DECIDE, correction.payment.receivable_id)
    targets = list(correction.targets.select_related("receivable", "debtor").order_by("due_date", "id"))
    for rid in {t.receivable_id for t in targets} - {correction.payment.receivable_id}:
        policy.require(user, Act.PAYMENT_CORRECT_DECIDE, rid)
    if correction.requested_by_id == getattr(user, "pk", None):
        raise policy.Refused("自分が申請した取消・訂正は承認・却下できません（別の決裁者が行います）。")
    if correction.status != Status.REQUESTED:
        raise LedgerError(f"この取消・訂正は{correction.get_status_display()}です。", "status")
    return targets


@transaction.atomic
def approve(*, correction: PaymentCorrection, user, today: date, note: str = "") -> PaymentCorrection:
    """Book the reversal (and, for a move, the new posting) on `today`."""
    correction = PaymentCorrection.objects.select_for_update().select_related("payment").get(pk=correction.pk)
    targets = _decider(correction, user)
    payment = correction.payment
    reversed_ = ledger.reverse_payment(payment=payment, booked_on=today, reason=correction.reason, user=user)
    reposted = None
    if correction.kind == CorrectionKind.MOVE:
        collectability.require(targets, today, act="収納の振替", error=LedgerError, field_name="targets")
        first = targets[0]
        reposted = ledger.record_payment(
            debtor=first.debtor, receivable=first.receivable, amount=payment.amount, paid_on=payment.paid_on, booked_on=today,
            channel=payment.channel, instalments=targets, user=user,
        ).payment
        ReceivedPayment.objects.filter(payment=payment).update(payment=reposted, instalment=first)
    correction.status, correction.decided_by, correction.decided_at = Status.APPROVED, user, timezone.now()
    correction.decision_note, correction.booked_on, correction.reposted = note.strip()[:200], today, reposted
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "booked_on", "reposted"])
    audit.record(user=user, action="payments.correction.approve", target=correction, debtor_id=payment.debtor_id,
                 summary=f"収納 {payment.paid_on} {payment.amount:,}円の{correction.get_kind_display()}を承認（取消仕訳 {len(reversed_.entries)} 件）",
                 detail={"payment": payment.pk, "reposted": reposted.pk if reposted else None})
    if reposted is not None and reposted.debtor_id != payment.debtor_id:
        audit.record(user=user, action="payments.correction.repost", target=correction, debtor_id=reposted.debtor_id,
                     summary=f"誤消込の訂正により {payment.amount:,}円（{payment.paid_on}納付）を受入")
    return correction


@transaction.atomic
def reject(*, correction: PaymentCorrection, user, note: str) -> PaymentCorrection:
    correction = PaymentCorrection.objects.select_for_update().select_related("payment").get(pk=correction.pk)
    _decider(correction, user)
    if not note.strip():
        raise LedgerError("却下の理由を入力してください。", "note")
    correction.status, correction.decided_by, correction.decided_at = Status.REJECTED, user, timezone.now()
    correction.decision_note = note.strip()[:200]
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(user=user, action="payments.correction.reject", target=correction, debtor_id=correction.payment.debtor_id,
                 summary=f"収納 {correction.payment.amount:,}円の{correction.get_kind_display()}を却下（{correction.decision_note}）")
    return correction
