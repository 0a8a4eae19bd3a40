"""`saiken write-off --as-of DATE --user USERNAME`: the 不納欠損 run.

Made as a named staff member (`--user`, required), checked by the access policy as
the screen is (`Act.WRITE_OFF`: managers and administrators, over the receivables
they may act on). There is no anonymous operator run.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.ledger.errors import LedgerError
from saiken.relief import writeoff
from saiken.staff.cli import staff_user
from saiken.staff.policy import Refused


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise CommandError(f"日付は YYYY-MM-DD で指定してください: {text}") from e


class Command(BaseCommand):
    help = (
        "緩和措置（執行停止・免除・放棄）と時効により消滅した債権を不納欠損します。再実行しても二重に計上しません。"
        "--user で実行する職員（管理職又はシステム管理者）を必ず指定します（対象はその職員が所管する債権。"
        "ユーザーなしの実行はできません）。基準日に将来の日付は指定できません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="基準日（不納欠損の計上日、今日以前） YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="件数と金額だけを表示し、計上しない")
        parser.add_argument("--json", action="store_true", help="結果をJSONで出力")
        parser.add_argument("--user", required=True, help="実行する職員のユーザー名（必須。監査ログと仕訳に記録）")

    def handle(self, *args, **opts):
        as_of = _date(opts["as_of"])
        user = staff_user(opts["user"])

        def progress(done: int, total: int) -> None:
            if not opts["json"]:
                self.stderr.write(f"{done:,} / {total:,}件")

        try:
            result = writeoff.run(as_of, user=user, dry_run=opts["dry_run"], progress=progress)
        except (LedgerError, Refused) as e:
            raise CommandError(e.message) from e
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        heading = "不納欠損の対象（計上しません）" if result.dry_run else "不納欠損を計上しました"
        self.stdout.write(f"{heading}: 基準日 {as_of.isoformat()}")
        for _, label, a in result.rows():
            self.stdout.write(f"  {label}: {a.count:,}件 {a.total:,}円（本税 {a.principal:,}円・延滞金 {a.late_charge:,}円・手数料 {a.fee:,}円）")
        t = result.total
        self.stdout.write(f"  合計: {t.count:,}件 {t.total:,}円")
        if not result.prescription_checked:
            self.stdout.write("  注意: 時効の判定（saiken.prescription）が利用できないため、時効による消滅は含まれていません。")
