"""`saiken refresh-prescription --as-of YYYY-MM-DD`: rebuild the prescription cache (nightly)."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from saiken.prescription.projection import CHUNK, refresh


class Command(BaseCommand):
    help = "全ての未納の調定について時効完成予定日を再計算します（再実行しても安全です）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="算定基準日 YYYY-MM-DD（既定: 今日）")
        parser.add_argument("--chunk", type=int, default=CHUNK, help=f"1トランザクションの件数（既定 {CHUNK}）")

    def handle(self, *args, **opts):
        if opts["chunk"] < 1:
            raise CommandError("--chunk は1以上で指定してください。")
        as_of = opts["as_of"] or timezone.localdate()
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} / {total:,} 件")

        count = refresh(as_of, chunk=opts["chunk"], progress=progress)
        elapsed = round(time.perf_counter() - started, 2)
        self.stdout.write(f"時効の状況を {count:,} 件更新しました（基準日 {as_of}、{elapsed} 秒）")
