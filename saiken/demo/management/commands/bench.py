import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.demo import bench
from saiken.demo.city import SCALES


class Command(BaseCommand):
    help = (
        "ベンチマーク: 新しいデータベースにデモの市を生成し、ledger は20万件の収納の一括計上・収納率表・"
        "仕訳からの再計算、demands は督促状の発付とPDF作成、dashboard は目標と実績の画面の表示時間を計測して、"
        "結果を1つのJSONで出力します。"
    )

    # The parent only starts child processes (which skip the checks too); the web
    # layer's URL checks have nothing to say about a ledger benchmark.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("target", choices=["ledger", "demands", "import", "pdf", "dashboard"],
                            help="計測対象: ledger（収納の一括計上・収納率表）、demands（督促状の発付とPDF）、import（20万件の収納データファイルの取込・消込）、"
                                 "pdf（督促状PDFのみ、DB不要）、dashboard（目標と実績の画面、既存の市でも --worker で計測可）")
        parser.add_argument("--pages", type=int, default=2000, help="pdf: 生成するページ数")
        parser.add_argument("--scale", choices=list(SCALES), default="S")
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite",
                            help=f"sqlite: 一時ファイル / postgres: ${bench.POSTGRES_URL_VARIABLE}（既定 {bench.DEFAULT_POSTGRES_URL}）を削除・再作成")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--payments", type=int, default=200_000, help="一括計上する収納の件数（既定 200000）")
        parser.add_argument("--as-of", type=date.fromisoformat, default=bench.DEFAULT_AS_OF, help="デモの市の基準日（既定 2026-11-27）")
        parser.add_argument("--keep", action="store_true", help="SQLite の一時ディレクトリを残す")
        parser.add_argument("--worker", action="store_true", help="（内部用）ベンチマーク用データベースで計測する子プロセス")
        parser.add_argument("--check", action="store_true",
                            help="dashboard: 画面が読む集計を記録から再計算して一致も確かめる（全件走査、規模Lでは数分）")

    def handle(self, *args, **opts):
        if opts["payments"] < 1:
            raise CommandError("--payments は1以上で指定してください。")
        if opts["target"] == "pdf":
            from saiken.documents.bench import run as pdf_bench

            result = pdf_bench(opts["pages"])
        elif opts["worker"] and opts["target"] == "import":
            result = bench.measure_import(payments=opts["payments"], seed=opts["seed"], as_of=opts["as_of"])
        elif opts["worker"] and opts["target"] == "dashboard":
            from saiken.goals.bench import measure_dashboard

            result = measure_dashboard(check=opts["check"])
        elif opts["worker"] and opts["target"] == "demands":
            result = bench.measure_demands(as_of=opts["as_of"])
        elif opts["worker"]:
            result = bench.measure(payments=opts["payments"], seed=opts["seed"], as_of=opts["as_of"])
        else:
            try:
                result = bench.run(
                    scale=opts["scale"], db=opts["db"], seed=opts["seed"], payments=opts["payments"], as_of=opts["as_of"],
                    keep=opts["keep"], log=self.stderr.write, target=opts["target"],
                )
            except bench.BenchFailed as e:
                raise CommandError(str(e)) from e
        self.stdout.write(json.dumps(result, ensure_ascii=False))
