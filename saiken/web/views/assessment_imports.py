"""調定データ取込: upload with a saved layout, a preview of every row, then the import."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from saiken.audit.models import AuditEvent
from saiken.core.formats import FormatError
from saiken.debtors.models import Debtor
from saiken.payments.assessment_imports import AssessmentImportRefused, assessment_mappings, import_assessments, preview_assessments
from saiken.payments.models import AssessmentImport, ImportMapping
from saiken.staff import access

MAX_UPLOAD = 200 * 1024 * 1024
PREVIEW_ROWS = 200


def _uploads() -> Path:
    folder = Path(settings.SAIKEN_DOCUMENT_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _mapping(raw: str | None) -> ImportMapping | None:
    return assessment_mappings().filter(pk=raw).first() if raw and raw.isdigit() else None


def _is_sha(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


@login_required
def imports(request):
    context = {
        "imports": AssessmentImport.objects.select_related("imported_by", "mapping")[:50],
        "mappings": assessment_mappings(),
    }
    if request.method != "POST":
        return render(request, "web/assessment_imports.html", context)
    upload = request.FILES.get("file")
    mapping = _mapping(request.POST.get("mapping"))
    if upload is None or mapping is None:
        messages.error(request, "ファイルと取込レイアウトを選択してください。")
        return redirect("assessment_imports")
    if upload.size > MAX_UPLOAD:
        messages.error(request, "ファイルが大きすぎます（200MBまで）。コマンド saiken import-assessments を使ってください。")
        return redirect("assessment_imports")
    data = upload.read()
    sha = hashlib.sha256(data).hexdigest()
    try:
        p = preview_assessments(data, mapping=mapping, filename=upload.name, receivables=access.visible_receivable_ids(request.user))
    except FormatError as e:
        context.update(errors=e.errors, filename=upload.name, mapping=mapping)
        return render(request, "web/assessment_imports.html", context)
    earlier = AssessmentImport.objects.filter(sha256=sha, status=AssessmentImport.Status.POSTED).first()
    if p.ok and earlier is None:
        (_uploads() / f"{sha}.bin").write_bytes(data)  # kept for the confirmation after the preview
    context.update(
        preview=p, rows=p.rows[:PREVIEW_ROWS], shown=min(len(p.rows), PREVIEW_ROWS), filename=upload.name, sha=sha,
        mapping=mapping, earlier=earlier, contract_dates="arose_on" in p.layout.columns,
    )
    return render(request, "web/assessment_preview.html", context)


@login_required
@require_POST
def confirm(request):
    sha = request.POST.get("sha", "")
    path = _uploads() / f"{sha}.bin"
    mapping = _mapping(request.POST.get("mapping"))
    if not _is_sha(sha) or not path.exists() or mapping is None:
        messages.error(request, "確認したファイルが見つかりません。もう一度選択してください。")
        return redirect("assessment_imports")
    data = path.read_bytes()
    try:
        result = import_assessments(
            data, mapping=mapping, filename=request.POST.get("filename", "upload"), user=request.user,
            receivables=access.visible_receivable_ids(request.user),  # a department assesses its own receivables
        )
    except AssessmentImportRefused as e:
        messages.error(request, e.message)
        return redirect("assessment_import", pk=e.batch.pk) if e.batch else redirect("assessment_imports")
    finally:
        path.unlink(missing_ok=True)
    created = f"、新規債務者 {len(result.created_debtors):,}人を登録しました" if result.created_debtors else "ました"
    messages.success(request, f"{result.records:,}件 {result.amount:,}円を調定し{created}。")
    return redirect("assessment_import", pk=result.batch.pk)


@login_required
def import_detail(request, pk: int):
    batch = get_object_or_404(AssessmentImport.objects.select_related("imported_by", "mapping"), pk=pk)
    # The debtors the import registered are named in its audit row (the register keeps no source).
    event = AuditEvent.objects.filter(action="payments.import_assessments", target_type=batch._meta.label_lower, target_id=batch.pk).first()
    # Names are personal data: shown to those who see debtors at all.
    ids = event.detail.get("created_debtors", []) if event and access.visible_receivable_ids(request.user) else []
    created = Debtor.objects.filter(pk__in=ids).prefetch_related("identifiers").order_by("pk")
    return render(request, "web/assessment_import.html", {"batch": batch, "created": created})
