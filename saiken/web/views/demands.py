"""督促: the daily run, its notices as one PDF, and the compliance view."""

from __future__ import annotations

import threading
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db import close_old_connections
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from saiken.catalog.models import Department, ReceivableType
from saiken.core.era import wareki
from saiken.demands import compliance, delivery
from saiken.demands.delivery_state import delivery_of
from saiken.demands.actions import candidates, issue_demands, summary_by_receivable
from saiken.demands.models import Demand, DemandRun, DocumentStatus, ReturnReason
from saiken.ledger.errors import LedgerError
from saiken.staff import access, policy
from saiken.staff.policy import Act


def _date(raw: str | None, default: date | None = None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
def runs(request):
    today = timezone.localdate()
    if request.method == "POST":
        policy.require(request.user, Act.DEMAND_ISSUE)  # the role first: a committee member's post is refused, not parsed
        as_of = _date(request.POST.get("as_of"))
        due_on = _date(request.POST.get("due_on"))
        receivable_id = _int(request.POST.get("receivable"))
        if as_of is None:
            messages.error(request, "発付日を入力してください。")
            return redirect("demand_runs")
        try:
            run = issue_demands(
                as_of=as_of, due_on=due_on, receivable_ids=[receivable_id] if receivable_id else None, user=request.user
            )
        except LedgerError as e:
            messages.error(request, e.message)
            return redirect("demand_runs")
        if run.demands:
            messages.success(request, f"督促状 {run.demands:,}件を作成しました（期別 {run.lines:,}件）。")
        else:
            messages.info(request, "督促の対象となる期別はありませんでした。")
        if run.extinguished:
            messages.warning(request, f"時効の完成などにより消滅した債権 {run.extinguished:,}期別は督促していません（不納欠損の対象です）。")
        return redirect("demand_run", pk=run.pk)
    as_of = _date(request.GET.get("as_of"), today)
    due_on = _date(request.GET.get("due_on"))
    receivable_id = _int(request.GET.get("receivable"))
    # What the user may issue: the form offers those receivables and counts only their instalments.
    scope = policy.receivable_ids(request.user, Act.DEMAND_ISSUE)
    named = [receivable_id] if receivable_id in scope else None
    pending = candidates(as_of=as_of, due_on=due_on, receivable_ids=named or sorted(scope))
    return render(request, "web/demand_runs.html", {
        "sees_all": access.sees_everything(request.user),
        "runs": visible_runs(request.user).select_related("created_by")[:50],
        "as_of": as_of, "due_on": due_on, "receivable_id": receivable_id,
        "receivables": ReceivableType.objects.filter(active=True, id__in=sorted(scope)),
        "may_issue": bool(scope),
        "pending": pending.count(),
    })


def visible_runs(user):
    """The runs a user may see: every run for an administrator; otherwise those holding a
    demand of a receivable the user sees, and the user's own (an empty run among them)."""
    if access.sees_everything(user):
        return DemandRun.objects.all()
    visible = sorted(access.visible_receivable_ids(user))
    mine = Demand.objects.filter(run=OuterRef("pk"), receivable_id__in=visible)
    return DemandRun.objects.filter(Exists(mine) | Q(created_by_id=user.pk))


@login_required
def run(request, pk: int):
    run = get_object_or_404(visible_runs(request.user).select_related("created_by"), pk=pk)
    demands = run.demand_set.filter(access.receivable_filter(request.user)).select_related("debtor", "receivable").order_by("number")[:100]
    # A department sees its own receivables' lines; the run's totals only who sees them all.
    visible = access.visible_receivable_ids(request.user)
    summary = [s for s in summary_by_receivable(run) if s["demand__receivable_id"] in visible]
    return render(request, "web/demand_run.html", {
        "run": run, "summary": summary, "demands": demands, "sees_all": access.sees_everything(request.user),
        "rendering": run.document_status == DocumentStatus.RENDERING,
        "may_document": _may_document(request.user, run),
    })


def _may_document(user, run: DemandRun) -> bool:
    from saiken.demands.documents import receivable_ids_of

    return policy.may(user, Act.DEMAND_DOCUMENT) and all(policy.may(user, Act.DEMAND_DOCUMENT, r) for r in receivable_ids_of(run))


def in_background(work, name: str) -> None:
    """Run `work` after the response, in a thread of this process (the tests run it inline).

    A city running several web processes would hand this to a job queue; the run
    row is the queue's state either way (claimed, progress, done or failed)."""
    def thread():
        close_old_connections()  # the thread gets its own database connection, closed after
        try:
            work()
        finally:
            close_old_connections()

    threading.Thread(target=thread, name=name, daemon=True).start()


@login_required
@require_POST
def render_documents(request, pk: int):
    """Start rendering the run's notices in the background; the run page shows the progress.
    Refused (403) unless the user may have every notice of the run (the action checks)."""
    from saiken.demands.documents import claim_for_rendering, render_run

    run = get_object_or_404(DemandRun, pk=pk)
    user = request.user
    if not claim_for_rendering(run, user):
        messages.info(request, "この督促状PDFは作成中か作成済です。")
        return redirect("demand_run", pk=pk)

    in_background(lambda: render_run(run, user=user, claimed=True), name=f"demand-pdf-{pk}")
    messages.success(request, "督促状PDFの作成を開始しました。")
    return redirect("demand_run", pk=pk)


@login_required
def document(request, pk: int):
    """The run's PDF: refused (403) unless the user may have every notice of it; audited."""
    from saiken.demands.documents import open_document

    run = get_object_or_404(DemandRun, pk=pk)
    path = open_document(run, request.user)
    if path is None:
        raise Http404("督促状PDFはまだ作成されていません。")
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"督促状_{run.issued_on:%Y%m%d}_{run.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def compliance_view(request):
    today = timezone.localdate()
    as_of = _date(request.GET.get("as_of"), today)
    department_id = _int(request.GET.get("department"))
    receivable_id = _int(request.GET.get("receivable"))
    fiscal_year = _int(request.GET.get("year"))
    table = compliance.share_table(as_of, [fiscal_year] if fiscal_year else None)
    years = table.years[-5:] if not fiscal_year else table.years
    missing_count, past_count, missing = compliance.undemanded(as_of, receivable_id=receivable_id, department_id=department_id)
    late_count, late = compliance.late_demands(fiscal_year=fiscal_year, receivable_id=receivable_id, department_id=department_id)
    # Counts are the department's figures; names and amounts only where the user may see them.
    visible = access.visible_receivable_ids(request.user)
    missing = [i for i in missing if i.receivable_id in visible]
    late = [line for line in late if line.instalment.receivable_id in visible]
    returned = compliance.returned_counts(receivable_id=receivable_id, department_id=department_id)
    return render(request, "web/demand_compliance.html", {
        "returned": returned, "returned_total": sum(n for _, _, n in returned),
        "as_of": as_of, "table": table, "years": years,
        "rows": [(r, [r.years.get(y) for y in years]) for r in table.rows if r.total.due or r.total.pending],
        "departments": [(name, [ys.get(y) for y in years], total) for name, ys, total in table.departments if total.due or total.pending],
        "city": [table.city.get(y) for y in years],
        "missing_count": missing_count, "past_count": past_count, "missing": missing,
        "late_count": late_count, "late": late,
        "department_id": department_id, "receivable_id": receivable_id, "fiscal_year": fiscal_year,
        "all_departments": Department.objects.all(), "receivables": ReceivableType.objects.all(),
    })


@login_required
def returned_view(request):
    """返戻未処理の督促状: notices returned and not yet sent again, per department, with
    forms to record a re-send or a 公示送達."""
    department_id = _int(request.GET.get("department"))
    receivable_id = _int(request.GET.get("receivable"))
    count, rows = delivery.returned_notices(request.user, department_id=department_id, receivable_id=receivable_id)
    groups: dict[str, list] = {}
    for d in rows:
        groups.setdefault(d.receivable.department.name, []).append(d)
    return render(request, "web/demand_returned.html", {
        "count": count, "groups": list(groups.items()), "shown": len(rows), "today": timezone.localdate(),
        "department_id": department_id, "receivable_id": receivable_id,
        "all_departments": Department.objects.all(), "receivables": ReceivableType.objects.all(),
    })


@login_required
def notice(request, pk: int):
    """督促状: one notice, its instalments and its delivery (送達) history, with the forms
    to record a return, a re-send, a 公示送達 or a confirmed delivery."""
    demand = get_object_or_404(Demand.objects.select_related("run", "debtor", "receivable", "receivable__department"), pk=pk)
    if demand.receivable_id not in access.visible_receivable_ids(request.user, demand.debtor_id):
        raise Http404("督促状が見つかりません。")
    state = delivery_of(demand)
    return render(request, "web/demand_notice.html", {
        "demand": demand, "state": state, "today": timezone.localdate(),
        "lines": demand.lines.select_related("instalment").order_by("instalment__due_date", "instalment_id"),
        "events": demand.delivery_events.select_related("created_by").order_by("on", "id"),
        "may_record": delivery.may_record(request.user, demand), "reasons": ReturnReason.choices,
        "may_copy": policy.may(request.user, Act.DEMAND_DOCUMENT, demand.receivable_id, debtor_id=demand.debtor_id),
    })


@login_required
@require_POST
def record_delivery_step(request, pk: int):
    """Parse one delivery form and call its action; back to where the form was. A notice
    the user may not see is not found; one she may see but not record is refused."""
    demand = get_object_or_404(Demand.objects.only("id", "debtor_id", "receivable_id"), pk=pk)
    if demand.receivable_id not in access.visible_receivable_ids(request.user, demand.debtor_id):
        raise Http404("督促状が見つかりません。")
    if not delivery.may_record(request.user, demand):
        raise policy.Refused(policy.refusal(request.user, Act.DEMAND_DELIVERY, demand.receivable_id) or "送達を記録する権限がありません。")
    step = request.POST.get("step")
    on = _date(request.POST.get("on"))
    note = request.POST.get("note", "")
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("demand_detail", args=[pk])
    try:
        if step == "return":
            delivery.record_return(pk, returned_on=on, reason=request.POST.get("reason", ""), note=note, user=request.user)
            done = "返戻を記録しました。再送付か公示送達を記録するまで、この督促状は送達されていないものとして扱います。"
        elif step == "resend":
            delivery.record_resend(pk, sent_on=on, address=request.POST.get("address", ""), postal_code=request.POST.get("postal_code", ""),
                                   note=note, user=request.user)
            done = "再送付を記録しました。"
        elif step == "publication":
            e = delivery.record_publication(pk, posted_on=on, note=note, user=request.user)
            done = f"公示送達を記録しました（送達の効力発生 {wareki(e.effective_on)}）。"
        elif step == "delivered":
            delivery.record_delivery(pk, delivered_on=on, note=note, user=request.user)
            done = "送達日を記録しました。"
        else:
            raise BadRequest("不明な操作です。")
    except Demand.DoesNotExist as e:
        raise Http404("督促状が見つかりません。") from e
    except LedgerError as e:
        messages.error(request, e.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(back)
