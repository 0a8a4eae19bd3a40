"""`saiken issue-demands --as-of DATE --user USERNAME`: the daily 督促 run.

A run is made as a named staff member (`--user`, required): the access policy checks
them as it checks a screen, and the run and its fees are recorded under their name.
There is no anonymous operator run: a scheduled job names a login made for it (an
administrator's, for a city-wide run; a department's clerk, for that department's).
"""

from datetime import date
from json import dumps

from django.core.management.base import BaseCommand, CommandError

from saiken.catalog.models import ReceivableType
from saiken.demands.actions import issue_demands
from saiken.ledger.errors import LedgerError
from saiken.staff.cli import staff_user
from saiken.staff.policy import Refused


class Command(BaseCommand):
    help = (
        "督促状の発付（納期限を過ぎて未納の期別に督促状を作成する。同じ日に再実行しても重複しない）。"
        "--user で実行する職員を必ず指定する（権限と所管の範囲はその職員のもの。ユーザーなしの実行はできない。"
        "定時実行には、全債権ならシステム管理者の、課の債権ならその課の職員の実行用ログインを指定する）。"
        "発付日に将来の日付は指定できない。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, required=True, help="発付日 YYYY-MM-DD（今日以前）")
        parser.add_argument("--user", required=True, help="実行する職員のユーザー名（必須。監査ログと督促手数料の調定に記録）")
        parser.add_argument("--due", type=date.fromisoformat, help="この納期限の期別だけを対象にする")
        parser.add_argument("--receivable", action="append", default=[], help="債権コード（複数可。省略時は全債権）")
        parser.add_argument("--render", action="store_true", help="続けて督促状PDFを作成する")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, as_of, user, due, receivable, render, json: bool, **options):
        user = staff_user(user)
        ids = None
        if receivable:
            found = dict(ReceivableType.objects.filter(code__in=receivable).values_list("code", "id"))
            if missing := sorted(set(receivable) - found.keys()):
                raise CommandError(f"債権コード {', '.join(missing)} は登録されていません。")
            ids = list(found.values())
        quiet = json
        progress = None if quiet else (lambda d, n: self.stderr.write(f"  督促状 {d:,}件 / 期別 {n:,}件"))
        try:
            run = issue_demands(as_of=as_of, user=user, due_on=due, receivable_ids=ids, progress=progress)
        except (LedgerError, Refused) as e:
            raise CommandError(e.message) from e
        result = {
            "run": run.pk, "issued_on": run.issued_on.isoformat(), "demands": run.demands, "lines": run.lines,
            "principal": run.principal, "fees": run.fees, "late": run.late,
        }
        if render and run.demands:
            from saiken.demands.documents import render_run

            show = None if quiet else (lambda done, total: self.stderr.write(f"  PDF {done:,}/{total:,}ページ"))
            try:
                render_run(run, user=user, progress=show)
            except Refused as e:
                raise CommandError(e.message) from e
            run.refresh_from_db()
            result["document"] = run.document
        if json:
            self.stdout.write(dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{run.issued_on} 督促状 {run.demands:,}件（期別 {run.lines:,}件、本税 {run.principal:,}円、手数料 {run.fees:,}円、"
                f"発付期限後 {run.late:,}件） 処理番号 {run.pk}"
            )
            if result.get("document"):
                self.stdout.write(f"督促状PDF: {result['document']}")
