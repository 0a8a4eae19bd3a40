import json

from django.core.management.base import BaseCommand

from saiken.debtors.identity import match_debtors


class Command(BaseCommand):
    help = (
        "名寄せ: 全債務者の記録を照合し、確実な組は同一人として結び付け、不確実な組は確認待ちにします。"
        "結び付け・確認待ち・該当なしの件数（記録数）を出力します。何度実行しても安全です。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="結果をJSONで出力（linked, queued, unmatched, pairs_scored, seconds）")

    def handle(self, *args, **opts):
        # Progress to stderr, so that --json leaves stdout to the result alone.
        result = match_debtors(progress=self.stderr.write)
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"結び付け {result.linked:,}件、確認待ち {result.queued:,}件、該当なし {result.unmatched:,}件"
            f"（比較 {result.pairs_scored:,}組、{result.seconds:.1f}秒）"
        )
        if result.oversized_blocks:
            self.stdout.write(f"照合キーを共有する記録が多すぎて総当たりしなかったブロック: {result.oversized_blocks:,}")
