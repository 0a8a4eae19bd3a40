"""The readers are strict where the bank's layout is (issue 13, item 2): a file that breaks
the layout is refused whole, naming the record and the field, and writes nothing.

Every file here is written by hand from the layouts, not by our writers: the 全銀協
口座振替 (種別 91) records byte by byte from their positions (header 1, data 2,
trailer 8, end 9; 120 bytes and CRLF), the store 速報・確報 CSV row by row and its
GS1-128 barcode with its own check digit.

Cast: taro and hanako each owe a 保育料 instalment of 20,000円 due 2026-05-27 with a
direct-debit mandate (みずほ 東京 普通 7654321), and the city has written its request for
that day; so the hand-written result below posts as it is (the first test), and each
defect alone is why a file is refused.
"""

from datetime import date

import pytest

from saiken.core.formats.kana import bank_kana, name_error
from saiken.core.formats.zengin import DebitItem, read_debit_result, write_credit_transfer, write_debit_request
from saiken.ledger.actions import assess
from saiken.ledger.models import Entry, Payment
from saiken.payments.actions import export_debits
from saiken.payments.imports import ImportRefused, import_payments
from saiken.payments.models import DirectDebitMandate, PaymentImport, ReceivedPayment
from tests.conftest import operator
from tests.payments.test_conveni_import import HEADER, owed  # noqa: F401 (owed is a fixture)

pytestmark = pytest.mark.django_db
DUE = date(2026, 5, 27)
CITY = "1234567890"


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    settings.SAIKEN_BANK_CONSIGNOR_CODE = CITY
    return tmp_path


@pytest.fixture
def asked(taro, hanako, nursery_fee, tmp_path):
    """The two instalments' ids (taro's, hanako's), their mandates and the city's request for DUE."""
    out = []
    for person, kana in ((taro, "ﾔﾏﾀﾞ ﾀﾛｳ"), (hanako, "ｻﾄｳ ﾊﾅｺ")):
        DirectDebitMandate.objects.create(debtor=person, receivable=nursery_fee, bank_code="0001", branch_code="001",
                                          account_number="7654321", holder_kana=kana, valid_from=date(2026, 4, 1))
        out.append(assess(debtor=person, receivable=nursery_fee, fiscal_year=2026, instalment_no=2, nominal_due=DUE,
                          amount=20_000, assessed_on=date(2026, 4, 10)))
    export_debits(debit_date=DUE, out=tmp_path / "request.dat", user=operator())
    return [i.pk for i in out]


# --- a 口座振替結果 written by hand from the layout -------------------------------------


def _header(*, name="ｻｲｹﾝｼ", bank="ﾐｽﾞﾎ", branch="ﾄｳｷﾖｳ") -> str:
    # 1 データ区分, 2–3 種別コード, 4 コード区分, 5–14 委託者コード, 15–54 委託者名, 55–58 引落日,
    # 59–62/63–77 取引銀行, 78–80/81–95 取引支店, 96 預金種目, 97–103 口座番号, 104–120 ダミー
    return "1" + "91" + "0" + CITY + name.ljust(40) + "0527" + "0001" + bank.ljust(15) + "001" + branch.ljust(15) + "1" + "1234567" + " " * 17


def _data(customer: int, *, holder, code="0", kind="1", bank="ﾐｽﾞﾎ", branch="ﾄｳｷﾖｳ", dummy1=" " * 4, dummy2=" " * 8) -> str:
    # 1 データ区分, 2–5/6–20 引落銀行, 21–23/24–38 引落支店, 39–42 ダミー, 43 預金種目, 44–50 口座番号,
    # 51–80 預金者名, 81–90 引落金額, 91 新規コード, 92–111 顧客番号, 112 振替結果コード, 113–120 ダミー
    return ("2" + "0001" + bank.ljust(15) + "001" + branch.ljust(15) + dummy1 + kind + "7654321" + holder.ljust(30)
            + "0000020000" + "1" + f"{customer:020d}" + code + dummy2)


def _trailer(codes, dummy=" " * 65) -> str:
    paid = sum(1 for c in codes if c == "0")
    failed = len(codes) - paid
    return "8" + f"{len(codes):06d}" + f"{20_000 * len(codes):012d}" + f"{paid:06d}" + f"{20_000 * paid:012d}" + f"{failed:06d}" + f"{20_000 * failed:012d}" + dummy


