"""収納状況: the city's collection-rate table for a fiscal year, on screen and as files."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saiken.accounting import report as accounting
from saiken.accounting.export import to_csv, to_xlsx
from saiken.accounting.models import PublishedYear
from saiken.core.era import fiscal_year_label
from saiken.core.fiscal import fiscal_year_of

# format → (encoding or None for Excel, file suffix, content type)
DOWNLOADS = {
    "csv": ("utf-8", ".csv", "text/csv; charset=utf-8"),
    "sjis": ("cp932", "_sjis.csv", "text/csv; charset=Shift_JIS"),
    "xlsx": (None, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def default_year(years: list[int], today: date) -> int | None:
    """The latest complete fiscal year (the one before today's) if it has figures,
    else the latest earlier year that has, else the latest year there is."""
    complete = fiscal_year_of(today) - 1
    earlier = [y for y in years if y <= complete]
    if earlier:
        return max(earlier)
    return max(years) if years else None


def _year(raw: str | None, years: list[int]) -> int | None:
    try:
        year = int(raw or "")
    except ValueError:
        return default_year(years, timezone.localdate())
    return year if 1989 <= year <= 2200 else default_year(years, timezone.localdate())


def _rows(report: accounting.CollectionReport) -> list[dict]:
    """Each row with its three parts (現年度分, 滞納繰越分, 合計) side by side."""
    out = []
    for row in [*report.rows, report.total]:
        parts = [
            {"figures": getattr(row.line, part), "previous": getattr(row.previous, part).rate, "change": row.change(part)}
            for part, _ in accounting.PARTS
        ]
        out.append({"number": row.number, "label": row.label, "parts": parts, "is_total": row is report.total})
    return out


def _download(report: accounting.CollectionReport, fmt: str) -> HttpResponse:
    encoding, suffix, content_type = DOWNLOADS[fmt]
    header, body = accounting.table(report)
    if encoding is None:
        title = f"収納状況 {report.label}"
        content = to_xlsx(title, header, body)
    else:
        content = to_csv(header, body, encoding=encoding)
    ascii_name = f"collection_{report.year}{suffix}"
    japanese_name = f"収納状況_{fiscal_year_label(report.year)}{suffix}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(japanese_name)}"
    return response


@login_required
def collection(request):
    years = accounting.available_years()
    year = _year(request.GET.get("year"), years)
    fmt = request.GET.get("format", "")
    report = accounting.collection_report(year) if year is not None else None
    if report is not None and fmt in DOWNLOADS:
        return _download(report, fmt)
    context = {
        "years": years,
        "year": year,
        "report": report,
        "rows": _rows(report) if report else [],
        "parts": accounting.PARTS,
        "measures": accounting.MEASURES,
        "history": PublishedYear.objects.all(),
    }
    return render(request, "web/collection_report.html", context)
