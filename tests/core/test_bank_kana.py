"""bank_kana: names as 全銀協 files carry them (FORMATS.md §1, "Names")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saiken.core.formats.kana import bank_kana, name_error


@pytest.mark.parametrize(
    "name, kana",
    [
        ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # full-width katakana and space; ﾞ is its own byte
        ("やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # hiragana
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # already half-width: unchanged
        ("パーク", "ﾊﾟ-ｸ"),  # handakuten, long mark
        ("ヴィクトリア", "ｳﾞｲｸﾄﾘｱ"),  # ヴ has no single half-width form
        ("ＡＢＣ　１２３", "ABC 123"),  # full-width letters and digits
    ],
)
def test_converts_to_half_width(name, kana):
    assert bank_kana(name) == kana


@pytest.mark.parametrize(
    "small, large",
    [
        ("ァィゥェォッャュョ", "ｱｲｳｴｵﾂﾔﾕﾖ"),
        ("ぁぃぅぇぉっゃゅょ", "ｱｲｳｴｵﾂﾔﾕﾖ"),
        ("ｧｨｩｪｫｯｬｭｮ", "ｱｲｳｴｵﾂﾔﾕﾖ"),
        ("ヮヵヶ", "ﾜｶｹ"),
        ("ゎゕゖ", "ﾜｶｹ"),
    ],
)
def test_small_kana_become_large(small, large):
    assert bank_kana(small) == large


def test_names_with_small_kana():
    assert bank_kana("キョウコ") == "ｷﾖｳｺ"
    assert bank_kana("ガッコウ") == "ｶﾞﾂｺｳ"


@pytest.mark.parametrize("name", ["イチロー", "ｲﾁﾛｰ", "イチロ－", "イチロ‐", "イチロ−"])
def test_long_mark_and_dashes_become_hyphen(name):
    assert bank_kana(name) == "ｲﾁﾛ-"


def test_lowercase_becomes_uppercase():
    assert bank_kana("abc ａｂｃ") == "ABC ABC"


def test_allowed_symbols():
    assert bank_kana("（カ）ア．イ－") == "(ｶ)ｱ.ｲ-"
    assert bank_kana("(ｶ)ｱ.ｲ-") == "(ｶ)ｱ.ｲ-"


@pytest.mark.parametrize("name", ["ｱ/ｲ", "ア／イ", "ｱ,ｲ", "ア，イ"])
def test_slash_and_comma_are_not_in_the_banks_set(name):
    with pytest.raises(ValueError, match="使えるのは半角カナ・英大文字・数字・空白と"):
        bank_kana(name)


@pytest.mark.parametrize("name", ["ﾞﾔﾏﾀﾞ", "ﾔﾏﾀﾞ ﾞﾀﾛｳ", "ﾔﾞﾏﾀﾞ", "ﾟﾊﾅｺ", "ｶﾟﾅ", "ｶﾞﾞ"])
def test_a_detached_voiced_mark_is_refused(name):
    with pytest.raises(ValueError, match="濁点・半濁点は、つけられる仮名の直後にだけ書けます"):
        bank_kana(name)


@pytest.mark.parametrize("name, kana", [("ガギグゲゴ", "ｶﾞｷﾞｸﾞｹﾞｺﾞ"), ("パピプペポ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"), ("ヴ", "ｳﾞ"), ("ﾊﾞﾊﾟ", "ﾊﾞﾊﾟ")])
def test_voiced_kana_are_taken(name, kana):
    assert bank_kana(name) == kana


@pytest.mark.parametrize(
    "name, shown, phrase",
    [
        ("山田　タロウ", "「山」", "漢字は書けません"),
        ("（カ）パーク・サイド", "「・」", "使えるのは"),
        ("タロウ＆ハナコ", "「＆」", "使えるのは"),
        ("タロウ\t", "U+0009", "使えるのは"),
        ("ﾀﾛｳ🙂", "「🙂」", "使えるのは"),
        ("ﾀﾛｳ_ﾊﾅｺ", "「_」", "使えるのは"),
    ],
)
def test_refuses_characters_banks_cannot_take(name, shown, phrase):
    with pytest.raises(ValueError) as e:
        bank_kana(name)
    assert shown in str(e.value)
    assert phrase in str(e.value)


@pytest.mark.parametrize(
    "name, width, kana",
    [
        ("ﾔﾏﾀﾞ", 4, "ﾔﾏﾀﾞ"),
        ("ﾔﾏﾀﾞ", 3, "ﾔﾏ"),  # ﾀ without its ﾞ would be another name: drop both
        ("ﾔﾏﾀﾞ", 10, "ﾔﾏﾀﾞ"),
        ("パパ", 3, "ﾊﾟ"),
        ("パパ", 1, ""),
        ("ヤマダ　タロウ", 5, "ﾔﾏﾀﾞ "),
    ],
)
def test_truncation_never_separates_a_mark_from_its_kana(name, width, kana):
    assert bank_kana(name, width) == kana


KANA = "アイウエオカガキギパピァッャーやゆよ　ＡＢａｂ０１（）－．"


@given(st.text(alphabet=KANA, max_size=40), st.integers(min_value=0, max_value=45))
def test_truncated_names_are_whole_prefixes(name, width):
    full = bank_kana(name)
    cut = bank_kana(name, width)
    assert len(cut.encode("cp932")) == len(cut) <= width  # every character is one byte
    assert full.startswith(cut)
    assert full[len(cut) : len(cut) + 1] not in ("ﾞ", "ﾟ")  # the next byte never belonged to cut
    assert len(cut) >= min(width, len(full)) - 1


# Every kind of character a clerk types into a name, small kana and marks included.
TYPED = KANA + "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶヴゔがぱﾞﾟｧｨｩｪｫｯｬｭｮｶﾞﾊﾟ ｰ"


@given(st.text(alphabet=TYPED, max_size=40), st.integers(min_value=1, max_value=40))
def test_what_the_writer_makes_the_strict_reader_takes(name, width):
    """bank_kana either refuses a name or gives one the 全銀協 reader takes (no small kana,
    no detached ﾞ/ﾟ), cut to any width."""
    try:
        kana = bank_kana(name, width)
    except ValueError:
        return
    assert name_error(kana) is None, kana


@pytest.mark.parametrize(
    "read, phrase",
    [
        ("ﾔﾏﾀﾞ ﾀﾛｯ", "小さい仮名「ｯ」"),
        ("ｷｬﾉﾝ", "銀行の登録は「ﾔ」"),
        ("ﾞﾔﾏﾀﾞ", "先頭の「ﾞ」"),
        ("ﾔﾏﾀﾞ ﾞﾀﾛｳ", "「 」の後の「ﾞ」"),
        ("ﾏﾟﾘ", "「ﾏ」の後の「ﾟ」"),
        ("ｶﾞﾞ", "「ﾞ」の後の「ﾞ」"),
    ],
)
def test_the_reader_names_what_no_bank_writes(read, phrase):
    assert phrase in name_error(read)


@pytest.mark.parametrize("read", ["", "ﾔﾏﾀﾞ ﾀﾛｳ", "ｶﾞｷﾞﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟｳﾞﾜﾞｦﾞ", "(ｶ)ABC-1.", "ﾊﾟ-ｸ"])
def test_the_reader_takes_what_banks_write(read):
    assert name_error(read) is None
