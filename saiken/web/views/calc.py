"""延滞金計算（窓口用）: the same calculation as `saiken calc late-charge`, as a page."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from saiken.catalog.models import ReceivableType
from saiken.catalog.rules import receivable_deadlines, receivable_late_charge
from saiken.core.calendar import statutory_due
from saiken.core.late_charge import MissingRate


class CalculatorForm(forms.Form):
    receivable = forms.ModelChoiceField(ReceivableType.objects.filter(active=True).order_by("number"), label="債権", to_field_name="code")
    principal = forms.IntegerField(label="本税額（円）", min_value=1)
    due = forms.DateField(label="納期限", widget=forms.DateInput(attrs={"type": "date"}))
    paid = forms.DateField(label="完納日", widget=forms.DateInput(attrs={"type": "date"}))
    payments = forms.CharField(
        label="一部納付", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2022-03-10 100000（1行に1件）"})
    )
    demand_issued = forms.DateField(label="督促状の発付日", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_payments(self) -> list[tuple[date, int]]:
        out = []
        for n, line in enumerate(self.cleaned_data["payments"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                d, yen = line.replace(":", " ").replace(",", "").split()
                out.append((date.fromisoformat(d), int(yen)))
            except ValueError as e:
                raise forms.ValidationError(f"{n}行目: 「日付 金額」の形式で入力してください（例 2022-03-10 100000）。") from e
        return out


@login_required
def late_charge_calculator(request):
    form = CalculatorForm(request.GET or None)
    result = dates = None
    if form.is_valid():
        c = form.cleaned_data
        r: ReceivableType = c["receivable"]
        dates = receivable_deadlines(r, c["due"], c["demand_issued"])
        try:
            result = receivable_late_charge(r, principal=c["principal"], due=statutory_due(c["due"]), paid=c["paid"],
                                            payments=c["payments"], designated_deadline=dates.designated_deadline)
        except (MissingRate, ValueError) as e:
            form.add_error(None, str(e))
    return render(request, "web/calc.html", {"form": form, "result": result, "dates": dates})
