"""収納・消込: file imports with a preview, the reconciliation queue, 過誤納金 (充当・還付).

Each screen asks the policy (saiken.staff.policy) for GET and POST alike, and shows only
what the user may act on; the action functions ask it again before writing. A refusal
(`policy.Refused`) is a 403 with its reason.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken.core.formats import FormatError
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.payments import actions, uploads
from saiken.payments.imports import ImportRefused, import_payments, preview
from saiken.payments.models import Format, ImportMapping, PaymentImport, ReceivedPayment, Refund
from saiken.staff import access, policy
from saiken.staff.policy import Act
from saiken.web.uploads import too_large

def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _mapping(raw: str | None) -> ImportMapping | None:
    return ImportMapping.objects.filter(pk=raw).first() if raw and raw.isdigit() else None


@login_required
def imports(request):
    policy.require(request.user, Act.PAYMENT_IMPORT)
    context = {
        "imports": PaymentImport.objects.select_related("imported_by")[:50],
        "formats": Format.choices,
        "mappings": ImportMapping.objects.all(),
        "waiting": ReceivedPayment.objects.filter(status__in=actions.WAITING).count(),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None and not too_large(request):
            messages.error(request, "ファイルを選択してください。")
            return redirect("payment_imports")
        try:
            uploads.check(upload)  # before the file is read
        except FormatError as e:
            context.update(errors=e.errors, filename=upload.name if upload else "")
            return render(request, "web/payment_imports.html", context)
        data = upload.read()
        sha = uploads.keep(data)  # for the confirmation after the preview, and for its retention period
        fmt, mapping, debit_date = request.POST.get("format", ""), _mapping(request.POST.get("mapping")), _date(request.POST.get("debit_date"))
        try:
            p = preview(data, format=fmt, filename=upload.name, mapping=mapping, debit_date=debit_date, user=request.user)
        except FormatError as e:
            context.update(errors=e.errors, errors_more=e.more, error_count=e.total, filename=upload.name)
            return render(request, "web/payment_imports.html", context)
        rows = [(r, p.matches.get(r.line), r.key in p.already) for r in p.parsed.records[:200]]
        found = sum(1 for m in p.matches.values() if m.found)
        context.update(
            preview=p, rows=rows, filename=upload.name, sha=sha, format=fmt, mapping=mapping, debit_date=debit_date,
            total=sum(r.amount for r in p.parsed.records), found=found, not_found=len(p.matches) - found,
        )
        return render(request, "web/payment_preview.html", context)
    return render(request, "web/payment_imports.html", context)


@login_required
@require_POST
def confirm(request):
    policy.require(request.user, Act.PAYMENT_IMPORT)
    path = uploads.kept(request.POST.get("sha", ""))
    if path is None:
        messages.error(request, "プレビューしたファイルが見つかりません。もう一度選択してください。")
        return redirect("payment_imports")
    data = path.read_bytes()
    try:
        batch = import_payments(
            data, format=request.POST.get("format", ""), filename=request.POST.get("filename", "upload"),
            mapping=_mapping(request.POST.get("mapping")), debit_date=_date(request.POST.get("debit_date")), user=request.user,
        )
    except ImportRefused as e:
        messages.error(request, e.message)
        return redirect("payment_import", pk=e.batch.pk) if e.batch else redirect("payment_imports")
    messages.success(request, f"{batch.records:,}件を取り込みました（消込 {batch.posted:,}件、未消込 {batch.unmatched:,}件）。")
    return redirect("payment_import", pk=batch.pk)


@login_required
def import_detail(request, pk: int):
    policy.require(request.user, Act.PAYMENT_IMPORT)
    batch = get_object_or_404(PaymentImport.objects.select_related("imported_by", "mapping"), pk=pk)
    items = batch.items.select_related("instalment", "instalment__debtor", "instalment__receivable").order_by("line")
    status = request.GET.get("status")
    if status in ReceivedPayment.Status.values:
        items = items.filter(status=status)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    visible = access.visible_receivable_ids(request.user)
    for r in page:  # a record of another department's debt shows without its debtor
        r.shown = r.instalment is not None and r.instalment.receivable_id in visible
    return render(request, "web/payment_import.html", {"batch": batch, "page": page, "status": status, "statuses": ReceivedPayment.Status.choices})


@login_required
def queue(request):
    policy.require(request.user, Act.PAYMENT_RECONCILE)
    # Records with no instalment wait for anyone who reconciles; one matched to another
    # department's instalment, for that department only.
    mine = policy.receivable_ids(request.user, Act.PAYMENT_RECONCILE)
    waiting = (
        ReceivedPayment.objects.filter(status__in=actions.WAITING)
        .filter(Q(instalment__isnull=True) | Q(instalment__receivable_id__in=mine))
        .select_related("import_batch").order_by("paid_on", "id")
    )
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    return render(request, "web/payment_queue.html", {"page": page})


@login_required
@require_POST
def resolve(request, pk: int):
    policy.require(request.user, Act.PAYMENT_RECONCILE)
    received = get_object_or_404(ReceivedPayment.objects.select_related("instalment"), pk=pk)
    if request.POST.get("dismiss"):
        try:
            actions.dismiss(received, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, "対象外として処理しました。")
        except LedgerError as e:
            messages.error(request, e.message)
        return redirect("payment_queue")
    target = request.POST.get("target", "").strip()
    instalments = Instalment.objects.select_related("debtor", "receivable")
    found = list(instalments.filter(pk=int(target))) if target.isdigit() else []
    if not found and target:
        found = list(instalments.filter(notice_number=target)[:2])
    if len(found) != 1:
        messages.error(request, f"「{target}」に当たる調定が{'複数あります' if found else '見つかりません'}。調定番号で指定してください。")
        return redirect("payment_queue")
    try:
        actions.resolve(received, found[0], user=request.user)
        messages.success(request, f"{found[0]} に消込しました。")
    except LedgerError as e:
        messages.error(request, e.message)
    return redirect("payment_queue")


def _refundable(user) -> frozenset[int]:
    policy.require(user, Act.REFUND)
    return policy.receivable_ids(user, Act.REFUND)


@login_required
def overpaid(request):
    mine = _refundable(request.user)
    held = Instalment.objects.filter(receivable_id__in=mine, overpaid__gt=0).select_related("debtor", "receivable").order_by("-overpaid", "id")
    page = Paginator(held, 50).get_page(request.GET.get("page"))
    refunds = Refund.objects.filter(instalment__receivable_id__in=mine).select_related("instalment", "instalment__debtor").order_by("-id")[:50]
    return render(request, "web/payment_overpaid.html", {"page": page, "refunds": refunds, "today": timezone.localdate()})


@login_required
@require_POST
def settle(request, pk: int):
    instalment = get_object_or_404(Instalment.objects.filter(receivable_id__in=_refundable(request.user)), pk=pk)
    today = timezone.localdate()
    try:
        if request.POST.get("action") == "transfer":
            moved = actions.transfer_overpayment(instalment, on=today, user=request.user)
            messages.success(request, f"{moved:,}円を充当しました。")
        else:
            refund = actions.decide_refund(instalment, on=today, user=request.user)
            messages.success(request, f"{refund.amount:,}円の還付を決定しました。")
    except LedgerError as e:
        messages.error(request, e.message)
    return redirect("payment_overpaid")


@login_required
@require_POST
def refund_file(request):
    policy.require(request.user, Act.REFUND)
    transfer_date = _date(request.POST.get("transfer_date")) or timezone.localdate()
    try:
        made = actions.export_refunds(transfer_date=transfer_date, user=request.user)
    except ValueError as e:
        messages.error(request, str(e))
        return redirect("payment_overpaid")
    if made is None:
        messages.info(request, "振込データにする還付はありません。")
        return redirect("payment_overpaid")
    if made.count:
        messages.success(request, f"総合振込データを作成しました（{made.count:,}件 {made.total:,}円）。")
    for pk, reason in made.held:
        messages.warning(request, f"還付 {pk} は振込データに含めていません（{reason}）。振込先を確認してください。")
    return redirect("payment_overpaid")


@login_required
def refund_download(request, pk: int):
    refund = get_object_or_404(Refund.objects.filter(instalment__receivable_id__in=_refundable(request.user)), pk=pk)
    path = actions.refund_file(refund, user=request.user)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)


@login_required
@require_POST
def refund_returned(request, pk: int):
    refund = get_object_or_404(Refund.objects.filter(instalment__receivable_id__in=_refundable(request.user)), pk=pk)
    try:
        actions.refund_returned(refund, on=timezone.localdate(), reason=request.POST.get("reason", ""), user=request.user)
        messages.success(request, f"還付 {refund.amount:,}円を返戻として過誤納金に戻しました。")
    except LedgerError as e:
        messages.error(request, e.message)
    return redirect("payment_overpaid")
