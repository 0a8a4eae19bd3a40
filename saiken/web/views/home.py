"""ホーム: links to the screens and a few figures for the whole city."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import render
from django.utils import timezone

from saiken.accounting import report as accounting
from saiken.debtors.models import Debtor
from saiken.ledger.actions import OPEN
from saiken.ledger.models import Instalment
from saiken.web.views.reports import default_year


@login_required
def home(request):
    ledger = Instalment.objects.aggregate(open=Count("id", filter=OPEN), unpaid=Sum("principal_due"))
    year = default_year(accounting.available_years(), timezone.localdate())
    report = accounting.collection_report(year) if year is not None else None
    context = {
        "debtors": Debtor.objects.count(),
        "open_instalments": ledger["open"],
        "unpaid": ledger["unpaid"] or 0,
        "year": year,
        "rates": [
            {"label": label, "rate": getattr(report.total.line, part).rate, "change": report.total.change(part)}
            for part, label in accounting.PARTS
        ]
        if report
        else [],
    }
    return render(request, "web/home.html", context)
