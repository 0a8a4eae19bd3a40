"""窓口収納: the counter form (tick, confirm the split, post), the receipt page and its PDF,
and the day's close (日計表).

The views parse input and call saiken.payments.counter, which checks who may (policy,
Act.COUNTER_PAYMENT) and what the law allows before anything is written; GET and POST ask
the policy too, so a screen never offers what would be refused.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from saiken import audit
from saiken.ledger.actions import OPEN
from saiken.ledger.errors import LedgerError
from saiken.ledger.late_charges import accrued_late_charges
from saiken.ledger.models import Instalment
from saiken.payments import counter
from saiken.payments.models import CounterReceipt
from saiken.prescription.collectability import decide_rows
from saiken.staff import access, policy
from saiken.staff.policy import Act
from saiken.web.views.debtors import visible_debtor_or_404


def _date(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _yen(raw: str | None) -> int | None:
    raw = (raw or "").replace(",", "").replace("，", "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def counter_receivables(user, debtor_id: int) -> list:
    """The receivables of the debtor's open instalments on which the user may take money."""
    from saiken.catalog.models import ReceivableType

    ids = set(Instalment.objects.filter(debtor_id=debtor_id).filter(OPEN).values_list("receivable_id", flat=True).distinct())
    ids &= set(access.visible_receivable_ids(user, debtor_id))
    return [r for r in ReceivableType.objects.filter(pk__in=ids).order_by("number") if policy.may(user, Act.COUNTER_PAYMENT, r)]


@login_required
def counter_form(request, pk: int):
    """窓口収納: tick the open instalments of one receivable, see the split (確認), post."""
    policy.require(request.user, Act.COUNTER_PAYMENT)
    debtor = visible_debtor_or_404(request, pk, what="窓口収納")
    receivables = counter_receivables(request.user, debtor.pk)
    if not receivables:
        raise policy.Refused("この債務者について窓口収納できる未納の債権がありません（所管課の職員だけが収納できます）。")
    data = request.POST if request.method == "POST" else request.GET
    receivable = next((r for r in receivables if r.code == data.get("receivable")), receivables[0])
    today = timezone.localdate()
    paid_on = _date(data.get("paid_on"), today)
    instalments = list(
        Instalment.objects.filter(debtor=debtor, receivable=receivable).filter(OPEN).select_related("receivable").order_by("due_date", "id")
    )
    accrued = accrued_late_charges(instalments, paid_on)
    settle = counter.amount_to_settle(instalments, paid_on)
    collect = decide_rows([(i.id, i.receivable_id, i.due_date, i.total_due) for i in instalments], min(paid_on, today))
    for i in instalments:
        i.accrued = accrued.get(i.id)
        i.settle = settle.get(i.id, i.total_due)
        i.collect = collect.get(i.id)
    ticked = [int(x) for x in data.getlist("instalment") if x.isdigit()]
    chosen = [i for i in instalments if i.id in ticked]
    channel = data.get("channel") or counter.CASH
    amount = _yen(data.get("amount"))
    if amount is None and chosen:
        amount = sum(i.settle for i in chosen)  # the default: the ticked instalments in full
    tendered = _yen(data.get("tendered"))
    context = {
        "debtor": debtor, "receivables": receivables, "receivable": receivable, "instalments": instalments, "ticked": ticked,
        "paid_on": paid_on, "today": today, "amount": amount, "channel": channel, "tendered": tendered,
        "channels": counter.channel_choices(), "cash": counter.CASH,
    }
    audit.record(user=request.user, action="payments.counter_form", target=debtor,
                 summary=f"{debtor.name} の窓口収納（{receivable.name}）を表示")
    if request.method != "POST":
        return render(request, "web/counter.html", context)
    try:
        if request.POST.get("step") == "post":
            receipt = counter.take_counter_payment(
                request.user, debtor, ticked, amount if amount is not None else 0, tendered, channel, paid_on, today=today,
            )
            messages.success(request, f"{receipt.number} として収納しました。")
            return redirect("counter_receipt", pk=receipt.pk)
        if not ticked:
            raise counter.CounterError("納付する期別を選んでください。", "instalments")
        context["preview"] = counter.preview_counter_payment(request.user, debtor, ticked, amount or 0, paid_on, today=today)
        if channel == counter.CASH:
            context["short"] = tendered is None or tendered < (amount or 0)
            context["change"] = (tendered or 0) - (amount or 0)
    except LedgerError as e:
        context["error"] = e.message
    return render(request, "web/counter.html", context)


def _receipt(request, pk: int) -> CounterReceipt:
    policy.require(request.user, Act.COUNTER_PAYMENT)
    receipt = get_object_or_404(CounterReceipt.objects.select_related("payment__receivable__department", "payment__debtor", "clerk"), pk=pk)
    if not access.may_see_debtor(request.user, receipt.payment.debtor_id):
        raise Http404("領収書が見つかりません。")
    counter.require_receipt(request.user, receipt)
    return receipt


@login_required
@require_safe
def receipt_page(request, pk: int):
    """The receipt just taken: the change to hand back, the split, and the PDF."""
    receipt = _receipt(request, pk)
    audit.record(user=request.user, action="payments.receipt_view", target=receipt, debtor_id=receipt.payment.debtor_id,
                 summary=f"領収書 {receipt.number} を表示")
    return render(request, "web/counter_receipt.html", {
        "receipt": receipt, "data": counter.receipt_data(receipt),
        "may_cancel": policy.may(request.user, Act.PAYMENT_CORRECT, receipt.payment.receivable_id),
        "correction": receipt.payment.corrections.exclude(status="rejected").first(),
    })


@login_required
@require_safe
def receipt_pdf(request, pk: int):
    receipt = _receipt(request, pk)
    width = request.GET.get("width", "a4")
    try:
        path = counter.receipt_document(receipt, request.user, width=width)
    except LedgerError as e:
        raise Http404(e.message) from e
    suffix = "" if width == "a4" else "_レシート"
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"領収書_{receipt.number}{suffix}.pdf", content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def close(request):
    """日計表: the day's receipts per clerk and channel, against the ledger."""
    today = timezone.localdate()
    day = _date(request.GET.get("date"), today)
    username = request.GET.get("clerk", "").strip()
    clerk = get_user_model().objects.filter(username=username).first() if username else None
    if username and clerk is None:
        raise Http404("職員が見つかりません。")
    clerk_ids = counter.close_clerks(request.user, clerk)
    lines = counter.close_lines(day, clerk_ids)
    audit.record(user=request.user, action="payments.counter_close", summary=f"日計表 {day}（{username or '全員'}）",
                 detail={"date": day.isoformat(), "clerk": username})
    return render(request, "web/counter_close.html", {
        "day": day, "lines": lines, "clerk": username, "balanced": all(x.balanced for x in lines),
        "receipts": sum(x.receipts for x in lines), "total": sum(x.receipts_total for x in lines),
    })
