"""`saiken import-payments FILE --format … --user USERNAME`: the same import the screen uses,
as the named staff member (a clerk's file posts only her department's instalments)."""

from datetime import date
from json import dumps
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saiken.payments.imports import ImportRefused, import_payments
from saiken.staff.cli import staff_user
from saiken.payments.models import Format, ImportMapping
from saiken.staff.policy import Refused


class Command(BaseCommand):
    help = "収納データの取込（口座振替結果・コンビニ速報/確報・eL-QR・CSV/Excel）。全件取込か全件中止のいずれかで、同じファイル・レコードは二重に計上しません。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=Format.values)
        parser.add_argument("--mapping", help="取込レイアウト名（csv は必須、elqr は省略時に標準レイアウト）")
        parser.add_argument("--debit-date", type=date.fromisoformat, help="口座振替の引落日（省略時はヘッダーの月日から推定）")
        parser.add_argument("--user", required=True, help="実行する職員のユーザー名（必須。権限と所管の範囲はその職員のもの。監査ログに記録）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, file: Path, format: str, mapping: str | None, debit_date, json: bool, user: str, **options):
        user = staff_user(user)
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"ファイルを読めません: {file}（{e.strerror}）") from e
        layout = None
        if mapping:
            layout = ImportMapping.objects.filter(name=mapping).first()
            if layout is None:
                raise CommandError(f"取込レイアウト {mapping!r} は登録されていません。")
        try:
            batch = import_payments(data, format=format, filename=file.name, mapping=layout, debit_date=debit_date, user=user)
        except Refused as e:
            raise CommandError(e.message) from e
        except ImportRefused as e:
            if json:
                self.stdout.write(dumps({
                    "import": e.batch.pk if e.batch else None, "status": "rejected", "message": e.message,
                    "records": 0, "posted": 0, "unmatched": 0, "rejected": e.total,
                    "errors": [{"line": x.line, "field": x.field, "reason": x.reason} for x in e.errors],
                }, ensure_ascii=False))
            for x in e.errors[:50]:
                self.stderr.write(str(x))
            if e.total > 50:
                self.stderr.write(f"ほか {e.total - 50:,}件")
            raise CommandError(e.message) from e
        result = {
            "import": batch.pk, "status": "posted", "format": batch.format, "records": batch.records, "amount": batch.amount,
            "posted": batch.posted, "posted_amount": batch.posted_amount, "unmatched": batch.unmatched,
            "preliminary": batch.preliminary, "confirmed": batch.confirmed, "cancelled": batch.cancelled,
            "failed_debits": batch.failed, "duplicates": batch.duplicates, "overpaid": batch.overpaid, "rejected": 0, "errors": [],
        }
        if json:
            self.stdout.write(dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"取込番号 {batch.pk}: {batch.records:,}件 {batch.amount:,}円 — 消込 {batch.posted:,}件 {batch.posted_amount:,}円、"
                f"未消込 {batch.unmatched:,}件、速報 {batch.preliminary:,}件、確報で確定 {batch.confirmed:,}件、取消 {batch.cancelled:,}件、"
                f"振替不能 {batch.failed:,}件、取込済レコード {batch.duplicates:,}件、過誤納 {batch.overpaid:,}円"
            )
