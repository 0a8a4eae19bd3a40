"""収納・消込: file imports with a preview, the reconciliation queue, 過誤納金 (充当・還付).

Each screen asks the policy (saiken.staff.policy) for GET and POST alike, and shows only
what the user may act on; the action functions ask it again before writing. A refusal
(`policy.Refused`) is a 403 with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken import audit
from saiken.core.entries import COMPONENT_LABELS
from saiken.core.formats import FormatError
from saiken.ledger.actions import OPEN, plan_payment
from saiken.ledger.errors import LedgerError
from saiken.ledger.models import Instalment
from saiken.payments import actions, uploads
from saiken.payments.imports import ImportRefused, import_payments, preview
from saiken.payments.models import Format, ImportMapping, PaymentImport, ReceivedPayment, Refund
from saiken.payments.suggestions import suggestions
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


def _reconcilable(user):
    """The received records the user may open in the queue: those matched to no instalment
    (anyone who reconciles), and those matched to an instalment of a receivable the user
    reconciles (a record of another department's debt is that department's)."""
    policy.require(user, Act.PAYMENT_RECONCILE)
    mine = policy.receivable_ids(user, Act.PAYMENT_RECONCILE)
    return ReceivedPayment.objects.filter(Q(instalment__isnull=True) | Q(instalment__receivable_id__in=mine))


@login_required
def queue(request):
    waiting = _reconcilable(request.user).filter(status__in=actions.WAITING).select_related("import_batch").order_by("paid_on", "id")
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    found = suggestions(list(page), request.user, limit=1)
    for r in page:
        r.best = (found.get(r.pk) or [None])[0]
    return render(request, "web/payment_queue.html", {"page": page})


def _fields(r: ReceivedPayment) -> list[tuple[str, str]]:
    """The record as a clerk reads it: every field with its Japanese name, codes named."""
    from saiken.web.templatetags.saiken_tags import channel, debit_result, match_field, record_field, record_value, wareki, yen

    rows = [
        ("取込", f"{r.import_batch_id}（{r.import_batch.filename}）"), ("行", str(r.line)), ("形式", r.get_format_display()),
        ("状態", r.get_status_display()), ("納付日", wareki(r.paid_on)), ("収納日（会計日）", wareki(r.booked_on) if r.booked_on else "—"),
        ("金額", f"{yen(r.amount)}円"), ("納付経路", channel(r.channel)),
    ]
    if r.result_code:
        rows.append(("振替結果コード", debit_result(r.result_code)))
    rows += [(match_field(k), str(v)) for k, v in (r.match or {}).items()]
    rows += [(record_field(k), record_value(v, k)) for k, v in (r.extra or {}).items()]
    if r.reason:
        rows.append(("理由", r.reason))
    return rows


def _chosen(request) -> list[Instalment]:
    """The instalments the clerk chose (checkboxes `instalment`, or a typed `target`: an
    instalment number or a notice number naming one instalment), of receivables she
    reconciles (another department's: refused, 403)."""
    ids = [int(v) for v in request.POST.getlist("instalment") if v.isdigit() and len(v) < 19]
    target = request.POST.get("target", "").strip()
    instalments = Instalment.objects.select_related("debtor", "receivable")
    if ids:
        found = list(instalments.filter(pk__in=ids).order_by("due_date", "id"))
    elif target:
        found = list(instalments.filter(pk=int(target))) if target.isdigit() and len(target) < 19 else []
        found = found or list(instalments.filter(notice_number=target)[:2])
    else:
        found = []
    for receivable_id in sorted({i.receivable_id for i in found}):
        policy.require(request.user, Act.PAYMENT_RECONCILE, receivable_id)
    return found


@login_required
def resolve(request, pk: int):
    """One waiting record: its fields named, the suggested instalments, a search by person;
    choosing instalments leads to a confirmation of the person and the split, and only the
    confirmed POST posts (saiken.payments.actions.resolve)."""
    visible = _reconcilable(request.user)
    received = get_object_or_404(ReceivedPayment.objects.select_related("import_batch", "instalment"), pk=pk)
    if not visible.filter(pk=pk).exists():  # matched to another department's instalment: theirs (403, with the reason)
        policy.require(request.user, Act.PAYMENT_RECONCILE, received.instalment.receivable_id)
    here = redirect("payment_resolve", pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if request.POST.get("dismiss") or action == "dismiss":
            try:
                actions.dismiss(received, reason=request.POST.get("reason", ""), user=request.user)
                messages.success(request, "対象外として処理しました。")
                return redirect("payment_queue")
            except LedgerError as e:
                messages.error(request, e.message)
            return here
        if action == "return":
            try:
                actions.return_to_sender(received, reason=request.POST.get("reason", ""), user=request.user)
                messages.success(request, "返戻にしました（返戻一覧に載ります）。")
                return redirect("payment_queue")
            except LedgerError as e:
                messages.error(request, e.message)
            return here
        chosen = _chosen(request)
        if action == "confirm":
            debtor = request.POST.get("confirmed_debtor", "")
            try:
                actions.resolve(received, chosen, confirmed_debtor=int(debtor) if debtor.isdigit() and len(debtor) < 19 else 0, user=request.user)
            except LedgerError as e:
                messages.error(request, e.message)
                return here
            messages.success(request, f"{'、'.join(str(i) for i in chosen)} に消込しました。")
            return redirect("payment_queue")
        return _confirmation(request, received, chosen) or here
    q = request.GET.get("q", "").strip()
    context = {
        "r": received, "fields": _fields(received), "waiting": received.status in actions.WAITING, "q": q,
        "suggested": suggestions([received], request.user).get(received.pk, []) if received.status in actions.WAITING else [],
        "people": _search(request.user, q) if q else None,
    }
    return render(request, "web/payment_resolve.html", context)


def _search(user, q: str) -> list:
    """People found by name or reading (debtor search), with their open instalments of the
    receivables the user reconciles; at most 20 people."""
    from saiken.web.views.debtors import matching

    scope = policy.receivable_ids(user, Act.PAYMENT_RECONCILE)
    owing = Instalment.objects.filter(OPEN, debtor_id=OuterRef("pk"), receivable_id__in=sorted(scope))
    people = list(matching(access.debtors_visible_to(user), q).filter(Exists(owing))[:20])
    open_ = defaultdict(list)
    for i in (Instalment.objects.filter(OPEN, debtor_id__in=[p.pk for p in people], receivable_id__in=sorted(scope))
              .select_related("receivable").order_by("due_date", "id")[:400]):
        open_[i.debtor_id].append(i)
    for p in people:
        p.open_instalments = open_[p.pk]
    return people


def _confirmation(request, received: ReceivedPayment, chosen: list[Instalment]):
    """The confirmation step: the person (name, address, birth date) and the split the
    receivable's allocation rule gives; nothing is written."""
    if received.status not in actions.WAITING:
        messages.error(request, f"この収納データは{received.get_status_display()}のため消込できません。")
        return None
    if not chosen:
        target = request.POST.get("target", "").strip()
        messages.error(request, "消込先の調定を選んでください。" if not target else f"「{target}」に当たる調定が見つかりません。候補または検索から選んでください。")
        return None
    if len(chosen) == 2 and not request.POST.getlist("instalment"):
        messages.error(request, f"通知書番号 {request.POST.get('target', '').strip()} の調定が複数あります。下の候補から選んでください。")
        return None
    if len({i.debtor_id for i in chosen}) != 1 or len({i.receivable_id for i in chosen}) != 1:
        messages.error(request, "一度に消込できるのは一人の債務者の、一つの債権の調定だけです。")
        return None
    first = chosen[0]
    try:
        split = plan_payment(received.amount, received.paid_on, chosen, first.receivable)
    except LedgerError as e:
        messages.error(request, e.message)
        return None
    # Who saw this person's name, address and birth date, and why.
    audit.record(user=request.user, action="payments.resolve_preview", target=received, debtor_id=first.debtor_id,
                 summary=f"収納データ {received.amount:,}円の消込先として {first.debtor} を確認画面に表示"[:300],
                 detail={"instalments": [i.pk for i in chosen]})
    by_id = {i.pk: i for i in chosen}
    lines = [(by_id[a.key], COMPONENT_LABELS[a.component], a.amount) for a in split.allocations]
    fixed = [(by_id[iid], yen) for iid, yen in split.late_charges.items()]
    return render(request, "web/payment_resolve_confirm.html", {
        "r": received, "debtor": first.debtor, "receivable": first.receivable, "chosen": chosen, "lines": lines, "fixed": fixed,
        "rest": split.rest,
    })


@login_required
def returned(request):
    """返戻一覧: the records sent back as not ours, to print or to export (CSV, Shift_JIS)."""
    records = actions.returned_records(request.user)
    if request.GET.get("format") == "csv":
        data = actions.returned_csv(request.user)
        response = HttpResponse(data, content_type="text/csv; charset=Shift_JIS")
        response["Content-Disposition"] = f'attachment; filename="henrei-{timezone.localdate():%Y%m%d}.csv"'
        return response
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    return render(request, "web/payment_returned.html", {"page": page})


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
