"""What is wrong with a 全銀 file as a whole, named before its records are read.

A 全銀協 fixed-length file (口座振替 依頼・結果) is JIS 8-bit single-byte text (read as
cp932): it begins with the header record, データ区分 "1", and its numeric fields are
ASCII digits. A file that was written in EBCDIC (a mainframe's code, where "1" is 0xF1),
in UTF-8 (where a half-width kana takes three bytes, so every field after a name shifts),
or without its header gives no header fields to read; each is named here rather than
reported as an unreadable date.
"""

from __future__ import annotations

import codecs

_EBCDIC_DIGITS = set(range(0xF0, 0xFA))
_EBCDIC_SPACE = 0x40


def zengin_file_problem(data: bytes) -> str | None:
    """A Japanese sentence naming what makes `data` no 全銀 file, or None."""
    if not data:
        return "データがありません（空のファイルです）"
    head = data[:120]
    if head.startswith(codecs.BOM_UTF8) or _utf8_text(data[:4000]):
        return "UTF-8 のファイルです。全銀協の形式は Shift_JIS（JIS 8単位・半角カナ）です。銀行に Shift_JIS で作り直してもらってください"
    if head[0] == 0xF1 or sum(b in _EBCDIC_DIGITS or b == _EBCDIC_SPACE for b in head) > len(head) * 3 // 4:
        return "EBCDIC（汎用機の文字コード）のファイルです。全銀協の形式は JIS 8単位（Shift_JIS）です。銀行に JIS で作り直してもらってください"
    first = chr(head[0]) if head[0] < 0x80 else f"0x{head[0]:02X}"
    if first != "1":
        kinds = {"2": "データ・レコード", "8": "トレーラ・レコード", "9": "エンド・レコード"}
        what = f"{kinds[first]}（データ区分 {first}）" if first in kinds else f"「{first}」"
        return f"ヘッダー・レコード（データ区分 1）がありません。ファイルの先頭が{what}です"
    return None


def _utf8_text(chunk: bytes) -> bool:
    """Whether the chunk is UTF-8 text with Japanese in it (a truncated last character allowed)."""
    if chunk.isascii():
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(chunk, final=False)
    except UnicodeDecodeError:
        return False
    # A few cp932 kana pairs happen to be valid UTF-8 too ("ﾃｲ" reads as "ò"); Japanese
    # (kana, kanji, U+3000 and above) in UTF-8 never come from cp932 bytes.
    return any(ord(ch) >= 0x3000 for ch in text)
