"""A debit result is posted only when it answers a request we wrote (issue 13, item 2).

Cast: taro and hanako each owe a 保育料 instalment of 20,000円 due 2026-05-27 and have a
direct-debit mandate; the city's request for that day is written first. Every file that
does not answer it — another consignor's, a record we never asked for, an amount off by
a yen, a date we never debited — is refused whole, naming the record and the field, and
writes nothing but the refusal in the import history.
"""

from datetime import date

import pytest
from django.test import override_settings

from saiken.core.formats import FormatError, ParsedFile, PaymentRecord
from saiken.core.formats.banks import bank_name, branch_name
from saiken.core.formats.zengin import (
    DEBIT_DATA,
    DEBIT_TRAILER,
    DebitItem,
    RequestedDebit,
    check_debit_result,
    make_debit_result,
    write_debit_request,
)
from saiken.ledger.actions import assess
from saiken.ledger.models import Entry, Instalment, Payment
from saiken.payments.actions import export_debits
from saiken.payments.imports import ImportRefused, import_payments
from saiken.payments.models import DebitRun, DirectDebitMandate, PaymentImport, ReceivedPayment
from tests.conftest import operator

DUE = date(2026, 5, 27)
CITY = "1234567890"  # settings.SAIKEN_BANK_CONSIGNOR_CODE in tests


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    settings.SAIKEN_BANK_CONSIGNOR_CODE = CITY
    return tmp_path


@pytest.fixture
def debits(db, taro, hanako, nursery_fee):
    out = {}
    for person, kana in ((taro, "ﾔﾏﾀﾞ ﾀﾛｳ"), (hanako, "ｻﾄｳ ﾊﾅｺ")):
        DirectDebitMandate.objects.create(debtor=person, receivable=nursery_fee, bank_code="0001", branch_code="001",
                                          account_number="7654321", holder_kana=kana, valid_from=date(2026, 4, 1))
        out[person.name] = assess(debtor=person, receivable=nursery_fee, fiscal_year=2026, instalment_no=2, nominal_due=DUE,
                                  amount=20_000, assessed_on=date(2026, 4, 10))
    return out


@pytest.fixture
def request_file(debits, tmp_path):
    export_debits(debit_date=DUE, out=tmp_path / "request.dat", user=operator())
    return (tmp_path / "request.dat").read_bytes()


def _records(data: bytes) -> list[str]:
    return [r.decode("cp932") for r in data.split(b"\r\n") if r]


def _encode(records: list[str]) -> bytes:
    return b"".join(r.encode("cp932") + b"\r\n" for r in records)


def _set(text: str, layout, name: str, value: str) -> str:
    f = next(f for f in layout if f.name == name)
    assert len(value) == f.length, (name, value)
    return text[: f.start - 1] + value + text[f.end:]


def _edit(request: bytes, line: int, **fields: str) -> bytes:
    """The request with data record `line` changed, its trailer's 合計金額 kept consistent."""
    records = _records(request)
    for name, value in fields.items():
        records[line - 1] = _set(records[line - 1], DEBIT_DATA, name, value)
    total = sum(int(r[DEBIT_DATA[9].start - 1:DEBIT_DATA[9].end]) for r in records if r[0] == "2")
    records = [_set(r, DEBIT_TRAILER, "合計金額", f"{total:012d}") if r[0] == "8" else r for r in records]
    return _encode(records)


def _refused(result: bytes, **kw) -> ImportRefused:
    entries = Entry.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_payments(result, format="zengin-debit-result", filename="result.dat", user=operator(), **kw)
    # The refused file writes nothing but the refusal kept in the history.
    assert (ReceivedPayment.objects.count(), Payment.objects.count(), Entry.objects.count()) == (0, 0, entries)
    assert PaymentImport.objects.get().status == "rejected"
    return refused.value


def _where(refused: ImportRefused) -> set[tuple[int, str]]:
    return {(e.line, e.field) for e in refused.errors}


# --- the reproductions of the issue ----------------------------------------------


@pytest.mark.django_db
def test_another_consignors_result_for_customers_we_never_asked_is_refused(request_file, taro, nursery_fee):
    """Three instalments with no mandate, due next year, 45,600円, in another consignor's file."""
    theirs = [
        assess(debtor=taro, receivable=nursery_fee, fiscal_year=2027, instalment_no=n, nominal_due=date(2027, 5, 27),
               amount=amount, assessed_on=date(2026, 4, 10))
        for n, amount in ((1, 15_200), (2, 15_200), (3, 15_200))
    ]
    foreign = write_debit_request(
        consignor_code="9999999999", consignor_name="ﾎｶﾉｲﾀｸｼﾔ", debit_date=DUE, bank_code="0001", bank_name=bank_name("0001"),
        branch_code="001", branch_name=branch_name("0001", "001"), account_type="1", account_number="1111111",
        items=[DebitItem(bank_code="0001", bank_name=bank_name("0001"), branch_code="001", branch_name=branch_name("0001", "001"),
                         account_type="1", account_number="2222222", holder="ﾀﾞﾚｶ", amount=i.principal_due,
                         customer_number=f"{i.pk:020d}") for i in theirs],
    )
    refused = _refused(make_debit_result(foreign, {}))
    assert {(1, "委託者コード"), (2, "顧客番号"), (3, "顧客番号"), (4, "顧客番号")} <= _where(refused)
    assert "9999999999" in next(e.reason for e in refused.errors if e.field == "委託者コード")
    assert sum(i.principal_due for i in Instalment.objects.filter(pk__in=[i.pk for i in theirs])) == 45_600  # still owed


