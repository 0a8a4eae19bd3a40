"""収納の取消・訂正: asked from a payment on the debtor page, approved by a manager.

The checks are the action functions' (saiken.payments.corrections); the views ask the
policy first only to answer 403 before showing a form, and show a person only to staff
who may see them (404 otherwise, as the debtor page does).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saiken import audit
from saiken.ledger.actions import OPEN
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment, Payment
from saiken.payments import corrections
from saiken.payments.models import PaymentCorrection
from saiken.staff import access, policy
from saiken.staff.policy import Act
from saiken.web.views.debtors import visible_debtor_or_404


def _payment(request, pk: int) -> Payment:
    payment = get_object_or_404(Payment.objects.select_related("debtor", "receivable"), pk=pk)
    visible_debtor_or_404(request, payment.debtor_id, what="収納の取消・訂正")
    return payment


def _entries(payment: Payment):
    return payment.entries.select_related("instalment").order_by("id")


def _target_debtor(request, raw: str):
    """The debtor the money belongs to, by number, if the user may see them."""
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    from saiken.debtors.models import Debtor

    d = Debtor.objects.filter(pk=int(raw)).first()
    return d if d is not None and access.may_see_debtor(request.user, d.pk) else None


@login_required
def new(request, payment: int):
    policy.require(request.user, Act.PAYMENT_CORRECT)
    payment = _payment(request, payment)
    policy.require(request.user, Act.PAYMENT_CORRECT, payment.receivable_id)
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", PaymentCorrection.Kind.CANCEL)
    target_debtor = _target_debtor(request, source.get("debtor", "")) if kind == PaymentCorrection.Kind.MOVE else None
    allowed = policy.receivable_ids(request.user, Act.PAYMENT_CORRECT)
    candidates = []
    if target_debtor is not None:
        # The form names a second person: who looked them up, and for which payment.
        audit.record(user=request.user, action="payments.correction.target", debtor_id=target_debtor.pk,
                     summary=f"収納 {payment.pk} の振替先として {target_debtor.name} の未納を表示")
        candidates = list(
            Instalment.objects.filter(OPEN, debtor=target_debtor, receivable_id__in=allowed)
            .select_related("receivable").order_by("receivable__number", "due_date", "id")
        )
    if request.method == "POST" and request.POST.get("submit"):
        picked = {int(v) for v in request.POST.getlist("targets") if v.isdigit() and len(v) < 19}
        targets = [i for i in candidates if i.pk in picked]
        try:
            c = corrections.request(payment=payment, kind=kind, reason=request.POST.get("reason", ""), user=request.user,
                                    today=timezone.localdate(), targets=targets)
        except LedgerError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "取消・訂正を申請しました。決裁者の承認で取消仕訳が計上されます。")
            return redirect("payment_correction", c.pk)
    return render(request, "web/payment_correction_new.html", {
        "payment": payment, "entries": _entries(payment), "blockers": corrections.blockers(payment),
        "kinds": PaymentCorrection.Kind.choices, "kind": kind, "reason": source.get("reason", ""),
        "debtor_number": source.get("debtor", ""), "target_debtor": target_debtor, "candidates": candidates,
        "debtor_not_found": kind == PaymentCorrection.Kind.MOVE and source.get("debtor", "").strip() and target_debtor is None,
        "open": PaymentCorrection.objects.filter(payment=payment).exclude(status=PaymentCorrection.Status.REJECTED).first(),
    })


def _scope(user) -> Q:
    asks = policy.receivable_ids(user, Act.PAYMENT_CORRECT)
    decides = policy.receivable_ids(user, Act.PAYMENT_CORRECT_DECIDE)
    return Q(payment__receivable_id__in=asks | decides)


@login_required
def index(request):
    if not (policy.may(request.user, Act.PAYMENT_CORRECT) or policy.may(request.user, Act.PAYMENT_CORRECT_DECIDE)):
        policy.require(request.user, Act.PAYMENT_CORRECT)
    mine = PaymentCorrection.objects.filter(_scope(request.user)).select_related("payment", "payment__receivable", "requested_by", "decided_by")
    waiting = [c for c in mine.filter(status=PaymentCorrection.Status.REQUESTED) if access.may_see_debtor(request.user, c.payment.debtor_id)]
    done = [c for c in mine.exclude(status=PaymentCorrection.Status.REQUESTED)[:50] if access.may_see_debtor(request.user, c.payment.debtor_id)]
    return render(request, "web/payment_corrections.html", {
        "waiting": waiting, "done": done, "decider": policy.may(request.user, Act.PAYMENT_CORRECT_DECIDE),
    })


@login_required
def detail(request, pk: int):
    if not (policy.may(request.user, Act.PAYMENT_CORRECT) or policy.may(request.user, Act.PAYMENT_CORRECT_DECIDE)):
        policy.require(request.user, Act.PAYMENT_CORRECT)
    c = get_object_or_404(PaymentCorrection.objects.filter(_scope(request.user)).select_related("payment", "requested_by", "decided_by"), pk=pk)
    payment = _payment(request, c.payment_id)
    targets = list(c.targets.select_related("debtor", "receivable").order_by("due_date", "id"))
    if request.method == "POST":
        try:
            if request.POST.get("approve"):
                corrections.approve(correction=c, user=request.user, today=timezone.localdate(), note=request.POST.get("note", ""))
                messages.success(request, "承認しました。取消仕訳を計上しました。")
            elif request.POST.get("reject"):
                corrections.reject(correction=c, user=request.user, note=request.POST.get("note", ""))
                messages.success(request, "却下しました。")
        except LedgerError as e:
            messages.error(request, e.message)
        return redirect("payment_correction", c.pk)
    return render(request, "web/payment_correction.html", {
        "c": c, "payment": payment, "entries": _entries(payment), "targets": targets,
        "blockers": corrections.blockers(payment) if c.status == PaymentCorrection.Status.REQUESTED else [],
        "may_decide": c.status == PaymentCorrection.Status.REQUESTED and c.requested_by_id != request.user.pk
        and policy.may(request.user, Act.PAYMENT_CORRECT_DECIDE, payment.receivable_id)
        and all(policy.may(request.user, Act.PAYMENT_CORRECT_DECIDE, t.receivable_id) for t in targets),
    })
