import json
import time

from django.core.management.base import BaseCommand, CommandError

from saiken.ledger.verify import CHECKS


class Command(BaseCommand):
    help = (
        "キャッシュした残高と集計（台帳の年度別・日別・納付経路別・不納欠損の理由別の集計、督促の期限内発付件数など、"
        "各アプリが登録した集計を含む）が記録と一致することを検証し、差異をすべて表示します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="結果をJSONで出力")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        diffs = []
        per_check = {}
        for name, check in CHECKS.items():
            t = time.perf_counter()
            found = list(check())
            per_check[name] = {"differences": len(found), "seconds": round(time.perf_counter() - t, 2)}
            diffs += [(name, d) for d in found]
        elapsed = round(time.perf_counter() - started, 2)
        if opts["json"]:
            self.stdout.write(json.dumps(
                {"differences": [{"check": name, **d.__dict__} for name, d in diffs], "checks": per_check, "seconds": elapsed},
                ensure_ascii=False,
            ))
        else:
            for _, d in diffs:
                self.stdout.write(str(d))
            for name, r in per_check.items():
                self.stdout.write(f"  {name}: 差異 {r['differences']} 件（{r['seconds']} 秒）")
            self.stdout.write(f"差異 {len(diffs)} 件（{elapsed} 秒）")
        if diffs:
            raise CommandError(f"台帳の保持値と仕訳に {len(diffs)} 件の差異があります。")