def _result(asked, *, header=None, taro=None, hanako=None, trailer_dummy=" " * 65, end=" " * 119) -> bytes:
    taro = taro or _data(asked[0], holder="ﾔﾏﾀﾞ ﾀﾛｳ")
    hanako = hanako or _data(asked[1], holder="ｻﾄｳ ﾊﾅｺ", code="1")
    records = [header or _header(), taro, hanako, _trailer([taro[111], hanako[111]], trailer_dummy), "9" + end]
    for r in records:
        assert len(r) == 120, (len(r), r)
    return b"".join(r.encode("cp932") + b"\r\n" for r in records)


def _refusal(data: bytes, *, format="zengin-debit-result", **kw) -> ImportRefused:
    """The refusal of the file; nothing but the refusal is written."""
    entries, payments = Entry.objects.count(), Payment.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_payments(data, format=format, filename="file.dat", user=operator(), **kw)
    assert (ReceivedPayment.objects.count(), Payment.objects.count(), Entry.objects.count()) == (0, payments, entries)
    assert PaymentImport.objects.get().status == PaymentImport.Status.REJECTED
    for e in refused.value.errors:
        assert e.reason
    return refused.value


def _refused(data: bytes, **kw) -> set[tuple[int, str]]:
    """The (line, field) pairs the refusal names."""
    return {(e.line, e.field) for e in _refusal(data, **kw).errors}


def test_the_hand_written_result_posts(asked):
    """The control: without a defect the same file posts (taro paid, hanako 資金不足)."""
    batch = import_payments(_result(asked), format="zengin-debit-result", filename="result.dat", user=operator())
    assert (batch.posted, batch.posted_amount, batch.failed) == (1, 20_000, 1)


@pytest.mark.parametrize("holder", ["ﾔﾏﾀﾞ ﾀﾛｯ", "ｷｮｳﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ｼｬﾛｳ", "ﾔﾏﾀﾞ ﾕｭｷ", "ｧｲｳ ｨｩｪｫ"])
def test_a_small_kana_in_the_depositor_name_is_refused(asked, holder):
    assert _refused(_result(asked, taro=_data(asked[0], holder=holder))) == {(2, "預金者名")}


@pytest.mark.parametrize("field, kw", [("引落銀行名", {"bank": "ﾐｽﾞｮ"}), ("引落支店名", {"branch": "ﾄｳｷｮｳ"})])
def test_a_small_kana_in_a_bank_or_branch_name_is_refused(asked, field, kw):
    assert _refused(_result(asked, hanako=_data(asked[1], holder="ｻﾄｳ ﾊﾅｺ", code="1", **kw))) == {(3, field)}


@pytest.mark.parametrize("field, kw", [("委託者名", {"name": "ｻｲｹﾝｼｬ"}), ("取引支店名", {"branch": "ﾄｳｷｮｳ"})])
def test_a_small_kana_in_the_header_names_is_refused(asked, field, kw):
    assert _refused(_result(asked, header=_header(**kw))) == {(1, field)}


@pytest.mark.parametrize("holder", ["ﾞﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾞﾀﾛｳ", "ﾔﾏﾞﾀ ﾀﾛｳ", "ﾔﾏﾀﾞﾞ ﾀﾛｳ", "ﾔﾏﾀﾟ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾀﾛｳﾟ"])
def test_a_detached_voicing_mark_in_a_name_is_refused(asked, holder):
    assert _refused(_result(asked, taro=_data(asked[0], holder=holder))) == {(2, "預金者名")}


