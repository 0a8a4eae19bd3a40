"""`saiken evaluate-pledges --as-of YYYY-MM-DD`: note broken pledges and promises (nightly)."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from saiken.cases.actions import evaluate_pledges


class Command(BaseCommand):
    help = "分納誓約・納付約束の履行を収納から判定し、不履行を課題と交渉経過に記録します（再実行しても安全です）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="判定日 YYYY-MM-DD（既定: 今日）")

    def handle(self, *args, **opts):
        as_of = opts["as_of"] or timezone.localdate()
        result = evaluate_pledges(as_of, progress=lambda what, last: self.stdout.write(f"  {what}: ID {last} まで判定"))
        self.stdout.write(
            f"判定日 {as_of}: 分納誓約 {result.pledges_checked:,}件・納付約束 {result.promises_checked:,}件を判定、"
            f"不履行 分納誓約 {len(result.pledges_broken):,}件・納付約束 {len(result.promises_broken):,}件"
            f"（課題 {result.tasks_created:,}件を登録）"
        )
