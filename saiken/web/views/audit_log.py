"""監査ログの検索: auditors (and administrators) read who did what to whom, when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from saiken.audit.models import AuditEvent
from saiken.staff import access
from saiken.staff.models import Role


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def search(request):
    if access.role(request.user) not in (Role.AUDITOR, Role.ADMIN):
        raise PermissionDenied("監査ログを閲覧する権限がありません（監査担当・システム管理者のみ）。")
    events = AuditEvent.objects.select_related("user")
    g = request.GET
    if g.get("user"):
        events = events.filter(user__username=g["user"].strip())
    if g.get("action"):
        events = events.filter(action__startswith=g["action"].strip())
    if g.get("debtor", "").strip().isdigit():
        events = events.filter(debtor_id=int(g["debtor"]))
    if g.get("q"):
        events = events.filter(summary__icontains=g["q"].strip())
    tz = timezone.get_current_timezone()
    if (start := _day(g.get("from"))) is not None:
        events = events.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if (end := _day(g.get("to"))) is not None:
        events = events.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
    page = Paginator(events.order_by("-at", "-id"), 100).get_page(g.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(request, "web/audit_log.html", {"page": page, "form": g, "actions": sorted(set(actions))})
