"""`saiken committee-report`: the committee's PDF (fonts embedded, the table's figures in
its text) and Excel file (numbers as numbers), read back with pypdf and openpyxl."""

from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from reportlab.pdfbase import pdfmetrics

from saiken.accounting.report import collection_report
from saiken.core.money import percent
from saiken.documents import fonts

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(city, tmp_path):
    call_command("committee_report", "--year", "2024", "--out", str(tmp_path / "out"))
    return tmp_path / "out" / "committee_report_2024.pdf", tmp_path / "out" / "committee_report_2024.xlsx"


def test_the_pdf_embeds_the_japanese_font_and_prints_the_figures(files):
    pdf = pypdf.PdfReader(files[0])
    assert len(pdf.pages) >= 3
    face = pdfmetrics.getFont(fonts.register_japanese_font()).face.name
    face = face.decode() if isinstance(face, bytes) else face
    for page in pdf.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            assert str(font["/BaseFont"]).endswith("+" + face)  # only the Japanese font, subset
            assert "/FontFile2" in font["/FontDescriptor"].get_object()  # and embedded
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "債権管理の目標と実績" in text and "令和6年度（2024）" in text
    report = collection_report(2024, major_only=True)
    tax = next(r for r in report.rows if r.label == "市税")
    # the 14-receivable table: 市税 64.3 / 33.3 / 58.8, 未収金 50,000 / 20,000 / 70,000
    for figure in (f"{percent(tax.line.current.rate)}", f"{percent(tax.line.arrears.rate)}", f"{percent(tax.line.total.rate)}",
                   f"{tax.line.current.unpaid:,}", f"{tax.line.total.unpaid:,}", f"{report.total.line.total.unpaid:,}"):
        assert figure in text, figure
    assert "64.3" in text and "70,000" in text
    assert "131億円" in text and "92.7%" in text  # the seed's history, as printed
    assert "財産調査の件数" in text  # counted from the case records (none in this city)
    assert "前年度を上回る" in text and "達成" in text  # the overall goal: 57.1% after 54.5%


def test_the_workbook_has_the_same_tables_with_numbers_as_numbers(files):
    wb = openpyxl.load_workbook(files[1])
    assert {"収納状況", "推移", "目標と実績", "取組指標"} <= set(wb.sheetnames)
    ws = wb["収納状況"]
    header = [c.value for c in ws[2]]
    rows = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)}
    report = collection_report(2024, major_only=True)
    for row in [*report.rows, report.total]:
        got = rows[row.label]
        assert got["未収金 現年度分"] == row.line.current.unpaid
        assert got["未収金 合計"] == row.line.total.unpaid
        assert got["不納欠損額"] == row.line.total.written_off
        expected = percent(row.line.total.rate)
        assert got["収納率 合計"] == (float(expected) if expected is not None else None)
    assert rows["市税"]["収納率 現年度分"] == 64.3 and isinstance(rows["合計"]["未収金 合計"], int)

    history = {r[0]: r for r in wb["推移"].iter_rows(min_row=3, values_only=True)}
    assert history[2012][5] == 131 and history[2012][6] == 92.7 and history[2012][7] == 130
    assert history[2024][4] == 70_000 and history[2024][6] == 57.1

    goals = list(wb["目標と実績"].iter_rows(min_row=3, values_only=True))
    (overall,) = [g for g in goals if g[1] == "収納率（合計）"]
    assert overall[5] == 57.1 and overall[6] == 54.5 and overall[7] == "達成" and overall[8] == 2.6

    process = {r[1]: r for r in wb["取組指標"].iter_rows(min_row=3, values_only=True)}
    assert process["督促の期限内発付率"][3] == 0.0 and process["督促の期限内発付率"][4] == 66.7
    assert process["不納欠損額"][3] == 20_000
    assert process["財産調査の件数"][3] == 0


def test_the_command_refuses_a_year_that_is_not_western(city, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("committee_report", "--year", "7", "--out", str(tmp_path))


def test_decimal_targets_are_numbers_in_the_workbook(files):
    wb = openpyxl.load_workbook(files[1])
    for row in wb["目標と実績"].iter_rows(min_row=3, values_only=True):
        assert row[4] is None or isinstance(row[4], (int, float, Decimal))