@pytest.mark.django_db
def test_a_paid_record_raised_by_1000_yen_with_a_consistent_trailer_is_refused(request_file, debits):
    hanako_i = debits["佐藤 花子"]
    raised = make_debit_result(_edit(request_file, 3, 引落金額=f"{21_000:010d}"), {})
    refused = _refused(raised)
    assert (3, "引落金額") in _where(refused)
    reason = next(e.reason for e in refused.errors if e.field == "引落金額")
    assert "21,000円" in reason and "20,000円" in reason
    hanako_i.refresh_from_db()
    assert (hanako_i.principal_due, hanako_i.overpaid) == (20_000, 0)


# --- the boundaries ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [19_999, 20_001])
def test_an_amount_one_yen_off_is_refused(request_file, amount):
    refused = _refused(make_debit_result(_edit(request_file, 2, 引落金額=f"{amount:010d}"), {}))
    assert (2, "引落金額") in _where(refused)


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [("引落支店番号", "004"), ("口座番号", "7654320"), ("預金種目", "2")])
def test_a_record_for_another_account_is_refused(request_file, field, value):
    refused = _refused(make_debit_result(_edit(request_file, 2, **{field: value}), {}))
    assert _where(refused) == {(2, field)}


@pytest.mark.django_db
def test_a_record_not_in_the_request_is_refused(request_file, debits):
    stranger = f"{debits['佐藤 花子'].pk + 1000:020d}"
    refused = _refused(make_debit_result(_edit(request_file, 3, 顧客番号=stranger), {}))
    # The stranger's record, and the line of ours the bank did not answer.
    assert (3, "顧客番号") in _where(refused)
    assert any(e.field == "顧客番号" and f"{debits['佐藤 花子'].pk:020d}" in e.reason for e in refused.errors)


@pytest.mark.django_db
def test_a_result_missing_a_line_of_the_request_is_refused(request_file):
    records = _records(request_file)
    second = records[2]
    records = [r for r in records if r != second]
    amount = int(records[1][DEBIT_DATA[9].start - 1:DEBIT_DATA[9].end])
    records = [_set(_set(r, DEBIT_TRAILER, "合計件数", "000001"), DEBIT_TRAILER, "合計金額", f"{amount:012d}") if r[0] == "8" else r for r in records]
    refused = _refused(make_debit_result(_encode(records), {}))
    assert {(3, "合計件数"), (3, "合計金額")} <= _where(refused)


@pytest.mark.django_db
def test_another_consignor_code_alone_is_refused(request_file):
    records = _records(make_debit_result(request_file, {}))
    records[0] = records[0][:4] + "1234567891" + records[0][14:]
    refused = _refused(_encode(records))
    assert _where(refused) == {(1, "委託者コード")}


@pytest.mark.django_db
def test_a_result_for_a_day_we_never_debited_is_refused(request_file):
    """Our own file, its date moved a day: no request of ours was for that day."""
    records = _records(make_debit_result(request_file, {}))
    records[0] = records[0][:54] + "0528" + records[0][58:]
    refused = _refused(_encode(records), debit_date=date(2026, 5, 28))
    assert (1, "引落日") in _where(refused)


@pytest.mark.django_db
def test_a_result_with_no_request_at_all_is_refused(debits):
    """The request was never exported (only written here, as a bank's test file would be)."""
    data = write_debit_request(
        consignor_code=CITY, consignor_name="ｼﾔｸｼﾖ", debit_date=DUE, bank_code="0001", bank_name=bank_name("0001"),
        branch_code="001", branch_name=branch_name("0001", "001"), account_type="1", account_number="1111111",
        items=[DebitItem(bank_code="0001", bank_name=bank_name("0001"), branch_code="001", branch_name=branch_name("0001", "001"),
                         account_type="1", account_number="7654321", holder="ｻﾄｳ ﾊﾅｺ", amount=20_000,
                         customer_number=f"{debits['佐藤 花子'].pk:020d}")],
    )
    assert not DebitRun.objects.exists()
    refused = _refused(make_debit_result(data, {}), debit_date=DUE)
    assert (1, "引落日") in _where(refused)


# --- what still posts ----------------------------------------------------------


