"""`saiken service-client add NAME --services a,b --user USERNAME`, `... revoke NAME`, `... list`:
the systems that may ask the service-check API (行政サービス利用制限の照会).

`add` prints the new client's token once — only its hash is kept; give it to the
client system's operators by a safe channel. `revoke` makes the token refused from
then on. Both are made by an administrator (`--user`) and audited.
"""

from django.core.management.base import BaseCommand, CommandError

from saiken.staff import service_check
from saiken.staff.cli import staff_user
from saiken.staff.models import Service, ServiceClient
from saiken.staff.policy import Refused


class Command(BaseCommand):
    help = "行政サービス利用制限の照会APIの照会元システムを登録・失効・一覧表示します（登録・失効はシステム管理者が --user で）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        add = sub.add_parser("add", help="照会元システムを登録し、トークンを一度だけ表示する")
        add.add_argument("name", help="照会元システムの名前（英数字・ハイフン）")
        add.add_argument("--services", required=True, help="照会できる行政サービスのコード（カンマ区切り）")
        add.add_argument("--department", default="", help="照会元の所管課のコード（行政サービスの所管課が複数のとき）")
        add.add_argument("--user", required=True, help="登録するシステム管理者のユーザー名（監査ログに記録）")
        revoke = sub.add_parser("revoke", help="照会元システムのトークンを失効させる")
        revoke.add_argument("name")
        revoke.add_argument("--user", required=True, help="失効させるシステム管理者のユーザー名（監査ログに記録）")
        sub.add_parser("list", help="照会元システムと行政サービスの一覧")

    def handle(self, *args, **opts):
        try:
            if opts["what"] == "add":
                client, token = service_check.add_client(
                    name=opts["name"], services=opts["services"].split(","), department=opts["department"], user=staff_user(opts["user"]))
                self.stdout.write(f"照会元システム {client.name} を登録しました（{client.department.name}）。")
                self.stdout.write("トークン（この一度だけ表示します。安全な方法で照会元システムに渡してください）:")
                self.stdout.write(token)
            elif opts["what"] == "revoke":
                client = service_check.revoke_client(name=opts["name"], user=staff_user(opts["user"]))
                self.stdout.write(f"照会元システム {client.name} のトークンを失効させました。")
            else:
                for s in Service.objects.select_related("department"):
                    state = "受付中" if s.active else "受付停止"
                    self.stdout.write(f"行政サービス {s.code}\t{s.name}\t{s.department.name}\t{state}")
                for c in ServiceClient.objects.select_related("department").prefetch_related("services"):
                    codes = ",".join(s.code for s in c.services.all())
                    state = "有効" if c.active else "失効"
                    self.stdout.write(f"照会元 {c.name}\t{c.department.name}\t{codes}\t{state}")
        except (ValueError, Refused) as e:
            raise CommandError(getattr(e, "message", None) or str(e)) from e
