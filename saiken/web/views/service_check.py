"""行政サービス利用制限の確認: a screen and a JSON endpoint answering yes or no."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from saiken.debtors.models import Debtor, DebtorIdentifier, SourceSystem
from saiken.ledger.errors import LedgerError
from saiken.staff import service_check
from saiken.staff.models import ServiceCheck


def _find(system: str, value: str, debtor_id: str) -> Debtor | None:
    if debtor_id.strip().isdigit():
        return Debtor.objects.filter(pk=int(debtor_id)).first()
    ident = DebtorIdentifier.objects.filter(system=system, value=value.strip()).select_related("debtor").first()
    return ident.debtor if ident else None


def _answer(request, data) -> tuple[ServiceCheck | None, str]:
    debtor = _find(data.get("system", ""), data.get("identifier", ""), str(data.get("debtor", "")))
    if debtor is None:
        return None, "該当する申請者が見つかりません。識別番号を確認してください。"
    try:
        return service_check.check(debtor=debtor, service=data.get("service", ""), consent=data.get("consent", ""),
                                   as_of=timezone.localdate(), user=request.user), ""
    except LedgerError as e:
        return None, e.message


@login_required
def screen(request):
    result, error = (None, "")
    if request.method == "POST":
        result, error = _answer(request, request.POST)
    return render(request, "web/service_check.html", {
        "result": result, "error": error, "systems": SourceSystem.choices, "form": request.POST,
        "recent": ServiceCheck.objects.filter(asked_by=request.user)[:20],
    })


@login_required
@require_POST
def api(request):
    """POST JSON {"system", "identifier"} or {"debtor"}, with "service" and "consent" →
    {"check": id, "delinquent": true|false, "as_of": "YYYY-MM-DD"}; 400 with {"error"} otherwise."""
    try:
        data = json.loads(request.body or b"{}") if request.content_type == "application/json" else request.POST
    except ValueError:
        return JsonResponse({"error": "JSONの形式が正しくありません。"}, status=400)
    result, error = _answer(request, data)
    if result is None:
        return JsonResponse({"error": error}, status=400)
    return JsonResponse({"check": result.pk, "delinquent": result.delinquent, "as_of": result.as_of.isoformat()})
