"""Upload limits (settings SAIKEN_UPLOAD_MAX_BYTES, _MAX_ROWS, _MAX_UNZIPPED, _MAX_RATIO), at
their boundaries: a file at the limit is read, one byte or one row more is refused — in the
action (so the commands are bound too) and on the screens, before the file is parsed."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saiken.core.formats import KEPT_ERRORS, Errors, FieldError, FormatError
from saiken.core.formats.layout import Layout, read_table
from saiken.core.formats.limits import Limits, check_lines, check_size, check_xlsx
from saiken.payments.imports import ImportRefused, import_payments
from saiken.payments.models import ImportMapping, PaymentImport
from tests.conftest import operator, staff

DATA = Path(__file__).parent.parent / "data"
LAYOUT = Layout(name="t", columns={"amount": "金額", "paid_on": "納付日", "key": "番号"}, channel="elqr", key_fields=("key",), match_fields=("key",))


def csv_of(rows: int) -> bytes:
    return ("金額,納付日,番号\n" + "".join(f"1000,20261127,K{i}\n" for i in range(rows))).encode()


def xlsx_of(rows: int, far: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金額", "納付日", "番号"])
    for i in range(rows):
        ws.append([1000, "20261127", f"K{i}"])
    if far:  # a note far to the right of the layout's columns, on every row
        for r in range(1, rows + 2):
            ws.cell(row=r, column=5000, value="=HYPERLINK(\"x\")")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the reader (saiken.core.formats) ---------------------------------------------------------


def test_a_file_of_the_row_limit_is_read_and_one_row_more_is_refused():
    limits = Limits(max_rows=5)  # the header and four records: five lines
    assert len(read_table(csv_of(4), LAYOUT, "x.csv", limits).records) == 4
    with pytest.raises(FormatError, match="行数が上限（5行）を超えています"):
        read_table(csv_of(5), LAYOUT, "x.csv", limits)
    assert len(read_table(xlsx_of(4), LAYOUT, "x.xlsx", limits).records) == 4
    with pytest.raises(FormatError, match="6行と宣言されています、上限 5行"):  # openpyxl declares its rows
        read_table(xlsx_of(5), LAYOUT, "x.xlsx", limits)


def test_a_sheet_with_more_rows_than_it_declares_is_stopped_at_the_limit():
    data = xlsx_of(5)
    # Some writers leave the dimension at A1 (or none): the rows are counted as they come.
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<dimension ref=\"A1:C6\" />", b"<dimension ref=\"A1\" />")
                assert b"ref=\"A1\" />" in body
            dst.writestr(item, body)
    assert len(read_table(out.getvalue(), LAYOUT, "x.xlsx", Limits(max_rows=6)).records) == 5
    with pytest.raises(FormatError, match="行数が上限（5行）を超えています"):
        read_table(out.getvalue(), LAYOUT, "x.xlsx", Limits(max_rows=5))


def test_a_file_of_the_size_limit_is_read_and_one_byte_more_is_refused():
    data = csv_of(3)
    assert len(read_table(data, LAYOUT, "x.csv", Limits(max_bytes=len(data))).records) == 3
    with pytest.raises(FormatError, match="ファイルが大きすぎます") as refused:
        read_table(data, LAYOUT, "x.csv", Limits(max_bytes=len(data) - 1))
    assert refused.value.errors[0].line == 0 and refused.value.errors[0].field == "ファイル"


def test_cells_beyond_the_layout_are_never_read():
    # Column 5,000 holds a formula on every row: the reader stops at the layout's last column.
    parsed = read_table(xlsx_of(3, far=True), LAYOUT, "x.xlsx")
    assert [r.key for r in parsed.records] == ["K0", "K1", "K2"]
    assert all(r.extra == {} for r in parsed.records)


def test_an_xlsx_that_expands_too_far_is_refused_from_its_zip_directory():
    data = (DATA / "elqr" / "default.xlsx").read_bytes()
    check_xlsx(data)  # the real file passes
    with pytest.raises(FormatError, match="展開すると大きすぎます"):
        check_xlsx(data, Limits(max_unzipped=1000))
    with pytest.raises(FormatError, match="zipとして壊れています"):
        check_xlsx(data[: len(data) // 2])


def test_a_sheet_declaring_more_rows_than_the_limit_is_refused_before_it_is_read():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "金額"
    wb.active["C20"] = "x"  # dimension A1:C20
    out = io.BytesIO()
    wb.save(out)
    check_xlsx(out.getvalue(), Limits(max_rows=20))
    with pytest.raises(FormatError, match="20行と宣言されています、上限 19行"):
        check_xlsx(out.getvalue(), Limits(max_rows=19))


def test_lines_are_counted_before_a_text_file_is_decoded():
    check_lines(b"a\n" * 10, Limits(max_rows=10))
    with pytest.raises(FormatError, match="行数が上限"):
        check_lines(b"a\n" * 11, Limits(max_rows=10))
    check_lines(b"1" * 1200, Limits(max_rows=10), record_length=120)  # a 全銀 file without line breaks
    with pytest.raises(FormatError, match="行数が上限"):
        check_lines(b"1" * 1320, Limits(max_rows=10), record_length=120)
    with pytest.raises(FormatError):
        check_size(11, Limits(max_bytes=10))


def test_errors_beyond_the_first_thousand_are_counted_not_kept():
    errors = Errors()
    for i in range(KEPT_ERRORS + 5):
        errors.append(FieldError(i + 1, "金額", "x"))
    assert (len(errors), len(errors.kept), bool(errors)) == (KEPT_ERRORS + 5, KEPT_ERRORS, True)
    e = FormatError(errors)
    assert (len(e.errors), e.total, e.more) == (KEPT_ERRORS, KEPT_ERRORS + 5, 5)
    assert "ほか1,002件" in str(e) or "ほか1002件" in str(e)
    assert FormatError([FieldError(1, "a", "b")] * 1500).more == 500  # a plain list is capped too


# --- the actions and the screens, with the settings ------------------------------------------


@pytest.fixture
def mapping(db):
    return ImportMapping.objects.create(name="t", label="テスト", layout=LAYOUT.to_dict())


@pytest.mark.django_db
def test_the_import_action_applies_the_settings(settings, mapping, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    settings.SAIKEN_UPLOAD_MAX_ROWS = 3
    with pytest.raises(ImportRefused) as refused:
        import_payments(csv_of(3), format="csv", filename="x.csv", mapping=mapping, user=operator())
    assert "行数が上限（3行）" in refused.value.errors[0].reason
    assert PaymentImport.objects.get().status == "rejected"  # the refusal is in the history
    settings.SAIKEN_UPLOAD_MAX_ROWS = 4
    assert import_payments(csv_of(3), format="csv", filename="x.csv", mapping=mapping, user=operator()).status == "posted"


@pytest.mark.django_db
def test_the_fixed_length_formats_are_bound_too(settings):
    settings.SAIKEN_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ImportRefused) as refused:
        import_payments(b"1" * 1200, format="zengin-debit-result", filename="x.txt", debit_date=date(2026, 11, 27), user=operator())
    assert "ファイルが大きすぎます" in refused.value.errors[0].reason
    settings.SAIKEN_UPLOAD_MAX_BYTES = 10**6
    settings.SAIKEN_UPLOAD_MAX_ROWS = 2
    with pytest.raises(ImportRefused) as refused:
        import_payments(b"x\n" * 3, format="conveni", filename="x.csv", user=operator())
    assert "行数が上限（2行）" in refused.value.errors[0].reason


@pytest.mark.django_db
def test_the_screen_refuses_a_file_over_the_size_before_reading_or_keeping_it(client, django_user_model, settings, mapping, tmp_path):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    settings.SAIKEN_UPLOAD_MAX_BYTES = 100
    client.force_login(staff(django_user_model.objects.create_user("a"), "admin"))
    response = client.post(reverse("payment_imports"), {"file": SimpleUploadedFile("x.csv", csv_of(10)), "format": "csv", "mapping": mapping.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "ファイルが大きすぎます" in html and "上限 100バイト" in html
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())
    assert not PaymentImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["payment_imports", "assessment_imports"])
def test_a_file_over_the_size_is_stopped_while_it_arrives(client, django_user_model, settings, mapping, tmp_path, url):
    # The upload handler drops it on its way in: it reaches neither the disk nor the view.
    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    settings.SAIKEN_UPLOAD_MAX_BYTES = 100_000
    client.force_login(staff(django_user_model.objects.create_user("a"), "admin"))
    big = SimpleUploadedFile("big.csv", b"1" * 300_000)
    response = client.post(reverse(url), {"mapping": mapping.pk, "format": "csv", "file": big})
    html = response.content.decode()
    assert response.status_code == 200 and "ファイルが大きすぎます（上限 100,000バイト）" in html
    assert not (tmp_path / "uploads").exists()
    assert client.post(reverse(url), {"mapping": mapping.pk, "format": "csv"}).status_code == 302  # no file at all: asked for one


def test_the_row_parser_reads_what_openpyxls_iter_rows_reads():
    # The reader uses openpyxl's row parser (not its public iter_rows, which fills every
    # missing row): if openpyxl changes it, this fails before a city's file does.
    from saiken.core.formats.layout import _sheet_rows

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["C1"] = "金額", "番号"
    ws["A4"], ws["B4"], ws["C4"] = 1000, date(2026, 11, 27), "K1"
    ws["B9"] = 2.5
    out = io.BytesIO()
    wb.save(out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True, data_only=True)
    sheet = book.active
    ours = {n: list(cells) for n, cells in _sheet_rows(book, sheet, 3)}
    theirs = {n: list(cells) for n, cells in enumerate(sheet.iter_rows(max_col=3, values_only=True), start=1) if any(c is not None for c in cells)}
    book.close()
    assert ours == theirs
    assert sorted(ours) == [1, 4, 9] and ours[4][1].date() == date(2026, 11, 27)
