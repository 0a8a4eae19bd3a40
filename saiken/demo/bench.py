"""The ledger benchmark (`saiken bench ledger`): a demo city in a fresh database, then
a day's worth of payments posted in one batch, the collection-rate report, and the
full check that the caches equal the entries.

The parent process never touches the benchmark database: it creates it, then runs
`migrate`, `demo-city` and the measuring worker (`bench ledger --worker`) as child
processes with SAIKEN_DATABASE_URL pointing at it, so Django in each child is set
up for that database from the start. The worker prints one JSON object; the
parent adds the generation time and prints the result.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from random import Random
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/saiken_bench"
POSTGRES_URL_VARIABLE = "SAIKEN_BENCH_POSTGRES_URL"
DEFAULT_AS_OF = date(2026, 11, 27)  # fixed, so runs on different days compare
POST_LIMIT_SECONDS = 20.0
REPORT_LIMIT_SECONDS = 2.0
DEMAND_LIMIT_SECONDS = 30.0
PDF_MIN_PAGES_PER_SECOND = 100
PDF_BENCH_PAGES = 5_000


def _rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # KiB on Linux


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


class BenchFailed(Exception):
    pass


def _child(args: list[str], env: dict, capture: bool = False) -> str:
    cmd = [sys.executable, "-m", "saiken.cli", *args]
    # Progress goes to our stderr so that stdout carries only the JSON result.
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE if capture else sys.stderr, stderr=sys.stderr, text=True)
    if done.returncode:
        raise BenchFailed(f"{' '.join(args[:2])} failed with exit code {done.returncode}")
    return done.stdout or ""


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark database, connecting to the server's `postgres` database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise BenchFailed(f"benchmark database name {name!r} must be letters, digits and underscores")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        for attempt in range(10):
            try:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.errors.InsufficientPrivilege:
                # An autovacuum worker (the server's own role) is in the old database: it
                # cannot be forced out by an ordinary role, but it finishes soon.
                if attempt == 9:
                    raise
                time.sleep(3)
        conn.execute(f'CREATE DATABASE "{name}"')


def run(*, scale: str, db: str, seed: int, payments: int, as_of: date, keep: bool = False, log=print, target: str = "ledger") -> dict:
    """Build the benchmark database, generate the city, measure `target`. Returns the result."""
    tmp = tempfile.mkdtemp(prefix="saiken-bench-")
    # Production settings (no query log), which refuse to start without a secret key:
    # the benchmark's own throwaway one, unless the environment gives one.
    env = {**os.environ, "SAIKEN_DEBUG": "0", "SAIKEN_DATA_DIR": tmp,
           "SAIKEN_SECRET_KEY": os.environ.get("SAIKEN_SECRET_KEY") or secrets.token_urlsafe(50)}
    try:
        if db == "sqlite":
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            url = os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL)
            recreate_postgres(url)
        env["SAIKEN_DATABASE_URL"] = url
        log(f"bench {target}: scale {scale} on {db} ({_without_password(url)})")
        started = time.perf_counter()
        # The ledger does not need the web layer's checks (and must not fail on them).
        _child(["migrate", "--noinput", "-v0", "--skip-checks"], env)
        migrated = time.perf_counter()
        _child(["demo-city", "--scale", scale, "--seed", str(seed), "--as-of", as_of.isoformat(), "--skip-checks"], env)
        generated = time.perf_counter()
        generation_rss = _rss_mb(resource.RUSAGE_CHILDREN)
        out = _child(
            ["bench", target, "--worker", "--payments", str(payments), "--seed", str(seed), "--as-of", as_of.isoformat()],
            env,
            capture=True,
        )
        measured = json.loads(out.strip().splitlines()[-1])
    finally:
        if keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "scale": scale,
        "db": db,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "migrate_seconds": round(migrated - started, 2),
        "generation_seconds": round(generated - migrated, 2),
        **measured,
        "peak_rss_mb": {"generation": generation_rss, "measurement": measured.pop("rss_mb"), "parent": _rss_mb(resource.RUSAGE_SELF)},
    }
    if target == "import":
        result["requirements"] = {
            f"import_{payments}_under_{IMPORT_LIMIT_SECONDS:g}s": result["import_seconds"] <= IMPORT_LIMIT_SECONDS,
            "all_posted": result["posted"] == result["records"],
            "same_file_refused": bool(result["same_file_again"]["refused"]),
            "check_ledger_clean": result["check_ledger_differences"] == 0,
        }
        return result
    if target == "dashboard":
        result["requirements"] = measured["requirements"]  # dashboard_under_1s and the first request's, from the worker
        return result
    if target == "demands":
        result["requirements"] = {
            f"demand_run_under_{DEMAND_LIMIT_SECONDS:g}s": result["demand_run_seconds"] <= DEMAND_LIMIT_SECONDS,
            f"one_due_date_under_{DEMAND_LIMIT_SECONDS:g}s": result["one_due_date"]["seconds"] <= DEMAND_LIMIT_SECONDS,
            f"pdf_at_least_{PDF_MIN_PAGES_PER_SECOND}_pages_per_second": result["pdf"]["pages_per_second"] >= PDF_MIN_PAGES_PER_SECOND,
            "check_ledger_clean": result["check_ledger_differences"] == 0,
        }
        return result
    result["requirements"] = {
        f"post_{payments}_under_{POST_LIMIT_SECONDS:g}s": result["post_seconds"] <= POST_LIMIT_SECONDS,
        f"report_under_{REPORT_LIMIT_SECONDS:g}s": result["report_seconds"] <= REPORT_LIMIT_SECONDS,
        "check_ledger_clean": result["check_ledger_differences"] == 0,
    }
    return result


# ---------------------------------------------------------------------------
# The worker: runs inside the benchmark database's own process.
# ---------------------------------------------------------------------------


def fresh_payments(count: int, seed: int, paid_on: date) -> list:
    """`count` payments against open instalments, as a day's import would bring: each
    open instalment gets one or more part payments adding up to its balance."""
    from saiken.ledger.bulk import PaymentRequest
    from saiken.ledger.models import Instalment

    rng = Random(seed)
    open_rows = list(Instalment.objects.filter(principal_due__gt=0).order_by("id").values_list("id", "principal_due"))
    if not open_rows:
        raise BenchFailed("no open instalments to pay")
    per = -(-count // len(open_rows))  # payments per instalment, rounded up
    parts: dict[int, int] = {}
    total = 0
    for iid, balance in open_rows:
        parts[iid] = min(per, balance)
        total += parts[iid]
        if total >= count:
            break
    short = count - total
    for iid, balance in open_rows:  # balances of a few yen take fewer parts: more on the others
        if short <= 0:
            break
        more = min(short, balance - parts[iid])
        parts[iid] += more
        short -= more
    planned: list[tuple[int, int]] = []
    for iid, balance in open_rows:
        if iid in parts:
            base = balance // parts[iid]
            planned += [(iid, base)] * (parts[iid] - 1) + [(iid, balance - base * (parts[iid] - 1))]
    while len(planned) < count:  # tiny cities: pay again, held as 過誤納金
        planned.append((rng.choice(open_rows)[0], 1000))
    planned = planned[:count]
    # The parts of one instalment add up to at most its balance, so any order posts
    # without overpaying; shuffled, they are far apart in the batch as in a real file.
    rng.shuffle(planned)
    channels = ("bank", "convenience", "direct_debit", "elqr", "payeasy", "smartphone", "counter")
    requests = [
        PaymentRequest(iid, amount, paid_on, paid_on + timedelta(days=rng.randint(0, 2)), rng.choice(channels), f"bench-{seed}-{n}")
        for n, (iid, amount) in enumerate(planned, start=1)
    ]
    return requests


def measure(*, payments: int, seed: int, as_of: date) -> dict:
    from django.db import connection

    from saiken.accounting.report import collection_report
    from saiken.debtors.models import Debtor
    from saiken.demo.city import last_complete_year
    from saiken.ledger.bulk import post_payments
    from saiken.ledger.models import Entry, Instalment, Payment
    from saiken.ledger.verify import balance_differences, summary_differences

    if connection.vendor == "postgresql":
        # A freshly loaded database has no statistics yet; in service autovacuum has
        # long analysed the tables before a peak day. (Not timed.)
        t = time.perf_counter()
        with connection.cursor() as cur:
            # VACUUM cannot run inside a transaction (the tests wrap one); ANALYZE can.
            cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        vacuum = time.perf_counter() - t
    else:
        vacuum = 0.0
    lines = Instalment.objects.count()
    entries_before = Entry.objects.count()
    payments_before = Payment.objects.count()
    t = time.perf_counter()
    requests = fresh_payments(payments, seed, as_of + timedelta(days=1))
    prepare = time.perf_counter() - t

    t = time.perf_counter()
    posted = post_payments(requests)
    post_seconds = time.perf_counter() - t
    del requests

    year = last_complete_year(as_of)
    t = time.perf_counter()
    report = collection_report(year)
    report_seconds = time.perf_counter() - t
    total = report.total.line.total

    t = time.perf_counter()
    summary_diffs = list(summary_differences())
    recompute_seconds = time.perf_counter() - t
    t = time.perf_counter()
    balance_diffs = list(balance_differences())
    balance_seconds = time.perf_counter() - t

    return {
        "debtors": Debtor.objects.count(),
        "instalment_lines": lines,
        "entries": Entry.objects.count(),
        "entries_before": entries_before,
        "payments_in_ledger_before": payments_before,
        "payments": posted.payments,
        "payments_amount": posted.amount,
        "vacuum_analyze_seconds": round(vacuum, 2),
        "prepare_seconds": round(prepare, 2),
        "post_seconds": round(post_seconds, 2),
        "payments_per_second": round(posted.payments / post_seconds),
        "report_year": year,
        "report_seconds": round(report_seconds, 3),
        "report_rate_pct": float(round(total.rate * 100, 2)) if total.rate is not None else None,
        "recompute_summary_from_entries_seconds": round(recompute_seconds, 2),
        "recompute_balances_from_entries_seconds": round(balance_seconds, 2),
        "check_ledger_differences": len(summary_diffs) + len(balance_diffs),
        "rss_mb": _rss_mb(resource.RUSAGE_SELF),
    }



def _peak_due_date(as_of: date, count: int) -> date:
    """A peak due date: `count` more people assessed a 市税 instalment due two weeks
    before `as_of` and not paying it (about a city's first 市税 instalment's
    delinquents at full scale), assessed through the ledger like any other."""
    from saiken.catalog.models import ReceivableType
    from saiken.core.calendar import statutory_due
    from saiken.core.fiscal import fiscal_year_of
    from saiken.debtors.models import Debtor
    from saiken.ledger.bulk import AssessmentRequest, assess_bulk

    tax = ReceivableType.objects.get(code="city_tax")
    nominal = as_of - timedelta(days=14)
    ids = list(Debtor.objects.order_by("id").values_list("id", flat=True)[:count])
    assess_bulk([
        AssessmentRequest(did, tax.id, fiscal_year_of(nominal), 9, nominal, 10_000 + (did % 50) * 1_000, nominal - timedelta(days=30), subject="ベンチマーク")
        for did in ids
    ])
    return statutory_due(nominal)


def measure_demands(*, as_of: date, peak: int = 30_000) -> dict:
    """The demand run over the city: first the peak due date alone (the usual batch
    is one due date), then every other overdue instalment not yet demanded (a
    city's first run, or a backlog); then the notices rendered."""
    from itertools import islice

    from django.db import connection
    from django.db.models import Count

    from saiken.demands.actions import candidates, issue_demands
    from saiken.demands.documents import notices
    from saiken.documents.demand_notice import render_demand_notices
    from saiken.ledger.models import Instalment
    from saiken.ledger.verify import all_differences

    issued_on = as_of + timedelta(days=1)
    _peak_due_date(as_of, peak)  # the busiest due date below is this one
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    busiest = (
        candidates(as_of=issued_on).values("due_date").annotate(n=Count("id")).order_by("-n", "due_date").first()
    )
    if busiest is None:
        raise BenchFailed("no overdue instalments to demand")
    from saiken.demo.load import operator

    user = operator()
    t = time.perf_counter()
    one = issue_demands(as_of=issued_on, user=user, due_on=busiest["due_date"], today=issued_on)
    one_seconds = time.perf_counter() - t
    t = time.perf_counter()
    rest = issue_demands(as_of=issued_on, user=user, today=issued_on)
    rest_seconds = time.perf_counter() - t
    t = time.perf_counter()
    again = issue_demands(as_of=issued_on, user=user, today=issued_on)
    again_seconds = time.perf_counter() - t

    biggest = max((one, rest), key=lambda r: r.demands)  # render real notices, as many as the bench asks
    pages = min(PDF_BENCH_PAGES, biggest.demands)
    with tempfile.TemporaryDirectory(prefix="saiken-bench-pdf-") as tmp:
        t = time.perf_counter()
        rendered = render_demand_notices(islice(notices(biggest), pages), f"{tmp}/demands.pdf")
        pdf_seconds = time.perf_counter() - t
        pdf_bytes = os.path.getsize(f"{tmp}/demands.pdf")

    differences = sum(1 for _ in all_differences())  # every check of `saiken check-ledger`
    return {
        "instalment_lines": Instalment.objects.count(),
        "issued_on": issued_on.isoformat(),
        "one_due_date": {
            "due_date": busiest["due_date"].isoformat(), "demands": one.demands, "instalments": one.lines,
            "seconds": round(one_seconds, 2),
        },
        "demand_run": {"demands": rest.demands, "instalments": rest.lines, "late": rest.late, "fees": rest.fees,
                       "left_out_extinguished": rest.extinguished, "prescribed_not_invoked": rest.prescribed},
        "demand_run_seconds": round(rest_seconds, 2),
        "demands_per_second": round(rest.demands / rest_seconds) if rest_seconds else None,
        "rerun_same_day": {"demands": again.demands, "seconds": round(again_seconds, 2)},
        "pdf": {
            "pages": rendered, "seconds": round(pdf_seconds, 2), "pages_per_second": round(rendered / pdf_seconds, 1),
            "bytes_per_page": pdf_bytes // max(rendered, 1),
        },
        "check_ledger_differences": differences,
        "rss_mb": _rss_mb(resource.RUSAGE_SELF),
    }


IMPORT_LIMIT_SECONDS = 20.0


def conveni_file(count: int, seed: int, paid_on: date) -> tuple[bytes, int]:
    """A store agency's final (確報) CSV of `count` payments against open instalments,
    each instalment paid in parts that add up to at most its balance, every slip with
    its own barcode (amount and check digit) and its own time and store."""
    from saiken.core.conveni import SLIP_INSTALMENT, barcode_content, slip_free_field

    plan = fresh_payments(count, seed, paid_on)
    rng = Random(seed)
    lines = ["種別,収納日,収納時刻,バーコード情報,ユーザー使用欄1,ユーザー使用欄2,印紙フラグ,金額,コンビニ本部コード,コンビニ名,店舗コード,振込日,データ作成日"]
    paid, remit, made = paid_on.strftime("%Y%m%d"), (paid_on + timedelta(days=3)).strftime("%Y%m%d"), (paid_on + timedelta(days=1)).strftime("%Y%m%d")
    total = 0
    for n, p in enumerate(plan):
        amount = min(p.amount, 999_999)
        code = barcode_content(issuer="912345", free=slip_free_field(SLIP_INSTALMENT, p.instalment_id), deadline=None, amount=amount)
        hhmm = f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}"
        lines.append(f"02,{paid},{hhmm},EAN{code},,,0,{amount},01,ｾﾌﾞﾝｲﾚﾌﾞﾝ,{n:07d},{remit},{made}")
        total += amount
    return ("\r\n".join(lines) + "\r\n").encode("cp932"), total


