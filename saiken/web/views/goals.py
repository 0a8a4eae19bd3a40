"""目標と実績: the committee's dashboard, its report as PDF and Excel, and the
target-setting screen. The views parse input and call `saiken.goals.report` (the
figures) and `saiken.goals.actions` (setting targets); the charts are SVG strings
from `saiken.goals.svg`, and every chart has its numbers in a table beside it.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from saiken.accounting import report as accounting
from saiken.catalog.models import ReceivableType
from saiken.core.era import fiscal_year_label
from saiken.core.fiscal import fiscal_year_of
from saiken.documents.fonts import FontNotFound
from saiken.goals import actions, report, svg
from saiken.goals.indicators import targets_for
from saiken.goals.models import Comparison, Indicator, Target
from saiken.web.views.reports import default_year

FILES = {
    "pdf": ("application/pdf", ".pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def _year(raw: str | None, years: list[int]) -> int | None:
    try:
        year = int(raw or "")
    except ValueError:
        return default_year(years, timezone.localdate())
    return year if 1989 <= year <= 2200 else default_year(years, timezone.localdate())


@login_required
def dashboard(request):
    rows = accounting.summary_rows()
    years = sorted({r.settlement_year for r in rows}, reverse=True)
    year = _year(request.GET.get("year"), years) or fiscal_year_of(timezone.localdate())
    data = report.build(year, rows=rows)
    # mark_safe: the SVG is our own markup, and svg.to_svg escapes every text it writes.
    blocks = [{"block": b, "svg": mark_safe(svg.to_svg(b.chart, css_class="chart small"))} for b in data.blocks]
    forecasts = [
        {"forecast": f, "svg": mark_safe(svg.to_svg(c)), "rows": report.forecast_table(f)}
        for f, c in zip(data.forecasts, data.pace_charts)
    ]
    history_table = report.history_table(data)
    return render(request, "web/goals_dashboard.html", {
        "year": year,
        "years": years,
        "report": data,
        "history_svg": mark_safe(svg.to_svg(data.history_chart)),
        "history_table": history_table,
        "history_rows": list(zip([h.year for h in data.history], history_table[1])),
        "collection_table": report.collection_table(data),
        "blocks": blocks,
        "forecasts": forecasts,
        "may_set_targets": actions.may_set_targets(request.user),
    })


@login_required
def report_file(request):
    """The committee's report for a year, as PDF or Excel."""
    rows = accounting.summary_rows()
    years = sorted({r.settlement_year for r in rows}, reverse=True)
    year = _year(request.GET.get("year"), years)
    fmt = request.GET.get("format", "pdf")
    if year is None or fmt not in FILES:
        return redirect("dashboard")
    data = report.build(year, rows=rows)
    try:
        content = report.render_pdf(data) if fmt == "pdf" else report.render_xlsx(data)
    except FontNotFound as e:
        messages.error(request, str(e))
        return redirect(f"{reverse('dashboard')}?year={year}")
    content_type, suffix = FILES[fmt]
    response = HttpResponse(content, content_type=content_type)
    japanese = f"債権管理の目標と実績_{fiscal_year_label(year)}{suffix}"
    response["Content-Disposition"] = f"attachment; filename=\"committee_report_{year}{suffix}\"; filename*=UTF-8''{quote(japanese)}"
    return response


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(label="指標", queryset=Indicator.objects.filter(active=True), empty_label="選択してください")
    receivable = forms.ModelChoiceField(
        label="債権", queryset=ReceivableType.objects.order_by("number"), required=False, empty_label="主要14債権 全体（全体目標）"
    )
    fiscal_year = forms.IntegerField(label="年度（西暦）", min_value=1989, max_value=2200)
    comparison = forms.ChoiceField(label="達成条件", choices=Comparison.choices)
    value = forms.DecimalField(label="目標値", required=False, max_digits=16, decimal_places=1,
                               help_text="％は小数第1位まで、円・件は整数。前年度との比較では空欄")
    carries_forward = forms.BooleanField(label="次年度以降も継続", required=False)
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _require_setter(user) -> None:
    if not actions.may_set_targets(user):
        raise PermissionDenied("目標を設定する権限がありません（債権管理委員・管理者）。")


@login_required
def targets(request):
    _require_setter(request.user)
    rows = accounting.summary_rows()
    years = sorted({r.settlement_year for r in rows}, reverse=True)
    year = _year(request.GET.get("year") or request.POST.get("fiscal_year"), years) or fiscal_year_of(timezone.localdate())
    edit = None
    if request.GET.get("edit", "").isdigit():
        edit = Target.objects.filter(pk=int(request.GET["edit"])).select_related("indicator", "receivable").first()
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            try:
                actions.set_target(
                    indicator=c["indicator"], receivable=c["receivable"], fiscal_year=c["fiscal_year"],
                    comparison=c["comparison"], value=c["value"], carries_forward=c["carries_forward"],
                    note=c["note"], user=request.user,
                )
            except ValidationError as e:
                errors = e.message_dict if hasattr(e, "error_dict") else {None: e.messages}
                for field, problems in errors.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.info(request, "目標を保存しました。")
                return redirect(f"{reverse('goals_targets')}?year={c['fiscal_year']}")
    else:
        initial: dict = {"fiscal_year": year, "comparison": Comparison.AT_LEAST}
        if edit is not None:
            initial = {
                "indicator": edit.indicator, "receivable": edit.receivable, "fiscal_year": edit.fiscal_year,
                "comparison": edit.comparison, "value": edit.value, "carries_forward": edit.carries_forward, "note": edit.note,
            }
        form = TargetForm(initial=initial)
    applying = targets_for(year)
    return render(request, "web/goals_targets.html", {
        "form": form,
        "year": year,
        "years": sorted(set(years) | {year, fiscal_year_of(timezone.localdate())}, reverse=True),
        "targets": applying,
        "own": [t for t in applying if t.fiscal_year == year],
        "edit": edit,
        "indicators": Indicator.objects.filter(active=True),
    })


@login_required
@require_POST
def target_delete(request, pk: int):
    _require_setter(request.user)
    target = get_object_or_404(Target, pk=pk)
    year = target.fiscal_year
    actions.delete_target(target, user=request.user)
    messages.info(request, "目標を削除しました。")
    return redirect(f"{reverse('goals_targets')}?year={year}")

