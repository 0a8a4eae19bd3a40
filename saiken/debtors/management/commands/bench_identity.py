"""`saiken bench-identity`: 名寄せ at city scale on a generated truth set, in a fresh database.

Like `saiken bench` (saiken/demo/bench.py), the parent process never touches the
benchmark database: it creates it (an SQLite file in a temporary directory, or the
PostgreSQL database named by $SAIKEN_BENCH_POSTGRES_URL, dropped and created again),
then runs `migrate` and the measuring worker as child processes with
SAIKEN_DATABASE_URL pointing at it. The worker generates the truth set through the
bulk path, runs `match_debtors` (timed) and prints one JSON object. The small
helpers of bench.py are repeated here rather than imported: domain apps may not
import saiken.demo (import-linter contract).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import BaseCommand, CommandError

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/saiken_bench"
POSTGRES_URL_VARIABLE = "SAIKEN_BENCH_POSTGRES_URL"
LIMIT_SECONDS = 300.0
MIN_PRECISION = 0.99
MIN_RECALL = 0.95


def _recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise CommandError(f"ベンチマーク用データベース名 {name!r} は英数字と _ で指定してください。")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def _child(args: list[str], env: dict, capture: bool = False) -> str:
    # Progress goes to our stderr so that stdout carries only the JSON result.
    done = subprocess.run([sys.executable, "-m", "saiken.cli", *args], env=env, stdout=subprocess.PIPE if capture else sys.stderr,
                          stderr=sys.stderr, text=True)
    if done.returncode:
        raise CommandError(f"{args[0]} が終了コード {done.returncode} で失敗しました。")
    return done.stdout or ""


class Command(BaseCommand):
    help = (
        "名寄せのベンチマーク: 新しいデータベースに正解付きの債務者レコードを生成し、名寄せ（match-debtors）の"
        "所要時間と、正解に対する適合率・再現率（組単位、確認待ちは結び付けなしとして数える）をJSONで出力します。"
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=600_000, help="生成する債務者レコード数（既定 600000）")
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite",
                            help=f"sqlite: 一時ファイル / postgres: ${POSTGRES_URL_VARIABLE}（既定 {DEFAULT_POSTGRES_URL}）を削除・再作成")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="SQLite の一時ディレクトリを残す")
        parser.add_argument("--worker", action="store_true", help="（内部用）ベンチマーク用データベースで計測する子プロセス")

    def handle(self, *args, **opts):
        if opts["records"] < 2:
            raise CommandError("--records は2以上で指定してください。")
        if opts["worker"]:
            from saiken.debtors.identity_truth import measure

            import resource

            result = measure(opts["records"], seed=opts["seed"], progress=self.stderr.write)
            result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        tmp = tempfile.mkdtemp(prefix="saiken-bench-identity-")
        # Production settings need a secret key: a throwaway one unless the environment gives one.
        env = {**os.environ, "SAIKEN_DEBUG": "0", "SAIKEN_DATA_DIR": tmp,
               "SAIKEN_SECRET_KEY": os.environ.get("SAIKEN_SECRET_KEY") or secrets.token_urlsafe(50)}
        try:
            if opts["db"] == "sqlite":
                url = f"sqlite:///{tmp}/bench.sqlite3"
            else:
                url = os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL)
                _recreate_postgres(url)
            env["SAIKEN_DATABASE_URL"] = url
            self.stderr.write(f"bench identity: {opts['records']:,}件 on {opts['db']} ({_without_password(url)})")
            _child(["migrate", "--noinput", "-v0", "--skip-checks"], env)
            out = _child(["bench_identity", "--worker", "--records", str(opts["records"]), "--seed", str(opts["seed"])], env, capture=True)
            measured = json.loads(out.strip().splitlines()[-1])
        finally:
            if opts["keep"]:
                self.stderr.write(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        result = {"db": opts["db"], "seed": opts["seed"], **measured}
        result["requirements"] = {
            f"match_{opts['records']}_under_{LIMIT_SECONDS:g}s": measured["seconds"] <= LIMIT_SECONDS,
            f"precision_at_least_{MIN_PRECISION}": measured["precision"] >= MIN_PRECISION,
            f"recall_at_least_{MIN_RECALL}": measured["recall"] >= MIN_RECALL,
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
