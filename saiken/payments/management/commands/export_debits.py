"""`saiken export-debits --date YYYY-MM-DD --out FILE --user USERNAME`: the direct-debit request file."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saiken.ledger.errors import LedgerError
from saiken.payments.actions import export_debits
from saiken.staff.cli import staff_user
from saiken.staff.policy import Refused


class Command(BaseCommand):
    help = "口座振替依頼データ（全銀協 種別91）の作成: 引落日が納期限の期別のうち、口座振替の登録があるもの"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, required=True, help="引落日（納期限）")
        parser.add_argument("--out", type=Path, required=True, help="出力ファイル")
        parser.add_argument("--user", required=True, help="実行する職員のユーザー名（必須。権限と所管の範囲はその職員のもの。監査ログに記録）")

    def handle(self, *args, date, out, user, **options):
        try:
            run = export_debits(debit_date=date, out=out, user=staff_user(user))
        except (LedgerError, Refused) as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"{out}: {run.items:,}件 {run.amount:,}円（引落日 {run.debit_date}）")
        if run.extinguished:
            self.stdout.write(f"消滅した債権（免除・債権放棄・執行停止による消滅など）{len(run.extinguished):,}件は依頼していません。")
