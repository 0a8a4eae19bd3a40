"""`saiken record-contract-date --debtor ID --receivable CODE --date YYYY-MM-DD [--fiscal-years FIRST-LAST]`:
the contract date (契約日) of a loan already in the ledger."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.catalog.models import ReceivableType
from saiken.core.era import wareki
from saiken.debtors.models import Debtor
from saiken.prescription.actions import PrescriptionError, record_contract_date


def _years(value: str) -> tuple[int, int]:
    first, _, last = value.partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise CommandError(f"--fiscal-years は 2015-2030 のように指定してください（{value!r}）。") from None
    if years[0] > years[1]:
        raise CommandError(f"--fiscal-years の最初の年度が最後の年度より後です（{value}）。")
    return years


class Command(BaseCommand):
    help = "取込済みの貸付金等の調定に契約日（債権の発生日）を登録し、時効を再計算します（2020年4月1日より前の契約は改正前の民法）。"

    def add_arguments(self, parser):
        parser.add_argument("--debtor", type=int, required=True, help="債務者番号")
        parser.add_argument("--receivable", required=True, help="債権コード（例 scholarship_loan）")
        parser.add_argument("--date", type=date.fromisoformat, required=True, help="契約日 YYYY-MM-DD")
        parser.add_argument("--fiscal-years", help="対象の年度（例 2015-2030、既定: すべて）")

    def handle(self, *args, **opts):
        debtor = Debtor.objects.filter(pk=opts["debtor"]).first()
        if debtor is None:
            raise CommandError(f"債務者番号 {opts['debtor']} は登録されていません。")
        receivable = ReceivableType.objects.filter(code=opts["receivable"]).first()
        if receivable is None:
            raise CommandError(f"債権コード {opts['receivable']} は登録されていません。")
        years = _years(opts["fiscal_years"]) if opts["fiscal_years"] else None
        try:
            count = record_contract_date(debtor=debtor, receivable=receivable, arose_on=opts["date"], fiscal_years=years)
        except PrescriptionError as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"{debtor} {receivable} の {count:,} 期別に契約日 {wareki(opts['date'])} を登録しました。")