@pytest.mark.parametrize("holder", ["ｶﾞｷﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "ｳﾞｲｵﾘﾝ", "ﾊﾞﾊﾟ (ﾕ)ﾃｽﾄ-1."])
def test_voiced_kana_and_the_layouts_symbols_are_read(asked, holder):
    """The boundary: marks that follow a kana they voice, and ( ) - . are the bank's own."""
    batch = import_payments(_result(asked, taro=_data(asked[0], holder=holder)), format="zengin-debit-result", filename="r.dat", user=operator())
    assert batch.posted == 1


@pytest.mark.parametrize("kind", ["0", "4", "5", "6", "7", "8"])
def test_an_account_type_the_debit_layout_has_not_is_refused(asked, kind):
    """口座振替 預金種目: 1 普通, 2 当座, 3 納税準備, 9 その他 — 4 貯蓄 is 総合振込's only."""
    refusal = _refusal(_result(asked, taro=_data(asked[0], holder="ﾔﾏﾀﾞ ﾀﾛｳ", kind=kind)))
    # Refused by the layout itself, not only as unlike the request (the request said 1).
    assert any((e.line, e.field) == (2, "預金種目") and "口座振替にありません" in e.reason for e in refusal.errors)


@pytest.mark.parametrize("kind", ["2", "3", "9"])
def test_every_account_type_of_the_debit_layout_is_read(kind):
    data = _result([1, 2], taro=_data(1, holder="ﾔﾏﾀﾞ ﾀﾛｳ", kind=kind))
    parsed = read_debit_result(data, debit_date=DUE)
    assert parsed.records[0].extra["account_type"] == kind


@pytest.mark.parametrize(
    "line, make",
    [
        (2, lambda a: {"taro": _data(a[0], holder="ﾔﾏﾀﾞ ﾀﾛｳ", dummy1="0000")}),  # data 39–42
        (3, lambda a: {"hanako": _data(a[1], holder="ｻﾄｳ ﾊﾅｺ", code="1", dummy2="X       ")}),  # data 113–120
        (4, lambda a: {"trailer_dummy": " " * 64 + "1"}),  # trailer 56–120
        (5, lambda a: {"end": "ABC" + " " * 116}),  # end 2–120
    ],
    ids=["data-39", "data-113", "trailer", "end"],
)
def test_a_dummy_field_that_is_not_blank_is_refused(asked, line, make):
    assert _refused(_result(asked, **make(asked))) == {(line, "ダミー")}


@pytest.mark.parametrize("byte", [0x80, 0xA0, 0xFD, 0xFE, 0xFF])
@pytest.mark.parametrize("position, field", [(60, "預金者名"), (16, "引落銀行名")])
def test_a_byte_that_is_no_character_is_refused(asked, byte, position, field):
    data = bytearray(_result(asked))
    at = 122 + position - 1  # record 2 (after the 120-byte header and its CRLF)
    assert data[at] == 0x20
    data[at] = byte
    assert _refused(bytes(data)) == {(2, field)}


def test_the_header_filler_stays_lenient(asked):
    """Some banks treat 96–120 of the header as filler (FORMATS: parse leniently): kept, not refused."""
    header = _header()[:95] + "X" * 25
    assert import_payments(_result(asked, header=header), format="zengin-debit-result", filename="r.dat", user=operator()).posted == 1


# --- what our writers emit, the readers take ------------------------------------------


@pytest.mark.parametrize("typed", ["キュウヨ ショウゴ", "きゅうよ しょうご", "ｷｭｳﾖ ｼｮｳｺﾞ", "ハットリ ァィゥェォ", "ヴァイオリン", "ヵヶヮ"])
def test_the_writer_turns_small_kana_large_as_banks_register_them(typed):
    """全銀協 names have no small kana: banks register キュウヨ as ｷﾕｳﾖ, and so do we."""
    kana = bank_kana(typed)
    assert name_error(kana) is None
    assert not set(kana) & set("ｧｨｩｪｫｬｭｮｯ")


def test_the_written_request_and_refund_are_read_back_strictly():
    item = DebitItem(bank_code="0001", bank_name="ミズホ", branch_code="001", branch_name="トウキョウ", account_type="3",
                     account_number="1234567", holder="しゃっきょう じゅんこ", amount=1_000, customer_number="1" * 20)
    request = write_debit_request(consignor_code=CITY, consignor_name="サイケンシヤクショ", debit_date=DUE, bank_code="0001",
                                  bank_name="ミズホ", branch_code="001", branch_name="トウキョウ", account_type="1",
                                  account_number="7777777", items=[item])
    parsed = read_debit_result(request, debit_date=DUE, allow_request=True)
    assert parsed.records[0].extra["holder"] == "ｼﾔﾂｷﾖｳ ｼﾞﾕﾝｺ"
    with pytest.raises(Exception, match="預金種目"):  # 3 納税準備 is no account a refund can be paid to
        write_credit_transfer(consignor_code=CITY, consignor_name="ｼ", transfer_date=DUE, bank_code="0001", bank_name="ﾐｽﾞﾎ",
                              branch_code="001", branch_name="ﾄｳｷﾖｳ", account_type="1", account_number="7777777",
                              items=[_transfer("3")])
    transfer = write_credit_transfer(consignor_code=CITY, consignor_name="ｼ", transfer_date=DUE, bank_code="0001", bank_name="ﾐｽﾞﾎ",
                                     branch_code="001", branch_name="ﾄｳｷﾖｳ", account_type="1", account_number="7777777",
                                     items=[_transfer("4")])
    for record in transfer.split(b"\r\n")[:-1]:
        assert not set(record) & {0x80, 0xA0, 0xFD, 0xFE, 0xFF}
        assert name_error(record.decode("cp932")) is None


def _transfer(kind):
    from saiken.core.formats.zengin import TransferItem

    return TransferItem(bank_code="0001", bank_name="ﾐｽﾞﾎ", branch_code="001", branch_name="ﾄｳｷﾖｳ", account_type=kind,
                        account_number="1234567", payee="ちょっと きゃっしゅ", amount=500)


# --- the store file: our slips carry stamp flag 0 ----------------------------------------


def _barcode(*, ident: int, amount: int, stamp: str, issuer="912345") -> str:
    """GS1-128 content by hand: AI 91, issuer (6), free field (21: slip kind 1 + id in 20),
    reissue (1), deadline YYMMDD, stamp (1), amount (6), check digit over the 43 digits
    (weights 3,1,3,… from the right)."""
    first = "91" + issuer + "1" + f"{ident:020d}" + "0" + "260630" + stamp + f"{amount:06d}"
    assert len(first) == 43
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(first)))
    return first + str((10 - total % 10) % 10)


