"""Bytes to text and text to CSV rows: the encodings the city receives, and the ones it refuses."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.formats import FieldError, FormatError
from saiken.core.formats.text import (
    MAX_AMOUNT,
    decode,
    normalize_encoding,
    parse_amount,
    parse_yyyymmdd,
    read_csv_rows,
)

TEXT = "種別,金額\r\n01,１２３００円\r\n"  # kana, kanji and full-width digits: every byte range


def only_error(excinfo) -> FieldError:
    errors = excinfo.value.errors
    assert len(errors) == 1, errors
    return errors[0]


# --- decode ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [TEXT.encode("utf-8"), b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT.encode("cp932")],
    ids=["utf-8", "utf-8 with BOM", "shift_jis"],
)
def test_detects_utf8_with_or_without_bom_and_shift_jis(data):
    assert decode(data) == TEXT


def test_shift_jis_is_read_as_cp932():
    # NEC and IBM extensions that plain Shift_JIS lacks but every Windows file has.
    text = "①髙﨑ﾊﾝｶｸ"
    assert decode(text.encode("cp932")) == text
    assert decode(text.encode("cp932"), "Shift_JIS") == text


def test_explicit_encodings_in_their_usual_spellings():
    assert decode(TEXT.encode("cp932"), "SJIS") == TEXT
    assert decode(TEXT.encode("utf-8"), "UTF8") == TEXT
    for name in ("utf-8", "UTF_8", "utf-8-sig"):
        assert normalize_encoding(name) == "utf-8"
    for name in ("Shift_JIS", "shift-jis", "sjis", "cp932", "MS932", "Windows-31J"):
        assert normalize_encoding(name) == "cp932"
    with pytest.raises(ValueError, match="EUC-JP"):
        normalize_encoding("EUC-JP")


def test_a_utf8_bom_wins_over_a_configured_shift_jis():
    # A clerk re-saved the agency's Shift_JIS file in Excel as "CSV UTF-8".
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "cp932") == TEXT


def test_empty_bytes_are_empty_text():
    assert decode(b"") == ""


def test_shift_jis_bytes_under_a_configured_utf8_say_where():
    data = "01,10\r\n02,ローソン\r\n".encode("cp932")
    with pytest.raises(FormatError) as excinfo:
        decode(data, "utf-8")
    error = only_error(excinfo)
    assert (error.line, error.field) == (0, "文字コード")
    assert "UTF-8として読めない" in error.reason
    assert "2行目" in error.reason


def test_bytes_outside_shift_jis_under_a_configured_shift_jis():
    with pytest.raises(FormatError) as excinfo:
        decode(b"01,\x81\x22\r\n", "cp932")
    assert "Shift_JISとして読めない" in only_error(excinfo).reason


def test_euc_jp_is_neither():
    data = "01,ローソン,5100\r\n".encode("euc_jp")
    with pytest.raises(FormatError) as excinfo:
        decode(data)
    error = only_error(excinfo)
    assert (error.line, error.field) == (0, "文字コード")
    assert "UTF-8としてもShift_JISとしても読めません" in error.reason


def test_ebcdic_is_refused_even_though_cp932_would_read_it():
    data = "01,20261127,0000005100\r\n02,20261130,0000012300\r\n".encode("cp500")
    data.decode("cp932")  # digits F0–F9 are valid (private-use) cp932: detection must come first
    with pytest.raises(FormatError) as excinfo:
        decode(data)
    assert "EBCDIC" in only_error(excinfo).reason
    with pytest.raises(FormatError, match="EBCDIC"):
        decode(data, "cp932")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_with_or_without_bom(codec):
    with pytest.raises(FormatError) as excinfo:
        decode(TEXT.encode(codec))
    error = only_error(excinfo)
    assert error.field == "文字コード"
    assert "UTF-16" in error.reason


# --- read_csv_rows --------------------------------------------------------------------


def test_rows_carry_the_line_of_their_first_line():
    text = 'a,b\r\n"x, y","line one\r\nline two"\r\n\r\nlast,"q""uote"\r\n'
    assert read_csv_rows(text) == [
        (1, ["a", "b"]),
        (2, ["x, y", "line one\r\nline two"]),  # two lines: the next record is on line 5
        (5, ["last", 'q"uote']),
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_any_line_break(newline):
    text = newline.join(["1,a", "2,b", "", "3,c"]) + newline
    assert read_csv_rows(text) == [(1, ["1", "a"]), (2, ["2", "b"]), (4, ["3", "c"])]


def test_blank_rows_and_a_dos_eof_mark_are_dropped():
    assert read_csv_rows("1,a\r\n,,\r\n  \r\n2,b\r\n\x1a") == [(1, ["1", "a"]), (4, ["2", "b"])]


def test_a_broken_quote_names_the_line():
    with pytest.raises(FormatError) as excinfo:
        read_csv_rows('1,a\r\n2,"b\r\n')
    error = only_error(excinfo)
    assert (error.line, error.field) == (2, "CSV")
    assert "引用符" in error.reason


# --- cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1234", 1234), ("1,234", 1234), ("１２３４", 1234), ("１，２３４", 1234), (" 001234 ", 1234), ("1234.0", 1234)],
)
def test_amounts(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "金額がありません"),
        ("-100", "負です"),
        ("－１００", "負です"),
        ("△100", "負です"),
        ("0", "0円です"),
        ("12.5", "円未満の端数"),
        ("12O0", "数字ではありません"),
        ("1234円", "数字ではありません"),
        ("10000000000", "大きすぎます"),
    ],
)
def test_amounts_refused(text, phrase):
    with pytest.raises(ValueError, match=phrase):
        parse_amount(text)


def test_the_largest_amount():
    assert parse_amount(f"{MAX_AMOUNT:,}") == 9_999_999_999
    with pytest.raises(ValueError, match="上限9,999,999,999円"):
        parse_amount(str(MAX_AMOUNT + 1))


@given(st.integers(min_value=1, max_value=MAX_AMOUNT))
def test_amounts_read_back_with_or_without_commas(n):
    assert parse_amount(str(n)) == n
    assert parse_amount(f"{n:,}") == n


def test_yyyymmdd():
    assert parse_yyyymmdd("20261127").isoformat() == "2026-11-27"
    with pytest.raises(ValueError, match="存在しない日付"):
        parse_yyyymmdd("20260229")  # 2026 is not a leap year
    with pytest.raises(ValueError, match="8桁"):
        parse_yyyymmdd("2026-11-27")
