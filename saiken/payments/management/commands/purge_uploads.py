"""`saiken purge-uploads [--on YYYY-MM-DD]`: delete the uploaded files past their retention
period (SAIKEN_UPLOAD_RETENTION_DAYS for a file an import took, SAIKEN_UPLOAD_REFUSED_RETENTION_DAYS
for any other), with an audit row. Run nightly; safe to re-run."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from saiken.payments import uploads


class Command(BaseCommand):
    help = "保存期間を過ぎた取込ファイル（収納データ・調定データ）を削除し、監査ログに記録します。毎晩の実行を想定しています。"

    def add_arguments(self, parser):
        parser.add_argument("--on", type=date.fromisoformat, help="基準日（省略時は今日）")

    def handle(self, *args, on: date | None, **options):
        today = timezone.localdate()
        purged = uploads.purge(min(on, today) if on else today)  # never ahead of the clock
        self.stdout.write(f"取込ファイル {purged.count:,}件を削除しました（取込済 {len(purged.taken):,}件、取込なし・エラー {len(purged.other):,}件）。")
