"""`saiken demo-debit-result --request FILE --out FILE [--fail-rate 0.03] [--seed N]`: the bank's
answer to a direct-debit request of the demo city; `--next-date` prints the next debit date."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saiken.core.formats import FormatError
from saiken.demo.debits import FAIL_RATE, bank_answer, describe, next_debit_date


class Command(BaseCommand):
    help = (
        "デモ用: 口座振替依頼データ（全銀協 種別91）に銀行が返す振替結果ファイルを作ります（一部を振替不能に）。"
        "--next-date では、口座振替の登録がある未納の期別が最も多い、これからの引落日（納期限）を表示します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--request", type=Path, help="口座振替依頼データ（saiken export-debits の出力）")
        parser.add_argument("--out", type=Path, help="振替結果ファイルの出力先")
        parser.add_argument("--fail-rate", type=float, default=FAIL_RATE, help=f"振替不能にする割合（既定 {FAIL_RATE}、0 以上なら最低1件）")
        parser.add_argument("--seed", type=int, default=1, help="どの引落を不能にするかの乱数の種（既定 1）")
        parser.add_argument("--next-date", action="store_true", help="これからの引落日のうち引落件数が最も多い日を YYYY-MM-DD で表示して終了")
        parser.add_argument("--after", type=date.fromisoformat, default=None, help="--next-date の基準日（既定 今日）")

    def handle(self, *args, request, out, fail_rate, seed, next_date, after, **options):
        if next_date:
            found = next_debit_date(after or date.today())
            if found is None:
                raise CommandError("口座振替の登録がある未納の期別はありません。")
            self.stdout.write(found.isoformat())
            return
        if request is None or out is None:
            raise CommandError("--request と --out を指定してください（または --next-date）。")
        try:
            answer = bank_answer(request.read_bytes(), fail_rate=fail_rate, seed=seed)
        except FormatError as e:
            raise CommandError(f"依頼データを読めません: {e}") from e
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from e
        out.write_bytes(answer.data)
        self.stdout.write(f"{out}: 振替結果 {answer.records:,}件のうち振替不能 {len(answer.failed):,}件（{describe(answer.failed)}）")
