"""`saiken prescription-warnings --as-of DATE [--months N] [--json]`: claims about to be lost to prescription."""

import json
from dataclasses import asdict
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from saiken.core.era import fiscal_year_label, wareki
from saiken.prescription.warnings import warning_list, warning_months


class Command(BaseCommand):
    help = "時効完成が近い未納の調定を、所管課・債権ごとに完成予定日の早い順に表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="基準日 YYYY-MM-DD（既定: 今日）")
        parser.add_argument("--months", type=int, help="何か月先まで表示するか（既定: 設定 SAIKEN_PRESCRIPTION_WARNING_MONTHS）")
        parser.add_argument("--department", help="所管課コード（例 nozei）")
        parser.add_argument("--json", action="store_true", help="JSONで出力")

    def handle(self, *args, **opts):
        months = warning_months() if opts["months"] is None else opts["months"]
        if months < 0:
            raise CommandError("--months は0以上で指定してください。")
        as_of = opts["as_of"] or timezone.localdate()
        rows = warning_list(as_of, months=months, department=opts["department"])
        if opts["json"]:
            payload = {
                "as_of": as_of.isoformat(),
                "months": months,
                "warnings": [{**asdict(r), "days_left": r.days_left(as_of)} for r in rows],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
            return
        department = None
        for r in rows:
            if r.department != department:
                department = r.department
                self.stdout.write(f"■ {department}")
            self.stdout.write(
                f"  {wareki(r.completes_on)}（あと{r.days_left(as_of)}日） {r.receivable} {r.debtor} "
                f"{fiscal_year_label(r.fiscal_year)} 第{r.instalment_no}期 {r.amount:,}円 "
                f"{'要援用' if r.needs_invocation else '援用不要'} {r.basis}"
            )
        self.stdout.write(f"{wareki(as_of)}から{months}か月以内に時効が完成する調定: {len(rows):,} 件")
