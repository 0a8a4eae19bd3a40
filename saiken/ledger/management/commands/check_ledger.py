import json
import time

from django.core.management.base import BaseCommand, CommandError

from saiken.ledger.verify import balance_differences, summary_differences


class Command(BaseCommand):
    help = "キャッシュした残高と集計が仕訳と一致することを検証し、差異をすべて表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="結果をJSONで出力")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        diffs = list(balance_differences()) + list(summary_differences())
        elapsed = round(time.perf_counter() - started, 2)
        if opts["json"]:
            self.stdout.write(json.dumps({"differences": [d.__dict__ for d in diffs], "seconds": elapsed}, ensure_ascii=False))
        else:
            for d in diffs:
                self.stdout.write(str(d))
            self.stdout.write(f"差異 {len(diffs)} 件（{elapsed} 秒）")
        if diffs:
            raise CommandError(f"台帳の保持値と仕訳に {len(diffs)} 件の差異があります。")
