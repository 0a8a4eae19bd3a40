"""`saiken committee-report --year FY --out DIR`: the committee's report as PDF and Excel."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saiken.core.era import fiscal_year_label
from saiken.documents.fonts import FontNotFound
from saiken.documents.store import write_private
from saiken.goals.report import build, render_pdf, render_xlsx


class Command(BaseCommand):
    help = "債権管理推進委員会の資料（目標と実績、推移、14債権の収納状況、取組指標、決算見込み）をPDFとExcelで出力します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（西暦、例 2025 = 令和7年度）")
        parser.add_argument("--out", type=Path, required=True, help="出力先のディレクトリ（なければ作成）")
        parser.add_argument("--format", choices=["pdf", "xlsx", "both"], default="both", help="出力形式（既定 both）")

    def handle(self, *args, **opts):
        year = opts["year"]
        if not 1989 <= year <= 2200:
            raise CommandError("--year は西暦の年度で指定してください（例 2025）。")
        out: Path = opts["out"]
        out.mkdir(parents=True, exist_ok=True)
        report = build(year)
        if report.collection is None:
            self.stderr.write(f"{fiscal_year_label(year)}の決算データはありません（推移と目標のみ出力します）。")
        written = []
        if opts["format"] in ("pdf", "both"):
            try:
                content = render_pdf(report)
            except FontNotFound as e:
                raise CommandError(str(e)) from e
            path = out / f"committee_report_{year}.pdf"
            write_private(path, content)
            written.append(path)
        if opts["format"] in ("xlsx", "both"):
            path = out / f"committee_report_{year}.xlsx"
            write_private(path, render_xlsx(report))
            written.append(path)
        for path in written:
            self.stdout.write(f"{path}（{path.stat().st_size:,} バイト）")
