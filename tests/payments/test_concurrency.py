"""The same file imported twice at the same moment, by two processes, posts once (PostgreSQL).

Cast: 40 residents each owing a 保育料 instalment of 20,000円; the file pays them all.
"""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.db import connection

from saiken.core.conveni import SLIP_INSTALMENT
from saiken.debtors.models import Debtor
from saiken.ledger.actions import assess
from saiken.ledger.models import Payment
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.payments.models import PaymentImport, ReceivedPayment
from tests.payments.test_conveni_import import csv_file, row, slip
from tests.conftest import operator

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two processes on one server"),
]


def _url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_two_processes_take_the_same_file_once(nursery_fee, tmp_path):
    rows = []
    for n in range(40):
        d = Debtor.objects.create(name=f"同時 {n}", name_kana=f"ドウジ {n}")
        i = assess(debtor=d, receivable=nursery_fee, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 5, 31), amount=20_000, assessed_on=date(2026, 4, 1))
        rows.append(row("02", slip(SLIP_INSTALMENT, i.pk, 20_000), 20_000, store=f"{n:06d}"))
    path = tmp_path / "kakuho.csv"
    path.write_bytes(csv_file(*rows))
    env = {**os.environ, "SAIKEN_DATABASE_URL": _url()}
    cmd = [sys.executable, "-m", "saiken.cli", "import-payments", str(path), "--format", "conveni", "--json", "--user", operator().username]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = sorted(p.wait(timeout=120) for p in procs)
    assert outcomes == [0, 1]  # one took the file, the other was refused
    assert PaymentImport.objects.filter(status="posted").count() == 1
    assert ReceivedPayment.objects.count() == 40 and Payment.objects.count() == 40
    assert list(balance_differences()) == [] and list(summary_differences()) == []