def _row(code: str, amount: int, *, stamp_column="0", store="セブン-イレブン") -> str:
    return f"02,20260520,1015,EAN{code},,,{stamp_column},{amount},01,{store},000123,20260525,20260521"


def _csv(*rows: str, encoding="cp932") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


def _store(data: bytes) -> set[tuple[int, str]]:
    return _refused(data, format="conveni", today=date(2026, 5, 21))


def test_the_hand_written_barcode_is_read(owed):
    nursery = owed["nursery"]
    batch = import_payments(_csv(_row(_barcode(ident=nursery.pk, amount=20_000, stamp="0"), 20_000)), format="conveni",
                            filename="c.csv", user=operator(), today=date(2026, 5, 21))
    assert batch.posted == 1


def test_stamp_flag_1_in_the_barcode_of_our_slip_is_refused(owed):
    nursery = owed["nursery"]
    assert _store(_csv(_row(_barcode(ident=nursery.pk, amount=20_000, stamp="1"), 20_000))) == {(2, "バーコード情報")}


def test_stamp_flag_1_in_the_agencys_column_is_refused(owed):
    nursery, tax = owed["nursery"], owed["tax"][0]
    data = _csv(_row(_barcode(ident=tax.pk, amount=12_300, stamp="0"), 12_300),
                _row(_barcode(ident=nursery.pk, amount=20_000, stamp="0"), 20_000, stamp_column="1"))
    assert _store(data) == {(3, "印紙フラグ")}
    nursery.refresh_from_db()
    assert nursery.principal_due == 20_000


@pytest.mark.parametrize("byte, line", [(0x80, 2), (0xA0, 3), (0xFD, 2), (0xFE, 3), (0xFF, 2)])
def test_a_store_file_byte_that_is_no_character_is_refused(owed, byte, line):
    """0x80, 0xA0 and 0xFD–0xFF are no Shift_JIS character: never read as one (cp932 would
    make them U+0080 and private-use U+F8F0–F8F3)."""
    nursery, tax = owed["nursery"], owed["tax"][0]
    rows = [_row(_barcode(ident=tax.pk, amount=12_300, stamp="0"), 12_300),
            _row(_barcode(ident=nursery.pk, amount=20_000, stamp="0"), 20_000)]
    data = bytearray(_csv(*rows))
    start = data.index(rows[line - 2].encode("cp932"))
    at = start + data[start:].index("ン".encode("cp932")) + 2  # the space-less store name, after ン
    data[at:at] = bytes([byte])
    refused = _store(bytes(data))
    assert refused == {(line, "文字コード")}


def test_the_byte_named_with_its_column():
    from saiken.core.formats import FormatError
    from saiken.core.formats.text import decode

    with pytest.raises(FormatError) as e:
        decode(HEADER.encode("cp932") + b'\r\n02,"a\r\nb",x\xa0y\r\n')
    (error,) = e.value.errors
    assert (error.line, error.field) == (3, "文字コード")
    assert "0xA0" in error.reason and "2列目" in error.reason
