"""`saiken issue-reminders --criteria NAME --as-of DATE [--render]`: 催告書 in a batch by saved criteria."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.cases.actions import CaseError
from saiken.cases.models import ReminderCriteria
from saiken.cases.reminders import Criteria, issue_reminders, render_run
from saiken.staff.cli import staff_user
from saiken.staff.policy import Refused


class Command(BaseCommand):
    help = "保存した抽出条件で催告書を一括発送します（同じ日に再実行しても、同じ課から同じ債務者へ二度は送りません）。"

    def add_arguments(self, parser):
        parser.add_argument("--criteria", required=True, help="抽出条件の名称")
        parser.add_argument("--as-of", type=date.fromisoformat, required=True, help="発送日 YYYY-MM-DD")
        parser.add_argument("--render", action="store_true", help="続けて催告書PDFを作成する")
        parser.add_argument("--user", required=True, help="実行する職員のユーザー名（権限を確認します）")

    def handle(self, *args, criteria, as_of, render, user, **options):
        user = staff_user(user)
        row = ReminderCriteria.objects.filter(name=criteria).first()
        if row is None:
            names = "、".join(ReminderCriteria.objects.values_list("name", flat=True)) or "なし"
            raise CommandError(f"抽出条件「{criteria}」はありません（登録済み: {names}）。")
        self.stdout.write(f"抽出条件「{row.name}」: {'、'.join(Criteria.from_json(row.criteria).describe())}")
        try:
            run = issue_reminders(row, as_of, user, progress=lambda n, skipped: self.stderr.write(f"  催告書 {n:,}件（同日発送済み {skipped:,}件）"))
        except (CaseError, Refused) as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"{run.run_on} 催告書 {run.count:,}件（催告額 {run.amount:,}円、同日発送済みのため除外 {run.skipped:,}件） 処理番号 {run.pk}")
        if render and run.count:
            path = render_run(run, user=user, progress=lambda done, total: self.stderr.write(f"  PDF {done:,}/{total:,}ページ"))
            self.stdout.write(f"催告書PDF: {path}")
