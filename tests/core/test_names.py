import pytest

from saiken.core.names import corporate_number_check_digit, is_valid_corporate_number, normalize_kana, normalize_name, search_key


@pytest.mark.parametrize(
    "raw, kana",
    [("やまだ　たろう", "ヤマダ タロウ"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"), ("  サトウ   ハナコ ", "サトウ ハナコ"), ("ｷｮｳｺ", "キョウコ")],
)
def test_normalize_kana(raw, kana):
    assert normalize_kana(raw) == kana


def test_normalize_name_folds_width_and_spaces_but_not_kanji():
    assert normalize_name("山田　太郎") == "山田 太郎"
    assert normalize_name("ＡＢＣ商事") == "ABC商事"
    assert normalize_name("髙橋") == "髙橋"  # variant kanji are folded by identity matching, not here


def test_search_key():
    assert search_key("やまだ たろう") == search_key("ﾔﾏﾀﾞﾀﾛｳ") == "ヤマダタロウ"


def test_corporate_number_check_digit():
    # 国税庁's published example: 法人番号 7000012050002 (国税庁 itself)
    assert corporate_number_check_digit("000012050002") == 7
    assert is_valid_corporate_number("7000012050002")
    assert not is_valid_corporate_number("8000012050002")
    assert not is_valid_corporate_number("700001205000")
