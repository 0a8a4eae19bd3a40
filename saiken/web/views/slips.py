"""納付書: the reissue form of one payer (preview, issue), a slip and its PDF, the 分納
slips of a pledge, and a 督促状's copy. Views parse input and call saiken.slips.actions,
where every check lives; they hide what would be refused (policy.may)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken import audit
from saiken.documents.demand_notice import conveni_digits
from saiken.ledger.actions import OPEN
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.slips import actions
from saiken.slips.models import PaymentSlip, SlipKind
from saiken.staff import access, policy
from saiken.staff.policy import Act
from saiken.web.views.debtors import visible_debtor_or_404


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def new(request, pk: int):
    """納付書の発行 for one payer: tick instalments, the late-charge day, the deadline;
    "計算" previews the lines and total (nothing written), "発行" issues."""
    debtor = visible_debtor_or_404(request, pk, what="納付書の発行")
    policy.require(request.user, Act.SLIP)
    allowed = actions.slip_receivables(request.user, debtor.pk)
    if not allowed:
        raise policy.Refused("この債務者の債権について納付書を発行する権限がありません。")
    today = timezone.localdate()
    open_instalments = list(
        Instalment.objects.filter(debtor=debtor, receivable_id__in=allowed).filter(OPEN).select_related("receivable").order_by("due_date", "id")
    )
    data = request.POST if request.method == "POST" else request.GET
    chosen = {int(x) for x in data.getlist("instalment") if x.isdigit()}
    late_charge_to = _date(data.get("late_charge_to")) or today
    deadline = _date(data.get("deadline")) or today + timedelta(days=settings.SAIKEN_SLIP_DAYS)
    kind = data.get("kind") if data.get("kind") in (SlipKind.REISSUE, SlipKind.FIRST) else SlipKind.REISSUE
    lines, error = None, ""
    if request.method == "POST":
        try:
            if not chosen:
                raise LedgerError("納付書に載せる調定（期別）を選んでください。", "instalments")
            if request.POST.get("do") == "issue":
                if kind == SlipKind.FIRST:
                    slips = actions.issue_first_slips(request.user, debtor, sorted(chosen), today=today)
                    messages.success(request, f"当初の納付書を{len(slips)}枚発行しました。")
                    return redirect("slip_detail", slips[0].pk)
                slip = actions.issue_slip(request.user, debtor, sorted(chosen), late_charge_to=late_charge_to, deadline=deadline, kind=kind, today=today)
                messages.success(request, f"{slip} を発行しました。")
                return redirect("slip_detail", slip.pk)
            lines = actions.preview(request.user, debtor, sorted(chosen), late_charge_to=late_charge_to)
        except LedgerError as e:
            error = e.message
    audit.record(user=request.user, action="slip.form", target=debtor, debtor_id=debtor.pk, summary=f"{debtor.name} の納付書発行画面")
    issued = list(PaymentSlip.objects.filter(debtor=debtor, lines__receivable_id__in=allowed).distinct().order_by("-issued_at", "-id")[:20])
    return render(request, "web/slip_new.html", {
        "debtor": debtor, "instalments": open_instalments, "chosen": chosen, "late_charge_to": late_charge_to, "deadline": deadline,
        "kind": kind, "lines": lines, "total": sum(p + lc + fee for _, p, lc, fee in lines) if lines else 0, "error": error,
        "issued": issued, "today": today, "cap": settings.SAIKEN_CONVENI_CAP,
    })


def _visible_slip(request, pk: int) -> PaymentSlip:
    if not access.may_view_debtors(request.user):
        raise PermissionDenied("債務者の情報を閲覧する権限がありません。")
    slip = get_object_or_404(PaymentSlip.objects.select_related("debtor", "issued_by", "pledge_payment"), pk=pk)
    if not access.may_see_debtor(request.user, slip.debtor_id):
        raise Http404("納付書が見つかりません。")
    visible = access.visible_receivable_ids(request.user, slip.debtor_id)
    if not set(slip.lines.values_list("receivable_id", flat=True)) <= set(visible):
        raise Http404("納付書が見つかりません。")
    return slip


@login_required
def detail(request, pk: int):
    slip = _visible_slip(request, pk)
    audit.record(user=request.user, action="slip.view", target=slip, debtor_id=slip.debtor_id, summary=f"{slip} を閲覧")
    lines = slip.lines.select_related("instalment", "receivable").order_by("instalment__due_date", "instalment_id")
    return render(request, "web/slip.html", {
        "slip": slip, "lines": lines, "digits": conveni_digits(slip.barcode) if slip.barcode else "",
        "may_print": all(policy.may(request.user, Act.SLIP, r, debtor_id=slip.debtor_id) for r in {x.receivable_id for x in lines}),
    })


@login_required
def pdf(request, pk: int):
    slip = _visible_slip(request, pk)
    try:
        data = actions.slip_pdf(request.user, [slip])
    except ValueError as e:  # a name the font cannot print, an address too long for the window
        messages.error(request, f"納付書を作成できませんでした: {e}")
        return redirect("slip_detail", slip.pk)
    return _pdf(data, f"nofusho-{slip.pk}.pdf")


@login_required
@require_POST
def pledge(request, pk: int):
    """分納の納付書: one per payment of the pledge still to come, as one PDF."""
    from saiken.cases.models import Pledge

    policy.require(request.user, Act.SLIP)  # the role first: a committee member's post is refused, not looked up
    p = get_object_or_404(Pledge.objects.select_related("case"), pk=pk)
    if not access.may_see_debtor(request.user, p.case.debtor_id):
        raise Http404("分納誓約が見つかりません。")
    try:
        slips = actions.issue_plan_slips(request.user, p, today=timezone.localdate())
    except LedgerError as e:
        messages.error(request, e.message)
        return redirect("case", p.case.debtor_id)
    try:
        data = actions.slip_pdf(request.user, slips)
    except ValueError as e:
        messages.error(request, f"納付書を作成できませんでした: {e}")
        return redirect("case", p.case.debtor_id)
    return _pdf(data, f"bunno-{p.pk}.pdf")


@login_required
@require_POST
def demand_copy(request, pk: int):
    """督促状の写し (再発行) for one person, as a PDF."""
    from saiken.demands.models import Demand

    policy.require(request.user, Act.DEMAND_DOCUMENT)
    demand = get_object_or_404(Demand.objects.only("id", "debtor_id", "receivable_id", "number"), pk=pk)
    if demand.receivable_id not in access.visible_receivable_ids(request.user, demand.debtor_id):
        raise Http404("督促状が見つかりません。")
    try:
        data, note = actions.demand_copy(request.user, demand, today=timezone.localdate())
    except ValueError as e:
        messages.error(request, f"督促状の写しを作成できませんでした: {e}")
        return redirect("demand_detail", demand.pk)
    if note:
        messages.warning(request, note)
    return _pdf(data, f"tokusoku-copy-{demand.number}.pdf")
