"""`saiken snapshot-stalls --as-of YYYY-MM-DD`: the day's count of stalled cases (nightly)."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from saiken.cases.stalls import snapshot


class Command(BaseCommand):
    help = "停滞している事案の件数を所管課・担当者ごとに記録します（同じ日の再実行は置き換えます）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="基準日 YYYY-MM-DD（既定: 今日）")

    def handle(self, *args, **opts):
        as_of = opts["as_of"] or timezone.localdate()
        total = snapshot(as_of)
        self.stdout.write(f"基準日 {as_of}: 停滞 {total:,}件を記録しました")
