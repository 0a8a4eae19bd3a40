"""Exports neutralise formulas (saiken.documents.cells), and generated files are the service
user's only (saiken.documents.store: 0600 files, 0700 folders, whatever the umask)."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal

import openpyxl
import pytest

from saiken.accounting.export import to_csv, to_xlsx
from saiken.documents import store
from saiken.documents.cells import append_row, csv_text, is_formula

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_is_written_as_text(text):
    assert is_formula(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value, written", [(-1200, "-1200"), (1200, "1200"), (Decimal("-0.5"), "-0.5"), (None, ""), ("山田 太郎", "山田 太郎"), ("a=b", "a=b"), ("", "")])
def test_numbers_stay_numbers_and_plain_text_stays_as_it_is(value, written):
    assert not is_formula(value)
    assert csv_text(value) == written


def test_the_csv_export_quotes_formulas_and_keeps_negative_numbers():
    data = to_csv(["債権", "=1+2"], [["@SUM(A1)", -1200, 3.5], ["-2+3", 0, None]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["債権", "'=1+2"], ["'@SUM(A1)", "-1200", "3.5"], ["'-2+3", "0", ""]]
    assert to_csv(["=x"], [], encoding="cp932").decode("cp932").startswith("'=x")


def test_the_xlsx_export_writes_formulas_as_strings_and_numbers_as_numbers():
    data = to_xlsx("=タイトル", ["債権", "+収納率"], [["=HYPERLINK(\"http://x\")", -1200], ["@SUM(A1)", Decimal("12.5")]])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert (ws["A1"].value, ws["A1"].data_type) == ("=タイトル", "s")
    assert (ws["B2"].value, ws["B2"].data_type) == ("+収納率", "s")
    assert (ws["A3"].value, ws["A3"].data_type) == ("=HYPERLINK(\"http://x\")", "s")
    assert (ws["B3"].value, ws["B3"].data_type) == (-1200, "n")
    assert (ws["A4"].data_type, ws["B4"].value) == ("s", 12.5)
    # No cell of the file is a formula.
    with io.BytesIO(data) as f:
        import zipfile

        sheet = zipfile.ZipFile(f).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet


def test_append_row_leaves_other_cells_alone():
    wb = openpyxl.Workbook()
    ws = wb.active
    append_row(ws, ["a", 1, None, "=1"])
    append_row(ws, ["-x", -3])
    assert [c.data_type for c in ws[1]] == ["s", "n", "n", "s"]
    assert (ws["A2"].value, ws["B2"].value, ws["B2"].data_type) == ("-x", -3, "n")


# --- files: the service user's only ----------------------------------------------------------


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_write_private_makes_a_0600_file_even_over_an_open_one(tmp_path, loose_umask):
    path = tmp_path / "x.csv"
    path.write_bytes(b"old")
    path.chmod(0o644)
    store.write_private(path, b"new")
    assert (path.read_bytes(), mode(path)) == (b"new", 0o600)


def test_private_file_is_created_empty_for_a_renderer_and_keeps_its_mode(tmp_path, loose_umask):
    path = store.private_file(tmp_path / "x.pdf.part")
    assert (path.read_bytes(), mode(path)) == (b"", 0o600)
    with open(path, "wb") as f:  # as a PDF renderer writes it, by name
        f.write(b"%PDF")
    assert mode(path) == 0o600


def test_private_dir_is_0700(settings, tmp_path, loose_umask):
    settings.SAIKEN_DOCUMENT_DIR = tmp_path / "docs"
    folder = store.private_dir("bank")
    assert folder == tmp_path / "docs" / "bank" and mode(folder) == 0o700


@pytest.mark.django_db
def test_a_rendered_document_is_0600(settings, tmp_path, loose_umask):
    from saiken.demands.documents import render_to_file
    from saiken.demands.models import DemandRun

    settings.SAIKEN_DOCUMENT_DIR = tmp_path
    run = DemandRun.objects.create(issued_on="2026-06-10")

    def render(path, tick):
        with open(path, "wb") as f:
            f.write(b"%PDF-1.4")
        return 1

    path = render_to_file(run, "demands-test", 1, render)
    assert path.read_bytes() == b"%PDF-1.4" and mode(path) == 0o600


@pytest.mark.django_db
def test_the_committee_report_files_are_0600(tmp_path, loose_umask):
    from django.core.management import call_command

    call_command("committee_report", "--year", "2025", "--out", str(tmp_path), "--format", "xlsx", stdout=io.StringIO(), stderr=io.StringIO())
    path = tmp_path / "committee_report_2025.xlsx"
    assert mode(path) == 0o600
