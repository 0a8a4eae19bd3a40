"""`saiken counter-close --date YYYY-MM-DD --user USERNAME [--json]`: one clerk's 日計表.

Exits 1 when any line does not balance (receipts against the ledger's payments and their entries)."""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from saiken.payments.counter import close_lines
from saiken.staff.cli import staff_user


class Command(BaseCommand):
    help = "窓口収納の日計表: 職員・納付方法ごとの領収書と、元帳の収納・仕訳との突合（不一致があれば終了コード1）"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, required=True, help="収納日")
        parser.add_argument("--user", required=True, help="日計表の職員のユーザー名")
        parser.add_argument("--json", action="store_true", help="JSONで出力")

    def handle(self, *args, date, user, json: bool = False, **options):
        clerk = staff_user(user)
        lines = close_lines(date, [clerk.pk])
        balanced = all(x.balanced for x in lines)
        if json:
            self.stdout.write(_json({"date": date.isoformat(), "user": clerk.username, "balanced": balanced,
                                     "lines": [x.as_dict() for x in lines]}))
        else:
            self.stdout.write(f"日計表 {date} {clerk.username}")
            if not lines:
                self.stdout.write("窓口収納はありません。")
            for x in lines:
                self.stdout.write(
                    f"{x.channel_label}（{x.kind_label}）: 領収書 {x.receipts:,}件 {x.receipts_total:,}円 / 収納 {x.payments:,}件 {x.payments_total:,}円"
                    f" / 仕訳 {x.entries_total:,}円 … {'一致' if x.balanced else '不一致'}"
                )
        if not balanced:
            sys.exit(1)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
