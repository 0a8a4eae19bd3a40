"""Bytes to text, and text to CSV rows, for the payment files the city receives.

The city gets CSV in UTF-8 (often with the BOM Excel writes) and in Shift_JIS; the
Shift_JIS is really Windows' cp932 (NEC and IBM extensions, ① and 髙), so cp932 is what
we decode. Anything else (EBCDIC from a host, UTF-16 from some Excel exports, EUC-JP)
is refused with a message a clerk can act on, rather than read as mojibake.

Also the cell helpers every tabular codec shares: yen amounts and YYYYMMDD dates.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from saiken.core.formats import FieldError, FormatError

UTF8 = "utf-8"
CP932 = "cp932"

# Spellings of the two encodings a layout may name; all Shift_JIS spellings read as
# cp932, a superset that real Windows files need.
_ENCODING_NAMES = {
    "utf8": UTF8,
    "utf8sig": UTF8,
    "cp932": CP932,
    "ms932": CP932,
    "windows31j": CP932,
    "shiftjis": CP932,
    "sjis": CP932,
    "mskanji": CP932,
}

ENCODING_FIELD = "文字コード"

# The largest amount a payment record may carry: ten digits, the width of the 全銀
# amount fields (引落金額, 振込金額). Anything larger is a broken column, not a payment.
MAX_AMOUNT = 9_999_999_999


def normalize_encoding(name: str) -> str:
    """"UTF-8", "utf_8_sig", "Shift_JIS", "SJIS", "cp932", … → "utf-8" or "cp932"."""
    key = re.sub(r"[-_\s]", "", str(name)).lower()
    if key not in _ENCODING_NAMES:
        raise ValueError(f"文字コード「{name}」には対応していません（UTF-8 または Shift_JIS を指定してください）")
    return _ENCODING_NAMES[key]


def _where(data: bytes, pos: int) -> str:
    line = data.count(b"\n", 0, pos) + 1
    return f"{line}行目（先頭から{pos + 1}バイト目）"


def _fail(reason: str) -> FormatError:
    return FormatError([FieldError(0, ENCODING_FIELD, reason)])


def _looks_like_ebcdic(data: bytes) -> bool:
    # EBCDIC puts digits at F0–F9, letters at C1–E9 and space at 40; ASCII digits
    # (30–39) are control codes there. A payment file without a single ASCII digit but
    # full of F0–F9 is a host file in EBCDIC, whatever cp932 would make of it.
    if not data or re.search(rb"[0-9]", data):
        return False
    try:
        data.decode("utf-8")
        return False  # EBCDIC text is never valid UTF-8; valid UTF-8 is read as such
    except UnicodeDecodeError:
        pass
    ebcdic_digits = sum(data.count(b) for b in range(0xF0, 0xFA))
    if ebcdic_digits * 5 < len(data):
        return False
    text = data.decode("cp500")
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\x85")
    return printable * 10 >= len(text) * 9


def _check_not_utf16_or_ebcdic(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail("UTF-16のファイルです（BOMあり）。UTF-8 または Shift_JIS で保存し直してください")
    if b"\x00" in data:
        # Text files never hold NUL; UTF-16 without a BOM (or a binary file) does.
        raise _fail("NULバイトを含みます（UTF-16 またはテキストでないファイルのようです）。UTF-8 または Shift_JIS で保存し直してください")
    if _looks_like_ebcdic(data):
        raise _fail("EBCDICのファイルのようです（ホスト形式）。UTF-8 または Shift_JIS に変換してください")


def decode(data: bytes, encoding: str | None = None) -> str:
    """The text of a file in UTF-8 (with or without BOM) or Shift_JIS (cp932).

    `encoding` None detects: bytes that are valid UTF-8 are UTF-8 (cp932 text with any
    kana or kanji almost never is), anything else is tried as cp932. A UTF-8 BOM wins
    over a configured Shift_JIS: a clerk re-saving the file in Excel adds one, and it
    cannot be Shift_JIS. FormatError (line 0, 文字コード) when the bytes are neither,
    or look like EBCDIC or UTF-16; (its line, 文字コード) when a byte that is no
    character (0x80, 0xA0, 0xFD–0xFF) is read as cp932.
    """
    _check_not_utf16_or_ebcdic(data)
    wanted = None if encoding is None else normalize_encoding(encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        wanted = UTF8
    if wanted in (None, UTF8):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            utf8_error = e
            if wanted == UTF8:
                raise _fail(
                    f"UTF-8として読めないバイトがあります（{_where(data, e.start)}）。文字コードの設定を確認してください"
                ) from None
    try:
        text = data.decode(CP932)
    except UnicodeDecodeError as e:
        if wanted == CP932:
            raise _fail(
                f"Shift_JISとして読めないバイトがあります（{_where(data, e.start)}）。文字コードの設定を確認してください"
            ) from None
        raise _fail(
            "UTF-8としてもShift_JISとしても読めません"
            f"（UTF-8: {_where(data, utf8_error.start)}、Shift_JIS: {_where(data, e.start)}）。"
            "EUC-JPなど別の文字コードのようです。UTF-8 または Shift_JIS で保存し直してください"
        ) from None
    _check_characters(text)
    return text


# What cp932 makes of the single bytes 0x80, 0xA0 and 0xFD–0xFF, which are no character
# in Shift_JIS (JIS X 0208 with JIS X 0201 as its single bytes): Windows maps them to a
# control code and to private-use code points so that no byte is lost. A file that holds
# them is broken, not written in a Japanese character set.
_NOT_CHARACTERS = re.compile("[\u0080\uf8f0-\uf8f3]")
_BREAKS = re.compile("\r\n|\r|\n")
_BYTE_OF = {"\u0080": 0x80, "\uf8f0": 0xA0, "\uf8f1": 0xFD, "\uf8f2": 0xFE, "\uf8f3": 0xFF}


def _check_characters(text: str) -> None:
    bad = _NOT_CHARACTERS.search(text)
    if bad is None:
        return
    before = _BREAKS.split(text[: bad.start()])
    line, column = len(before), _column(before[-1])
    raise FormatError([FieldError(
        line,
        ENCODING_FIELD,
        f"Shift_JIS の文字ではないバイト 0x{_BYTE_OF[bad.group()]:02X} があります（{column}列目）。"
        "文字化けしたファイルのようです。送り元に作り直してもらってください",
    )])


def _column(prefix: str) -> int:
    """The CSV column (1-based) a character after `prefix` on its line falls in."""
    try:
        return len(next(csv.reader([prefix + "x"])))
    except (csv.Error, StopIteration):
        return prefix.count(",") + 1


def read_csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """CSV records with the line number of each record's first line; blank lines dropped.

    Quoted fields may hold commas and line breaks (CRLF, LF or CR); a record spanning
    three lines is numbered by its first, which is where a clerk's editor shows it.
    A trailing EOF mark (0x1A) from old DOS tools is ignored. FormatError on a broken
    quote, with the line where the record starts.
    """
    return list(read_csv_lines(text))


def read_csv_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """`read_csv_rows` one record at a time, for a reader that stops at a row limit."""
    text = text.rstrip("\x1a")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0  # the last line of the previous record
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if row and "".join(row).strip():
                yield start, row
    except csv.Error:
        raise FormatError(
            [FieldError(end + 1, "CSV", "引用符（\"）の対応が正しくありません（項目の途中に引用符があるか、閉じられていません）")]
        ) from None


def parse_amount(value: str) -> int:
    """Whole yen from a cell: "1234", "1,234", "１２３４", " 001234 "; ValueError otherwise.

    Full-width digits and commas are folded (NFKC): files typed by hand carry them.
    A payment is positive and at most MAX_AMOUNT; minus signs (and the accounting △)
    and decimals are refused, not rounded.
    """
    s = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    if not s:
        raise ValueError("金額がありません")
    if s[0] in "-−△▲":
        raise ValueError(f"金額が負です（{value.strip()}）")
    whole, dot, fraction = s.partition(".")
    if dot and whole.isascii() and whole.isdigit() and (not fraction or fraction.isascii() and fraction.isdigit()):
        # "1234.0" from a spreadsheet is whole yen; "12.5" is not and is not rounded.
        if fraction.strip("0"):
            raise ValueError(f"金額に円未満の端数があります（{value.strip()}）")
        s = whole
    if not (s.isascii() and s.isdigit()):
        raise ValueError(f"金額が数字ではありません（{value.strip()}）")
    return check_amount(int(s))


def check_amount(amount: int) -> int:
    """The amount itself, if it can be a payment: positive and at most MAX_AMOUNT."""
    if amount < 0:
        raise ValueError(f"金額が負です（{amount:,}円）")
    if amount == 0:
        raise ValueError("金額が0円です")
    if amount > MAX_AMOUNT:
        raise ValueError(f"金額が大きすぎます（{amount:,}円、上限{MAX_AMOUNT:,}円）")
    return amount


def parse_yyyymmdd(value: str) -> date:
    """A real date from eight ASCII digits; ValueError in Japanese otherwise."""
    return _yyyymmdd(value)


@lru_cache(maxsize=4096)  # a file has few distinct dates and many records
def _yyyymmdd(value: str) -> date:
    s = value.strip()
    if len(s) != 8 or not (s.isascii() and s.isdigit()):
        raise ValueError(f"日付は年月日8桁の数字です（{value!r}）")
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        raise ValueError(f"存在しない日付です（{s}）") from None
