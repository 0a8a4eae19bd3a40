"""延滞金計算（窓口用）: the same calculation as `saiken calc late-charge`, as a page."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from saiken.catalog.models import ReceivableType
from saiken.catalog.rules import receivable_deadlines, receivable_late_charge
from saiken.core.calendar import statutory_due
from saiken.core.late_charge import Deferment, MissingRate
from saiken.core.relief import CALCULATOR_GROUNDS, late_charge_exempt

GROUND_HELP = "理由 disaster（災害）・illness（病気）・similar（これらに類する）は免除、business（廃業）・loss（損失）・" \
    "similar_business・late_assessment・realisation（換価の猶予）と理由なしは猶予特例割合（地方税法15条の9第1項）"


def _period_lines(text: str, with_ground: bool) -> list[tuple[date, date, str]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(":", " ").replace("〜", " ").split()
        if not parts:
            continue
        ground = parts.pop() if with_ground and len(parts) == 3 else ""
        try:
            first, last = (date.fromisoformat(p) for p in parts)
        except ValueError as e:
            example = "2024-06-01 2025-05-31 disaster" if with_ground else "2025-07-01 2025-09-30"
            raise forms.ValidationError(f"{n}行目: 「開始日 終了日」の形式で入力してください（例 {example}）。") from e
        if last < first:
            raise forms.ValidationError(f"{n}行目: 終了日が開始日より前です。")
        if ground and ground not in CALCULATOR_GROUNDS:
            raise forms.ValidationError(f"{n}行目: 理由 {ground!r} は使えません（{'、'.join(CALCULATOR_GROUNDS)}）。")
        out.append((first, last, ground))
    return out


class CalculatorForm(forms.Form):
    receivable = forms.ModelChoiceField(ReceivableType.objects.filter(active=True).order_by("number"), label="債権", to_field_name="code")
    principal = forms.IntegerField(label="本税額（円）", min_value=1)
    due = forms.DateField(label="納期限", widget=forms.DateInput(attrs={"type": "date"}))
    paid = forms.DateField(label="完納日", widget=forms.DateInput(attrs={"type": "date"}))
    payments = forms.CharField(
        label="一部納付", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2022-03-10 100000（1行に1件）"})
    )
    demand_issued = forms.DateField(label="督促状の発付日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    stops = forms.CharField(
        label="執行停止期間", required=False, help_text="延滞金を免除（地方税法15条の9第1項）",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2025-07-01 2025-09-30（1行に1件）"}),
    )
    deferments = forms.CharField(
        label="猶予期間", required=False, help_text=GROUND_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2024-06-01 2025-05-31 disaster（1行に1件）"}),
    )

    def clean_stops(self) -> list[tuple[date, date]]:
        return [(first, last) for first, last, _ in _period_lines(self.cleaned_data["stops"], with_ground=False)]

    def clean_deferments(self) -> list[Deferment]:
        return [
            Deferment(first, last, exempt=bool(ground) and late_charge_exempt(*CALCULATOR_GROUNDS[ground]))
            for first, last, ground in _period_lines(self.cleaned_data["deferments"], with_ground=True)
        ]

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
                                            payments=c["payments"], designated_deadline=dates.designated_deadline,
                                            deferments=c["deferments"], stops=c["stops"])
        except (MissingRate, ValueError) as e:
            form.add_error(None, str(e))
    return render(request, "web/calc.html", {"form": form, "result": result, "dates": dates})