def measure_import(*, payments: int, seed: int, as_of: date) -> dict:
    """A day's store payments as one file: read, matched and posted by the import the
    screen and `saiken import-payments` use."""
    from django.db import connection

    from saiken.demo.load import operator
    from saiken.ledger.verify import all_differences
    from saiken.payments.imports import import_payments, parse

    user = operator()  # the import is made as the demo administrator (never anonymous)

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    t = time.perf_counter()
    data, amount = conveni_file(payments, seed, as_of + timedelta(days=1))
    generate = time.perf_counter() - t
    t = time.perf_counter()
    parsed = parse(data, format="conveni", filename="bench.csv")
    parse_only = time.perf_counter() - t
    del parsed
    t = time.perf_counter()
    made_on = as_of + timedelta(days=2)  # the file's データ作成日: the day it is taken
    batch = import_payments(data, format="conveni", filename="bench.csv", user=user, today=made_on)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    refused = ""
    try:
        import_payments(data, format="conveni", filename="bench-again.csv", user=user)
    except Exception as e:  # the same file again must be refused
        refused = type(e).__name__
    again = time.perf_counter() - t
    differences = sum(1 for _ in all_differences())  # every check of `saiken check-ledger`
    return {
        "file_bytes": len(data), "records": batch.records, "amount": batch.amount, "file_amount": amount,
        "posted": batch.posted, "unmatched": batch.unmatched, "overpaid": batch.overpaid,
        "generate_seconds": round(generate, 2), "parse_only_seconds": round(parse_only, 2),
        "import_seconds": round(seconds, 2), "records_per_second": round(batch.records / seconds),
        "same_file_again": {"refused": refused, "seconds": round(again, 2)},
        "check_ledger_differences": differences,
        "rss_mb": _rss_mb(resource.RUSAGE_SELF),
    }
