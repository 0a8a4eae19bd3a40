"""`saiken calc late-charge …` and `saiken calc deadlines …`: the counter's calculator."""

import json
from argparse import ArgumentTypeError
from dataclasses import asdict
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.catalog.models import ReceivableType
from saiken.catalog.rules import receivable_deadlines, receivable_late_charge
from saiken.core.calendar import statutory_due
from saiken.core.era import wareki
from saiken.core.late_charge import Deferment, MissingRate
from saiken.core.relief import CALCULATOR_GROUNDS, late_charge_exempt


# Options are parsed before the command runs: a bad value raises ArgumentTypeError, which
# argparse reports as "argument --x: message" (a usage error on the command line, a
# CommandError under call_command), never a traceback.


def _payment(text: str) -> tuple[date, int]:
    try:
        d, yen = text.split(":")
        return date.fromisoformat(d), int(yen)
    except ValueError as e:
        raise ArgumentTypeError(f"--payment は YYYY-MM-DD:円 の形式で指定してください: {text!r}") from e


def _dates(text: str, option: str, what: str) -> tuple[date, date]:
    try:
        first, last = (date.fromisoformat(t) for t in text.split(":"))
    except ValueError as e:
        raise ArgumentTypeError(f"{option} は YYYY-MM-DD:YYYY-MM-DD の形式で指定してください: {text!r}") from e
    if last < first:
        raise ArgumentTypeError(f"{what}の終了日が開始日より前です: {text!r}")
    return first, last


def _stop(text: str) -> tuple[date, date]:
    """--stop FIRST:LAST, a period of 滞納処分の執行停止 (no charge, 地方税法15条の9第1項)."""
    return _dates(text, "--stop", "執行停止期間")


def _deferment(text: str) -> Deferment:
    """--deferment FIRST:LAST[:GROUND]; exempt or reduced by the ground (15条の9第1項)."""
    parts = text.split(":")
    if len(parts) == 3:
        dates, ground = ":".join(parts[:2]), parts[2]
        if ground not in CALCULATOR_GROUNDS:
            names = "、".join(CALCULATOR_GROUNDS)
            raise ArgumentTypeError(f"--deferment の理由 {ground!r} は使えません（{names} のいずれか）: {text!r}")
        exempt = late_charge_exempt(*CALCULATOR_GROUNDS[ground])
    elif len(parts) == 2:
        dates, exempt = text, False
    else:
        raise ArgumentTypeError(f"--deferment は YYYY-MM-DD:YYYY-MM-DD[:理由] の形式で指定してください: {text!r}")
    first, last = _dates(dates, "--deferment", "猶予期間")
    return Deferment(first, last, exempt)


class Command(BaseCommand):
    help = "延滞金と法定期限の計算（窓口用）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        lc = sub.add_parser("late-charge", help="延滞金の計算")
        lc.add_argument("--receivable", required=True, help="債権コード（例 city_tax）")
        lc.add_argument("--principal", type=int, required=True, help="本税額（円）")
        lc.add_argument("--due", type=date.fromisoformat, required=True, help="納期限（休日は翌開庁日に繰り延べ）")
        lc.add_argument("--paid", type=date.fromisoformat, required=True, help="完納日")
        lc.add_argument("--payment", type=_payment, action="append", default=[], help="一部納付 YYYY-MM-DD:円（複数可）")
        lc.add_argument("--designated-deadline", type=date.fromisoformat, help="督促状の指定期限（指定期限から計算する債権）")
        lc.add_argument(
            "--deferment", type=_deferment, action="append", default=[],
            help="猶予期間 YYYY-MM-DD:YYYY-MM-DD[:理由]（複数可）。理由 disaster・illness・similar は延滞金を免除、"
                 "business・loss・similar_business・late_assessment・realisation と理由なしは猶予特例割合（地方税法15条の9第1項）",
        )
        lc.add_argument("--stop", type=_stop, action="append", default=[],
                        help="滞納処分の執行停止の期間 YYYY-MM-DD:YYYY-MM-DD（複数可）。延滞金を免除（地方税法15条の9第1項）")
        lc.add_argument("--json", action="store_true")
        dl = sub.add_parser("deadlines", help="納期限・督促期限・指定期限・差押可能日")
        dl.add_argument("--due", type=date.fromisoformat, required=True)
        dl.add_argument("--demand-issued", type=date.fromisoformat)
        dl.add_argument("--receivable", default="city_tax")
        dl.add_argument("--json", action="store_true")

    def _receivable(self, code: str) -> ReceivableType:
        try:
            return ReceivableType.objects.get(code=code)
        except ReceivableType.DoesNotExist as e:
            raise CommandError(f"債権コード {code!r} は登録されていません。") from e

    def handle(self, *args, **o):
        r = self._receivable(o["receivable"])
        if o["what"] == "late-charge":
            self._late_charge(r, o)
        else:
            self._deadlines(r, o)

    def _late_charge(self, r, o):
        if o["principal"] <= 0:
            raise CommandError("本税額は1円以上で指定してください。")
        due = statutory_due(o["due"])
        try:
            c = receivable_late_charge(r, principal=o["principal"], due=due, paid=o["paid"], payments=o["payment"],
                                       designated_deadline=o["designated_deadline"], deferments=o["deferment"], stops=o["stop"])
        except (MissingRate, ValueError) as e:
            raise CommandError(str(e)) from e
        if o["json"]:
            self.stdout.write(json.dumps({
                "receivable": r.code, "principal": o["principal"], "due": due.isoformat(), "paid": o["paid"].isoformat(),
                "late_charge": c.amount,
                "segments": [{"start": s.start.isoformat(), "end": s.end.isoformat(), "days": s.days, "rate": str(s.rate),
                              "base": s.base, "yen": s.yen, "reason": s.reason} for s in c.segments],
            }, ensure_ascii=False))
            return
        self.stdout.write(f"{r.name} 本税 {o['principal']:,}円 納期限 {wareki(due)} 完納 {wareki(o['paid'])}")
        for s in c.segments:
            note = f"（{s.reason_label}）" if s.reason else ""
            self.stdout.write(f"  {s.start}〜{s.end} {s.days:>4}日 年{s.rate}% 基礎 {s.base:,}円 → {s.yen:,}円{note}")
        self.stdout.write(f"延滞金 {c.amount:,}円（端数処理前 {c.raw_total:,}円）")

    def _deadlines(self, r, o):
        d = receivable_deadlines(r, o["due"], o["demand_issued"])
        out = {k: (v.isoformat() if v else None) for k, v in asdict(d).items()}
        if o["json"]:
            self.stdout.write(json.dumps(out))
            return
        labels = {"due": "納期限", "demand_by": "督促状の発付期限", "designated_deadline": "指定期限", "seizure_from": "差押可能日"}
        for k, v in asdict(d).items():
            self.stdout.write(f"{labels[k]}: {wareki(v) + '（' + v.isoformat() + '）' if v else '—'}")
