"""`saiken refresh-goals [--check]`: rebuild the dashboard's pre-aggregated figures (repair)."""

import time

from django.core.management.base import BaseCommand, CommandError

from saiken.goals.refresh import differences, rebuild


class Command(BaseCommand):
    help = (
        "目標ダッシュボードが読む集計（日別収納額・納付経路・不納欠損・督促の期限内発付）を記録から作り直します。"
        "集計は計上・督促のたびに同じトランザクションで更新されるため、通常は不要です（復元後や差異の修復用。再実行しても安全です）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="作り直さずに、集計が記録と一致するかを検証します（check-ledger の一部）")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        if opts["check"]:
            found = differences()
            for d in found:
                self.stdout.write(str(d))
            if found:
                raise CommandError(f"集計と記録の不一致が {len(found):,} 件あります。saiken refresh-goals で作り直せます。")
            self.stdout.write(f"集計は記録と一致しています（{time.perf_counter() - started:.2f} 秒）")
            return
        rebuild(progress=self.stdout.write)
        self.stdout.write(f"目標ダッシュボードの集計を作り直しました（{time.perf_counter() - started:.2f} 秒）")
