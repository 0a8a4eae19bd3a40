"""`saiken import-assessments FILE --mapping NAME --user USERNAME [--preview] [--json]`: the same
import the screen uses, as the named staff member (a clerk's file assesses only her
department's receivables)."""

from json import dumps
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saiken.core.formats import FormatError
from saiken.payments.assessment_imports import AssessmentImportRefused, assessment_mappings, import_assessments, preview_assessments
from saiken.staff.cli import staff_user
from saiken.staff.policy import Refused


def _errors(errors) -> list[dict]:
    return [{"line": x.line, "field": x.field, "reason": x.reason} for x in errors]


def _to_create(p) -> list[dict]:
    """The debtors an import would register: one per unknown identifier, at its first row."""
    out: dict[tuple, dict] = {}
    for x in p.rows if p else ():
        if x.new_debtor:
            out.setdefault((x.row.identifier_system, x.row.identifier), {
                "line": x.row.line, "id": None, "name": x.debtor_name, "system": x.row.identifier_system, "identifier": x.row.identifier,
            })
    return list(out.values())


class Command(BaseCommand):
    help = (
        "他システムの調定データ（CSV・Excel）の取込。取込レイアウト（kind: assessments）で列を読み、"
        "全件取込か全件中止のいずれかで、同じファイルは二重に調定しません。--preview は書き込まずに確認だけします。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", required=True, help="取込レイアウト名（調定用）")
        parser.add_argument("--user", required=True, help="実行する職員のユーザー名（必須。権限と所管の範囲はその職員のもの。監査ログに記録）")
        parser.add_argument("--preview", action="store_true", help="確認のみ（何も書き込みません）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, file: Path, mapping: str, preview: bool, json: bool, user: str, **options):
        user = staff_user(user)
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"ファイルを読めません: {file}（{e.strerror}）") from e
        layout = assessment_mappings().filter(name=mapping).first()
        if layout is None:
            raise CommandError(f"調定用の取込レイアウト {mapping!r} は登録されていません。")
        try:
            if preview:
                return self._preview(data, file.name, layout, json, user)
            result = import_assessments(data, mapping=layout, filename=file.name, user=user)
        except Refused as e:
            raise CommandError(e.message) from e
        except AssessmentImportRefused as e:
            if json:
                self.stdout.write(dumps({
                    "import": e.batch.pk if e.batch else None, "status": "rejected", "message": e.message,
                    "records": 0, "amount": 0, "created_debtors": [], "errors": _errors(e.errors),
                }, ensure_ascii=False))
            for x in e.errors[:50]:
                self.stderr.write(str(x))
            if e.total > 50:
                self.stderr.write(f"ほか {e.total - 50:,}件")
            raise CommandError(e.message) from e
        created = [
            {"line": c.line, "id": c.debtor_id, "name": c.name, "system": c.system, "identifier": c.identifier}
            for c in result.created_debtors
        ]
        if json:
            self.stdout.write(dumps({
                "import": result.batch.pk, "status": "posted", "records": result.records, "amount": result.amount,
                "created_debtors": created, "errors": [],
            }, ensure_ascii=False))
        else:
            self.stdout.write(
                f"取込番号 {result.batch.pk}: 調定 {result.records:,}件 {result.amount:,}円、新規債務者 {len(created):,}人"
            )

    def _preview(self, data: bytes, filename: str, mapping, json: bool, user) -> None:
        try:
            p = preview_assessments(data, mapping=mapping, filename=filename, user=user)
            errors, total = list(p.errors), p.error_count
        except FormatError as e:
            p, errors, total = None, e.errors, e.total
        if json:
            self.stdout.write(dumps({
                "import": None, "status": "preview", "records": p.records if p else 0, "amount": p.amount if p else 0,
                "created_debtors": _to_create(p),
                "errors": _errors(errors),
            }, ensure_ascii=False))
        elif p is not None:
            self.stdout.write(f"確認のみ（書き込んでいません）: 調定 {p.records:,}件 {p.amount:,}円、新規債務者 {p.new_debtors:,}人")
        for x in errors[:50]:
            self.stderr.write(str(x))
        if errors:
            raise CommandError(f"{total:,}件の誤りがあります。このままでは取り込めません。")
