"""`saiken refresh-goals [--as-of DATE] [--check]`: rebuild the goals' caches (nightly)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from saiken.goals.indicators import latest_refresh
from saiken.goals.refresh import differences, refresh


class Command(BaseCommand):
    help = "目標ダッシュボードの集計（日別収納額・納付経路・不納欠損・督促の期限内発付）を作り直します（再実行しても安全です）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="集計基準日 YYYY-MM-DD（既定: 今日）。決算見込みと督促の期限判定の基準")
        parser.add_argument("--check", action="store_true", help="作り直さずに、保持している集計が記録と一致するかを検証します")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        if opts["check"]:
            last = latest_refresh()
            if last is None:
                raise CommandError("集計がまだありません。saiken refresh-goals を実行してください。")
            found = differences(opts["as_of"] or last.as_of)
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(f"集計と記録の不一致が {len(found):,} 件あります。")
            self.stdout.write(f"集計は記録と一致しています（基準日 {last.as_of}、{time.perf_counter() - started:.2f} 秒）")
            return
        as_of = opts["as_of"] or timezone.localdate()
        run = refresh(as_of, progress=self.stdout.write)
        self.stdout.write(f"目標指標の集計を更新しました（基準日 {run.as_of}、{time.perf_counter() - started:.2f} 秒）")
