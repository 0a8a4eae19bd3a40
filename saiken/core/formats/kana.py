"""Names as banks take them: half-width katakana (JIS X 0201) in 全銀協 files.

A bank matches a depositor by the registered kana name, written with only the
single-byte characters of JIS X 0201: no small kana, the long mark as `-`,
dakuten/handakuten as separate bytes. Kanji cannot be converted: the caller
must hold a kana reading.
"""

from __future__ import annotations

import jaconv

# Small kana are never allowed in bank names (ｯ → ﾂ, ｬ → ﾔ …).
_SMALL_TO_LARGE = str.maketrans("ｧｨｩｪｫｯｬｭｮ", "ｱｲｳｴｵﾂﾔﾕﾖ")

# Full-width kana that have no half-width form: map them to the kana banks
# register instead, before z2h (which would leave them full-width).
_NO_HALF_WIDTH = str.maketrans({"ヮ": "ワ", "ヵ": "カ", "ヶ": "ケ", "ヰ": "イ", "ヱ": "エ"})

# The long mark and the dashes people type for it all become the hyphen.
_DASHES = str.maketrans(dict.fromkeys("ｰ\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))

_MARKS = "ﾞﾟ"
# The 全銀協 layout's name characters (コード区分 0, JIS X 0201): digits, A–Z, half-width
# katakana, space and ( ) - . — no / or , (a bank refuses a file that carries them).
_ALLOWED = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ()-."
    + "".join(chr(c) for c in range(0xFF66, 0xFFA0))  # ｦ … ﾟ (ｰ is gone by now)
) - frozenset("ｧｨｩｪｫｯｬｭｮｰ")


def bank_kana(name: str, width: int | None = None) -> str:
    """The half-width kana bank files require, cut to `width` bytes if given.

    Accepts full-width or half-width katakana, hiragana, full-width digits and
    letters and spaces. Raises ValueError naming the first character that cannot
    be written (kanji, ・, symbols …). Every allowed character is one byte in
    cp932, so `width` counts characters.
    """
    pieces = []
    for ch in name:  # one character at a time, so an error names what the user typed
        piece = jaconv.hira2kata(ch).translate(_NO_HALF_WIDTH)
        piece = jaconv.z2h(piece, kana=True, ascii=True, digit=True)
        piece = piece.translate(_SMALL_TO_LARGE).translate(_DASHES).upper()
        if not all(c in _ALLOWED for c in piece):
            raise ValueError(f"{_show(ch)}は銀行に送るカナ名に使えない文字です（{name}）: {_hint(ch)}")
        pieces.append(piece)
    text = "".join(pieces)
    _check_marks(text, name)
    if width is not None and len(text) > width:
        cut = text[:width]
        # A ﾞ or ﾟ left behind would turn ｶﾞ into ｶ: drop the kana with its mark.
        if text[width] in _MARKS:
            cut = cut[:-1]
        text = cut
    return text


# The kana a ﾞ (dakuten) or a ﾟ (handakuten) may follow: a mark is its own byte, and one
# that follows nothing it can voice (at the start, after a space, ﾔﾞ) is not a name.
_VOICED = frozenset("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎﾜｦ")
_SEMI_VOICED = frozenset("ﾊﾋﾌﾍﾎ")


def _check_marks(text: str, name: str) -> None:
    i = _detached_mark(text)
    if i is not None:
        raise ValueError(f"「{text[i]}」は銀行に送るカナ名のこの位置に書けません（{name}）: 濁点・半濁点は、つけられる仮名の直後にだけ書けます")


def _detached_mark(text: str) -> int | None:
    """The index of the first ﾞ or ﾟ that follows no kana it can voice, or None."""
    for i, ch in enumerate(text):
        if ch in _MARKS and (i == 0 or text[i - 1] not in (_VOICED if ch == "ﾞ" else _SEMI_VOICED)):
            return i
    return None


SMALL_KANA = "ｧｨｩｪｫｬｭｮｯ"


def name_error(text: str) -> str | None:
    """Why a kana name read from a 全銀協 file is not one a bank writes (None if it is).

    The layout's name characters (JIS X 0201, コード区分 0) are the large kana only:
    banks register ｷﾕｳﾖ for キュウヨ, so a small kana (ｧｨｩｪｫｬｭｮｯ) never comes from a
    bank's own record; and a ﾞ or ﾟ is its own byte that belongs to the kana before
    it, so one at the start, after a space or after a kana it cannot voice is a
    broken name (a name cut between kana and mark, or bytes that are not a name).
    """
    small = next((ch for ch in text if ch in SMALL_KANA), None)
    if small is not None:
        large = small.translate(_SMALL_TO_LARGE)
        return f"小さい仮名「{small}」があります（全銀協の文字は大きい仮名だけです。銀行の登録は「{large}」です）: {text}"
    i = _detached_mark(text)
    if i is not None:
        where = "先頭" if i == 0 else f"「{text[i - 1]}」の後"
        return f"{where}の「{text[i]}」は仮名から離れています（濁点・半濁点はつけられる仮名の直後にだけ書けます）: {text}"
    return None


def _show(ch: str) -> str:
    return f"「{ch}」" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


def _hint(ch: str) -> str:
    if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch == "々":
        return "漢字は書けません。カナの読みで入力してください"
    return "使えるのは半角カナ・英大文字・数字・空白と ( ) - . です"
