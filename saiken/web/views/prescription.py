"""時効管理: the list of claims whose prescription completes soon, per department.

Reads the PrescriptionStatus cache (`saiken refresh-prescription`) through the
indexed completion date, so the page costs the same few queries however large
the ledger is.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from saiken.catalog.models import Department, ReceivableType
from saiken.prescription.projection import public_reminder_suspends
from saiken.prescription.warnings import Row, proposals, warning_list, warning_months
from saiken.staff import access

MAX_MONTHS = 120


def _months(raw: str | None) -> int:
    try:
        months = int(raw or "")
    except ValueError:
        return warning_months()
    return min(max(months, 1), MAX_MONTHS)


def _as_of(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return timezone.localdate()


def _groups(rows: list[Row], as_of: date) -> list[tuple[str, list[tuple[Row, int]]]]:
    """Rows (already in department order) per department, each with its days left."""
    out: list[tuple[str, list]] = []
    for r in rows:
        if not out or out[-1][0] != r.department:
            out.append((r.department, []))
        out[-1][1].append((r, r.days_left(as_of)))
    return out


@login_required
def warnings(request):
    as_of = _as_of(request.GET.get("as_of"))
    months = _months(request.GET.get("months"))
    departments = list(Department.objects.all())
    department = request.GET.get("department", "")
    if department not in {d.code for d in departments}:
        department = ""
    # Only the receivables the user may see (DOMAIN.md §9); rows carry the receivable's number.
    visible = set(ReceivableType.objects.filter(id__in=access.visible_receivable_ids(request.user)).values_list("number", flat=True))
    rows = [r for r in warning_list(as_of, months=months, department=department or None) if r.receivable_number in visible]
    past = proposals(as_of, department=department or None)
    past = type(past)(*([r for r in getattr(past, f.name) if r.receivable_number in visible] for f in fields(past)))
    context = {
        "as_of": as_of,
        "months": months,
        "departments": departments,
        "department": department,
        "month_choices": sorted({1, 3, 6, 12, 24, warning_months(), months}),
        "groups": _groups(rows, as_of),
        "count": len(rows),
        "amount": sum(r.amount for r in rows),
        "past": [
            (label, len(items), sum(r.amount for r in items))
            for label, items in (
                ("公債権: 時効完成（不納欠損の候補）", past.write_off),
                ("私債権: 援用済み（不納欠損の候補）", past.invoked),
                ("私債権: 時効期間経過・援用なし（援用の確認または債権放棄の検討）", past.invoke_or_waive),
            )
        ],
        # the oldest projection shown: how stale the list may be
        "refreshed_on": min((r.refreshed_on for r in rows), default=None),
        "as_of_param": request.GET.get("as_of", "") and as_of.isoformat(),
        "public_reminder_suspends": public_reminder_suspends(),
    }
    return render(request, "web/prescription_warnings.html", context)
