"""行政サービス利用制限の照会: the screen for the departments that grant a service, and the
API for the city's other systems. The rules are in `saiken.staff.service_check`.

- `service-check/` (screen): staff of a department that grants at least one service
  (clerks and managers; administrators: every service) ask about an applicant with the
  same structured consent as the API. Committee members, auditors, the central
  collection team and the staff of a department that grants no service (the tax
  department among them: it sees the debts themselves) are refused 403, GET and POST
  alike, and the refusal is audited. Each user sees only the checks they made.
- `api/service-check/` (API): POST JSON with `Authorization: Bearer <token>` of a client
  registered with `saiken service-client add`; no session, no CSRF token (a session
  cookie gives nothing here). Answers {"result": "clear"|"refer", "check", "as_of"};
  refusals {"error"} with 400 (consent), 401 (token), 403 (service), 429 (rate).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from saiken.audit.signals import remote_address
from saiken.debtors.models import SourceSystem
from saiken.staff import policy
from saiken.staff import service_check as checks
from saiken.staff.models import ServiceCheck


@login_required
@require_http_methods(["GET", "POST"])
def screen(request):
    services = checks.services_for(request.user)
    if not services:
        reason = policy.refusal(request.user, policy.Act.SERVICE_CHECK) or "所属する課が所管する行政サービスがないため、照会できません。"
        policy.refuse_recorded(request.user, "service_check", reason, detail={"method": request.method, "path": request.path})
    result, error, status = None, "", 200
    if request.method == "POST":
        try:
            result = checks.check(request=checks.CheckRequest.from_data(request.POST), today=timezone.localdate(),
                                  user=request.user, remote_addr=remote_address(request))
        except checks.CheckRefused as e:
            if e.status == 403:
                raise policy.Refused(e.message, audited=True) from e
            error, status = e.message, e.status
    return render(request, "web/service_check.html", {
        "result": result, "error": error, "services": services, "systems": SourceSystem.choices, "form": request.POST,
        "recent": ServiceCheck.objects.filter(asked_by=request.user).select_related("service", "consent")[:20],
    }, status=status)


@csrf_exempt
@require_POST
def api(request):
    """POST {"service": CODE, "applicant": {"system", "identifier", "name", "birth_date"},
    "consent": {"document_number", "consented_on"}} → {"result", "check", "as_of"}."""
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    address = remote_address(request)
    try:
        client = checks.authenticate(token) if token else None
        if client is None:
            checks.refuse_unauthenticated(token_given=bool(token), token=token, remote_addr=address)
        result = checks.check(request=checks.CheckRequest.from_body(request.body), today=timezone.localdate(),
                              client=client, remote_addr=address)
    except checks.CheckRefused as e:
        response = JsonResponse({"error": e.message}, status=e.status)
        if e.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="saiken"'
        if e.status == 429:
            response["Retry-After"] = "60"
        return response
    return JsonResponse({"result": result.result, "check": result.pk, "as_of": result.as_of.isoformat()})
