import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.core.money import percent, yen
from saiken.debtors.models import Debtor
from saiken.demo.city import DEBIT_SHARE, SCALES, CityConfig, last_complete_year
from saiken.demo.demands import issue_history
from saiken.demo.load import BLOCK_SIZE, DEMO_STAFF, DEMO_USER, collection_totals, ensure_demo_user, load_city, reset_city
from saiken.prescription.projection import refresh


class Command(BaseCommand):
    help = "再現可能な架空の市（債務者・調定・収納・不納欠損）を生成して、設定中のデータベースに書き込みます。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="S", help="規模: XS=300, S=1万, M=10万, L=100万人（既定 S）")
        parser.add_argument("--debtors", type=int, help="債務者数を直接指定（--scale より優先）")
        parser.add_argument("--seed", type=int, default=1, help="乱数の種（既定 1）")
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="基準日 YYYY-MM-DD（既定 今日）")
        parser.add_argument("--years", type=int, default=6, help="生成する年度数（基準日の年度まで、既定 6）")
        parser.add_argument("--debit-share", type=float, default=DEBIT_SHARE,
                            help=f"市税・保育料を口座振替にしている人の割合（既定 {DEBIT_SHARE}）")
        parser.add_argument("--reset", action="store_true", help="既存の債務者・台帳データと監査ログを削除してから生成（デモ専用: 監査ログの追記専用トリガーをこのときだけ外します）")
        parser.add_argument("--if-empty", action="store_true", help="債務者が既にいれば何もせずに終了")
        parser.add_argument("--block-size", type=int, default=BLOCK_SIZE, help=f"1トランザクションの人数（既定 {BLOCK_SIZE}）")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        as_of = opts["as_of"] or date.today()
        cfg = CityConfig(seed=opts["seed"], debtors=opts["debtors"] or SCALES[opts["scale"]], as_of=as_of, years=opts["years"],
                         debit_share=opts["debit_share"])
        if Debtor.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("債務者が登録済みのため、デモの市は生成しません。")
                self._user()
                return
            if not opts["reset"]:
                raise CommandError("債務者が既に登録されています。作り直すには --reset を指定してください（債務者と台帳、監査ログを全件削除します）。")
            reset_city()
            self.stdout.write("既存の債務者・台帳データを削除しました。")
        self.stdout.write(
            f"demo city: seed {cfg.seed}, {cfg.debtors:,} people, FY{cfg.first_fy}–FY{cfg.last_fy} as of {cfg.as_of}"
            f" (open debts of FY{cfg.pre_fy}–FY{cfg.first_fy - 1} migrated on {cfg.cutover})"
        )
        done = load_city(cfg, block_size=opts["block_size"], progress=self.stdout.write)
        issue_history(cfg.as_of, progress=self.stdout.write)
        self.stdout.write(f"prescription: {refresh(cfg.as_of):,} open instalments projected")
        for fy, n in sorted(done.lines_by_year.items()):
            label = "migrated" if fy < cfg.first_fy else "assessed"
            self.stdout.write(f"FY{fy} {label} {n:,} lines")
        year = last_complete_year(cfg.as_of)
        if year >= cfg.first_fy:
            t = collection_totals(year)
            self.stdout.write(
                f"FY{year} 収納率: 現年 {percent(t.current.rate)}% / 滞繰 {percent(t.arrears.rate)}% / 合計 {percent(t.total.rate)}%"
                f"（調定 {yen(t.total.assessed)}円, 収入未済 {yen(t.total.unpaid)}円）"
            )
        self.stdout.write(
            f"done: {done.debtors:,} debtors, {done.identifiers:,} identifiers, {done.contacts:,} contacts,"
            f" {done.instalments:,} instalment lines, {done.payments:,} payments, {done.write_offs:,} write-offs,"
            f" {done.mandates:,} direct-debit mandates"
            f" in {time.perf_counter() - started:.1f}s"
        )
        self._user()

    def _user(self):
        if ensure_demo_user():
            self.stdout.write("デモ用の管理者ユーザーを作成しました。")
        self.stdout.write(f"ログイン: {DEMO_USER[0]} / {DEMO_USER[1]}（管理者）")
        self.stdout.write("所管課の職員: " + "、".join(f"{u} / {u}（{d or '所属なし'}・{r}）" for u, _, _, d, r in DEMO_STAFF))
