"""A 全銀 file's encoding and missing header are named (saiken.core.formats.sniff)."""

from pathlib import Path

import pytest

from saiken.core.formats.sniff import zengin_file_problem

ZENGIN = Path(__file__).parent.parent / "data" / "zengin"


@pytest.mark.parametrize("name", ["result_crlf.dat", "result_lf_eof.dat", "request_nobreak.dat", "transfer_crlf.dat"])
def test_good_files_have_no_problem(name):
    assert zengin_file_problem((ZENGIN / name).read_bytes()) is None


def test_utf8_is_named():
    assert zengin_file_problem((ZENGIN / "bad" / "utf8_names.dat").read_bytes()).startswith("UTF-8 のファイルです")


def test_ebcdic_is_named():
    assert zengin_file_problem((ZENGIN / "bad" / "ebcdic_bytes.dat").read_bytes()).startswith("EBCDIC")


def test_a_missing_header_is_named():
    data = (ZENGIN / "result_crlf.dat").read_bytes()
    assert zengin_file_problem(data[122:]) == "ヘッダー・レコード（データ区分 1）がありません。ファイルの先頭がデータ・レコード（データ区分 2）です"


def test_cp932_kana_that_happen_to_be_utf8_are_not_utf8():
    # "ﾃｲ" is 0xC3 0xB2, which UTF-8 reads as "ò": still a cp932 file.
    assert zengin_file_problem(b"191" + "ﾃｲ".encode("cp932") + b" " * 115) is None


def test_empty():
    assert "空" in zengin_file_problem(b"")
