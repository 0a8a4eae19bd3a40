"""調定データ取込: upload with a saved layout, a preview of every row, then the import.

Only those who may import assessments (policy Act.ASSESSMENT_IMPORT) see the screens, for
GET and POST alike; the action functions ask the policy again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from saiken.audit.models import AuditEvent
from saiken.core.formats import FormatError
from saiken.debtors.models import Debtor
from saiken.payments import uploads
from saiken.payments.assessment_imports import AssessmentImportRefused, assessment_mappings, import_assessments, preview_assessments
from saiken.payments.models import AssessmentImport, ImportMapping
from saiken.staff import access, policy
from saiken.staff.policy import Act
from saiken.web.uploads import too_large

PREVIEW_ROWS = 200


def _mapping(raw: str | None) -> ImportMapping | None:
    return assessment_mappings().filter(pk=raw).first() if raw and raw.isdigit() else None


@login_required
def imports(request):
    policy.require(request.user, Act.ASSESSMENT_IMPORT)
    context = {
        "imports": AssessmentImport.objects.select_related("imported_by", "mapping")[:50],
        "mappings": assessment_mappings(),
    }
    if request.method != "POST":
        return render(request, "web/assessment_imports.html", context)
    upload = request.FILES.get("file")
    mapping = _mapping(request.POST.get("mapping"))
    if (upload is None and not too_large(request)) or (upload is not None and mapping is None):
        messages.error(request, "ファイルと取込レイアウトを選択してください。")
        return redirect("assessment_imports")
    try:
        uploads.check(upload)  # before the file is read
    except FormatError as e:
        context.update(errors=e.errors, filename=upload.name if upload else "", mapping=mapping)
        return render(request, "web/assessment_imports.html", context)
    data = upload.read()
    sha = uploads.keep(data)  # for the confirmation after the preview, and for its retention period
    try:
        p = preview_assessments(data, mapping=mapping, filename=upload.name, user=request.user)
    except FormatError as e:
        context.update(errors=e.errors, errors_more=e.more, error_count=e.total, filename=upload.name, mapping=mapping)
        return render(request, "web/assessment_imports.html", context)
    earlier = AssessmentImport.objects.filter(sha256=sha, status=AssessmentImport.Status.POSTED).first()
    context.update(
        preview=p, rows=p.rows[:PREVIEW_ROWS], shown=min(len(p.rows), PREVIEW_ROWS), filename=upload.name, sha=sha,
        mapping=mapping, earlier=earlier, contract_dates="arose_on" in p.layout.columns,
    )
    return render(request, "web/assessment_preview.html", context)


@login_required
@require_POST
def confirm(request):
    policy.require(request.user, Act.ASSESSMENT_IMPORT)
    path = uploads.kept(request.POST.get("sha", ""))
    mapping = _mapping(request.POST.get("mapping"))
    if path is None or mapping is None:
        messages.error(request, "確認したファイルが見つかりません。もう一度選択してください。")
        return redirect("assessment_imports")
    data = path.read_bytes()
    try:
        result = import_assessments(data, mapping=mapping, filename=request.POST.get("filename", "upload"), user=request.user)
    except AssessmentImportRefused as e:
        messages.error(request, e.message)
        return redirect("assessment_import", pk=e.batch.pk) if e.batch else redirect("assessment_imports")
    created = f"、新規債務者 {len(result.created_debtors):,}人を登録しました" if result.created_debtors else "ました"
    messages.success(request, f"{result.records:,}件 {result.amount:,}円を調定し{created}。")
    return redirect("assessment_import", pk=result.batch.pk)


@login_required
def import_detail(request, pk: int):
    policy.require(request.user, Act.ASSESSMENT_IMPORT)
    batch = get_object_or_404(AssessmentImport.objects.select_related("imported_by", "mapping"), pk=pk)
    # The debtors the import registered are named in its audit row (the register keeps no source).
    event = AuditEvent.objects.filter(action="payments.import_assessments", target_type=batch._meta.label_lower, target_id=batch.pk).first()
    # Names are personal data: shown to those who see debtors at all.
    ids = event.detail.get("created_debtors", []) if event and access.visible_receivable_ids(request.user) else []
    created = Debtor.objects.filter(pk__in=ids).prefetch_related("identifiers").order_by("pk")
    return render(request, "web/assessment_import.html", {"batch": batch, "created": created})