@pytest.mark.django_db
def test_the_exact_answer_to_our_request_posts(request_file, debits):
    batch = import_payments(make_debit_result(request_file, {f"{debits['山田 太郎'].pk:020d}": "1"}),
                            format="zengin-debit-result", filename="result.dat", user=operator())
    assert (batch.status, batch.posted, batch.posted_amount, batch.failed) == ("posted", 1, 20_000, 1)


@pytest.mark.django_db
def test_a_result_answers_the_request_it_shares_its_lines_with(debits, tmp_path, taro, nursery_fee):
    """Two requests written for the same day (a second run after a late mandate): each
    result is checked against its own."""
    export_debits(debit_date=DUE, out=tmp_path / "first.dat", user=operator())
    late = assess(debtor=taro, receivable=nursery_fee, fiscal_year=2026, instalment_no=3, nominal_due=DUE, amount=5_000,
                  assessed_on=date(2026, 5, 1))
    Instalment.objects.filter(pk__in=[i.pk for i in debits.values()]).update(due_date=date(2026, 5, 26))
    export_debits(debit_date=DUE, out=tmp_path / "second.dat", user=operator())
    Instalment.objects.filter(pk__in=[i.pk for i in debits.values()]).update(due_date=DUE)
    batch = import_payments(make_debit_result((tmp_path / "second.dat").read_bytes(), {}),
                            format="zengin-debit-result", filename="second-result.dat", user=operator())
    assert (batch.posted, batch.posted_amount) == (1, 5_000)
    late.refresh_from_db()
    assert late.principal_due == 0
    batch = import_payments(make_debit_result((tmp_path / "first.dat").read_bytes(), {}),
                            format="zengin-debit-result", filename="first-result.dat", user=operator())
    assert (batch.posted, batch.posted_amount) == (2, 40_000)


@pytest.mark.django_db
def test_a_request_written_before_its_lines_were_kept_is_read_from_its_file(debits):
    run = export_debits(debit_date=DUE, user=operator())  # kept in the document directory
    DebitRun.objects.filter(pk=run.pk).update(lines=None)
    from saiken.documents.store import resolve

    request = resolve(run.filename, folder="bank", prefix="debits-").read_bytes()
    batch = import_payments(make_debit_result(request, {}), format="zengin-debit-result", filename="r.dat", user=operator())
    assert batch.posted == 2


@pytest.mark.django_db
def test_a_request_with_neither_lines_nor_file_cannot_be_checked(request_file):
    DebitRun.objects.update(lines=None)  # written with --out: its file is the operator's, not ours to read
    refused = _refused(make_debit_result(request_file, {}))
    assert _where(refused) == {(1, "引落日")}
    assert "残っていない" in refused.errors[0].reason


# --- the pure check ------------------------------------------------------------


def _parsed(*records: tuple[str, int], consignor: str = CITY) -> ParsedFile:
    return ParsedFile(
        records=tuple(
            PaymentRecord(line=n, key=c, amount=a, paid_on=DUE, channel="direct_debit",
                          match={"customer_number": c, "bank_code": "0001", "branch_code": "001", "account_number": "0000001"},
                          extra={"account_type": "1"})
            for n, (c, a) in enumerate(records, start=2)
        ),
        meta={"委託者コード": consignor, "引落日": DUE.isoformat()},
    )


def _line(c: str, a: int) -> RequestedDebit:
    return RequestedDebit(c, a, "0001", "001", "1", "0000001")


def test_check_accepts_the_exact_answer_and_names_each_fault():
    a, b = "1".zfill(20), "2".zfill(20)
    request = (_line(a, 100), _line(b, 200))
    assert check_debit_result(_parsed((a, 100), (b, 200)), consignor_code=CITY, requests=[request]) == []
    errors = check_debit_result(_parsed((a, 101), (b, 200), consignor="0"), consignor_code=CITY, requests=[request])
    assert {(e.line, e.field) for e in errors} == {(1, "委託者コード"), (2, "引落金額"), (4, "合計金額")}
    assert [(e.line, e.field) for e in check_debit_result(_parsed((a, 100)), consignor_code=CITY, requests=[])] == [(1, "引落日")]


def test_check_picks_the_request_the_file_answers():
    a, b, c = "1".zfill(20), "2".zfill(20), "3".zfill(20)
    requests = [(_line(a, 100), _line(b, 200)), (_line(c, 300),)]
    assert check_debit_result(_parsed((c, 300)), consignor_code=CITY, requests=requests) == []
    assert check_debit_result(_parsed((a, 100), (b, 200)), consignor_code=CITY, requests=requests) == []


def test_format_error_carries_the_check():
    errors = check_debit_result(_parsed(("9".zfill(20), 1)), consignor_code=CITY, requests=[(_line("1".zfill(20), 1),)])
    assert str(FormatError(errors)).startswith("2行目 顧客番号")
