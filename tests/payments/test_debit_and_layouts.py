"""Direct debit round trip, eL-QR and a configured CSV layout, end to end.

Cast: taro and hanako each owe a 保育料 instalment of 20,000円 due 2026-05-27
(a Wednesday) and have a direct-debit mandate; taro's account has no money.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from saiken.core.formats.zengin import make_debit_result
from saiken.demands.actions import issue_demands
from saiken.demands.models import DemandLine
from saiken.ledger.actions import assess
from saiken.ledger.verify import balance_differences, summary_differences
from saiken.payments.actions import export_debits
from saiken.payments.imports import ImportRefused, import_payments
from saiken.payments.models import DebitRun, DirectDebitMandate, ImportMapping, ReceivedPayment
from tests.conftest import operator

pytestmark = pytest.mark.django_db
DUE = date(2026, 5, 27)


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    return tmp_path


@pytest.fixture
def debits(taro, hanako, nursery_fee):
    out = {}
    for person, kana in ((taro, "ﾔﾏﾀﾞ ﾀﾛｳ"), (hanako, "ｻﾄｳ ﾊﾅｺ")):
        DirectDebitMandate.objects.create(debtor=person, receivable=nursery_fee, bank_code="0001", branch_code="001",
                                          account_number="7654321", holder_kana=kana, valid_from=date(2026, 4, 1))
        out[person.name] = assess(debtor=person, receivable=nursery_fee, fiscal_year=2026, instalment_no=2, nominal_due=DUE,
                                  amount=20_000, assessed_on=date(2026, 4, 10))
    return out


def test_request_result_round_trip_posts_the_paid_and_records_the_failed(debits, tmp_path):
    taro_i, hanako_i = debits["山田 太郎"], debits["佐藤 花子"]
    run = export_debits(debit_date=DUE, out=tmp_path / "request.dat", user=operator())
    assert (run.items, run.amount) == (2, 40_000)
    request = (tmp_path / "request.dat").read_bytes()
    assert all(len(r) == 120 for r in request.split(b"\r\n") if r)
    result = make_debit_result(request, {f"{taro_i.pk:020d}": "1"})  # 資金不足
    batch = import_payments(result, format="zengin-debit-result", filename="result.dat", user=operator())
    assert (batch.records, batch.posted, batch.posted_amount, batch.failed, batch.failed_amount) == (2, 1, 20_000, 1, 20_000)
    taro_i.refresh_from_db()
    hanako_i.refresh_from_db()
    assert (taro_i.principal_due, hanako_i.principal_due) == (20_000, 0)
    failed = ReceivedPayment.objects.get(status="failed")
    assert (failed.instalment_id, failed.result_code, failed.reason) == (taro_i.pk, "1", "資金不足")
    # The failed debit flows into the next demand run; the paid one does not.
    issue_demands(user=operator(), as_of=date(2026, 6, 10))
    assert list(DemandLine.objects.values_list("instalment_id", flat=True)) == [taro_i.pk]
    assert list(balance_differences()) == [] and list(summary_differences()) == []


def test_the_debit_date_is_read_from_the_request_sent(debits, tmp_path):
    export_debits(debit_date=DUE, out=tmp_path / "request.dat", user=operator())
    result = make_debit_result((tmp_path / "request.dat").read_bytes(), {})
    batch = import_payments(result, format="zengin-debit-result", filename="result.dat", user=operator())
    assert set(batch.items.values_list("paid_on", flat=True)) == {DUE}


def test_a_request_file_is_never_posted_as_a_result(debits, tmp_path):
    export_debits(debit_date=DUE, out=tmp_path / "request.dat", user=operator())
    with pytest.raises(ImportRefused):
        import_payments((tmp_path / "request.dat").read_bytes(), format="zengin-debit-result", filename="request.dat", user=operator())
    assert ReceivedPayment.objects.count() == 0


def test_export_debits_command_and_nothing_due(debits, tmp_path):
    out = StringIO()
    call_command("export_debits", "--date", DUE.isoformat(), "--out", str(tmp_path / "x.dat"), "--user", operator().username, stdout=out)
    assert "2件 40,000円" in out.getvalue()
    assert DebitRun.objects.count() == 1
    assert DirectDebitMandate.objects.filter(first_debit_done=True).count() == 2
    with pytest.raises(Exception, match="対象はありません"):
        call_command("export_debits", "--date", "2026-05-28", "--out", str(tmp_path / "y.dat"), "--user", operator().username)


def test_elqr_default_layout_matches_by_payment_number(taro, city_tax):
    i = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 30), amount=12_300,
               assessed_on=date(2026, 6, 1), notice_number="2026010000123456")
    data = (
        "収納機関番号,納付番号,確認番号,納付区分,金額,納付日,納付方法,払込日\r\n"
        "15100,2026010000123456,048213,101,12300,20261127,スマートフォン決済アプリ,20261204\r\n"
        "15100,2026019999999999,111111,101,5000,20261127,金融機関窓口,20261204\r\n"
    ).encode("cp932")
    batch = import_payments(data, format="elqr", filename="elqr.csv", user=operator())
    i.refresh_from_db()
    assert (batch.posted, batch.unmatched, i.principal_due) == (1, 1, 0)
    assert ReceivedPayment.objects.get(status="posted").payment.channel == "elqr"


def test_csv_with_a_saved_mapping_and_the_command_json(taro, city_tax, tmp_path):
    i = assess(debtor=taro, receivable=city_tax, fiscal_year=2026, instalment_no=1, nominal_due=date(2026, 6, 30), amount=12_300, assessed_on=date(2026, 6, 1))
    ImportMapping.objects.create(name="counter-system", label="窓口収納システム", layout={
        "name": "counter-system", "encoding": "utf-8", "has_header": True,
        "columns": {"instalment_id": "調定番号", "amount": "納付額", "paid_on": "納付日", "receipt": "領収番号"},
        "date_format": "wareki", "channel": "counter", "key_fields": ["receipt"], "match_fields": ["instalment_id"],
        "amount_field": "amount", "paid_on_field": "paid_on",
    })
    path = tmp_path / "counter.csv"
    path.write_text(f"調定番号,納付額,納付日,領収番号\n{i.pk},\"12,300\",令和8年11月27日,R-0001\n", encoding="utf-8")
    out = StringIO()
    call_command("import_payments", str(path), "--format", "csv", "--mapping", "counter-system", "--json", "--user", operator().username, stdout=out)
    result = json.loads(out.getvalue())
    assert (result["records"], result["posted"], result["amount"]) == (1, 1, 12_300)
    i.refresh_from_db()
    assert i.principal_due == 0
    assert ReceivedPayment.objects.get().paid_on == date(2026, 11, 27)
