"""名寄せ rules (saiken.core.identity): normalisation, blocking and scoring, without a database."""

from datetime import date

import pytest

from saiken.core.identity import (
    Thresholds,
    candidate_pairs,
    cluster,
    corporate_name_key,
    kana_key,
    kanji_number,
    name_key,
    normalize_address,
    prepare,
    score,
    street_of,
    within_one_edit,
)

CITY = ("新潟市",)
SURE, UNCERTAIN = Thresholds().sure, Thresholds().uncertain


def person(id, name, kana, birth=date(1970, 5, 1), address="新潟市中央区万代3丁目5番12号", identifiers=()):
    return prepare(id, "person", name, kana, birth, "", address, identifiers, drop=CITY)


def corporation(id, name, kana, number="", address="新潟市中央区万代3丁目5番12号"):
    return prepare(id, "corporation", name, kana, None, number, address, drop=CITY)


def codes(a, b) -> set[str]:
    return {code for code, _ in score(a, b).reasons}


def verdict(a, b) -> str:
    return Thresholds().classify(score(a, b).points)


# --- normalisation ------------------------------------------------------------------


@pytest.mark.parametrize("variant, common", [
    ("髙橋", "高橋"), ("山﨑", "山崎"), ("齋藤", "斉藤"), ("齊藤", "斉藤"), ("斎藤", "斉藤"), ("渡邊", "渡辺"), ("渡邉", "渡辺"),
    ("澤田", "沢田"), ("濱田", "浜田"), ("廣瀬", "広瀬"), ("國井", "国井"), ("櫻井", "桜井"), ("龍也", "竜也"), ("眞一", "真一"),
    ("德子", "徳子"), ("惠子", "恵子"), ("健藏", "健蔵"), ("中嶋", "中島"), ("槇野", "槙野"), ("佐々木", "佐佐木"),
])
def test_old_and_variant_kanji_fold_to_the_common_form(variant, common):
    assert name_key(variant) == name_key(common)


def test_different_kanji_stay_different():
    assert name_key("高橋") != name_key("高椅")
    assert name_key("岸田") != name_key("広田")  # variant tables that chain everything would join these


def test_width_kana_and_spaces():
    assert name_key("山田　太郎") == name_key("山田 太郎") == name_key("山田太郎") == "山田太郎"
    assert name_key("ＡＢＣ商事") == "ABC商事"
    assert name_key("さくら") == name_key("サクラ")
    assert kana_key("ﾔﾏﾀﾞ ﾀﾛｳ") == kana_key("やまだ　たろう") == kana_key("ヤマダタロウ") == "ヤマダタロウ"
    assert kana_key("シヨウタ") == kana_key("ショウタ")  # systems without small kana


@pytest.mark.parametrize("written", [
    "新潟県新潟市中央区万代三丁目5番12号",
    "新潟市中央区万代３－５－１２",
    "中央区万代3-5-12",
    "新潟市中央区万代3丁目5-12",
    "新潟市 中央区 万代 3ー5ー12",
])
def test_addresses_written_differently_are_one_key(written):
    assert normalize_address(written, CITY) == "中央区万代3-5-12"


def test_address_block_numbers_and_buildings():
    assert normalize_address("新潟市西蒲区巻甲1234番地5", CITY) == normalize_address("西蒲区巻甲1234-5", CITY)
    assert normalize_address("新潟市北区太夫浜123番地", CITY) == "北区太夫浜123"
    key = normalize_address("新潟市中央区万代3丁目5番12号 さくらハイツ203", CITY)
    assert key == "中央区万代3-5-12さくらハイツ203" and street_of(key) == "中央区万代3-5-12"
    # a number that is part of the town's name is not the block number
    assert street_of(normalize_address("中央区学校町通一番町602-1")) == "中央区学校町通1町602-1"
    assert normalize_address("東京都千代田区霞が関1-2-3") == "千代田区霞が関1-2-3"


def test_kanji_numerals():
    assert [kanji_number(t) for t in ("三", "十", "十二", "二十三", "百五", "二〇三", "千二百")] == [3, 10, 12, 23, 105, 203, 1200]


def test_corporate_names_without_the_legal_form_position():
    assert corporate_name_key("株式会社新潟建設") == corporate_name_key("新潟建設（株）") == corporate_name_key("㈱新潟建設")
    assert corporate_name_key("有限会社新潟建設") != corporate_name_key("株式会社新潟建設")


def test_within_one_edit():
    assert within_one_edit("タナカ", "タナカ")
    assert within_one_edit("タナカ", "ダナカ")  # substitution
    assert within_one_edit("タナカ", "タナ")  # deletion
    assert within_one_edit("タナカ", "タナカカ")  # insertion
    assert within_one_edit("タナカ", "ナタカ")  # neighbours swapped
    assert not within_one_edit("タナカ", "カナタ")
    assert not within_one_edit("タナカ", "タ")


# --- scoring --------------------------------------------------------------------------


def test_old_kanji_half_width_kana_and_no_space_are_one_person():
    a = person(1, "髙橋 太郎", "タカハシ タロウ", identifiers=[("resident", "1000001")])
    b = person(2, "高橋太郎", "ﾀｶﾊｼ ﾀﾛｳ", address="中央区万代3-5-12", identifiers=[("hospital", "55")])
    assert verdict(a, b) == "sure"
    assert {"kana_equal", "kanji_variant", "birth_equal", "address_equal"} <= codes(a, b)


def test_saki_variant_and_hiragana_reading():
    a = person(1, "山﨑 花子", "ヤマザキ ハナコ")
    b = person(2, "山崎 花子", "やまざき はなこ")
    assert verdict(a, b) == "sure"


def test_a_typo_in_the_reading_still_matches_at_the_same_address():
    a = person(1, "加藤 和子", "カトウ カズコ")
    b = person(2, "加藤 和子", "カトウ カスコ")
    assert "kana_typo" in codes(a, b) and verdict(a, b) == "sure"


def test_one_digit_birth_date_typo():
    a = person(1, "山田 太郎", "ヤマダ タロウ", birth=date(1970, 5, 12))
    same_place = person(2, "山田 太郎", "ヤマダ タロウ", birth=date(1970, 5, 13))
    moved = person(3, "山田 太郎", "ヤマダ タロウ", birth=date(1970, 5, 13), address="新潟市北区葛塚3197")
    assert "birth_one_field" in codes(a, same_place) and verdict(a, same_place) == "sure"
    # a typo and a move at once: as likely a namesake born a day later, so not even queued
    assert verdict(a, moved) == "none"
    swapped = person(4, "山田 太郎", "ヤマダ タロウ", birth=date(1970, 12, 5))
    assert "birth_one_field" in codes(a, swapped)
    assert verdict(a, person(5, "山田 太郎", "ヤマダ タロウ", birth=date(1971, 6, 12))) == "none"


def test_a_move_with_everything_else_equal_is_linked():
    a = person(1, "佐藤 花子", "サトウ ハナコ")
    b = person(2, "佐藤 花子", "サトウ ハナコ", address="新潟市北区葛塚3197")
    assert verdict(a, b) == "sure" and "address_differs" in codes(a, b)


def test_marriage_at_the_same_address_is_linked():
    married = person(1, "鈴木 香織", "スズキ カオリ", birth=date(1989, 2, 25))
    maiden = person(2, "菊地 香織", "ｷｸﾁｶｵﾘ", birth=date(1989, 2, 25))  # no space: split where the given name begins
    assert {"given_equal_surname_differs", "given_kanji_equal", "marriage_same_address"} <= codes(married, maiden)
    assert verdict(married, maiden) == "sure"


def test_marriage_elsewhere_needs_the_old_surname_recorded():
    maiden = person(2, "山本洋子", "ヤマモトヨウコ", birth=date(1943, 9, 9), address="新潟市東区竹尾2丁目1番20号")
    without = person(1, "市川 洋子", "イチカワ ヨウコ", birth=date(1943, 9, 9))
    recorded = person(3, "市川（旧姓 山本） 洋子", "イチカワ ヨウコ", birth=date(1943, 9, 9))
    assert verdict(without, maiden) == "none"  # same given name and birthday is common
    assert "old_surname" in codes(recorded, maiden) and verdict(recorded, maiden) == "sure"


def test_twins_at_one_address_are_not_linked():
    a = person(1, "佐藤 優斗", "サトウ ユウト", birth=date(2001, 4, 3))
    b = person(2, "佐藤 悠真", "サトウ ユウマ", birth=date(2001, 4, 3))  # readings one kana apart
    c = person(3, "佐藤 翔太", "サトウ ショウタ", birth=date(2001, 4, 3))
    d = person(4, "佐藤 優真", "サトウ ユウマ", birth=date(2001, 4, 3))  # kanji one character apart too
    assert verdict(a, b) == verdict(a, c) == verdict(a, d) == "none"


def test_parent_and_child_with_one_name_at_one_address_are_not_linked():
    parent = person(1, "佐藤 博", "サトウ ヒロシ", birth=date(1950, 1, 10))
    child = person(2, "佐藤 博", "サトウ ヒロシ", birth=date(1978, 6, 30))
    assert verdict(parent, child) == "none" and "birth_differs" in codes(parent, child)


def test_namesakes_with_their_own_resident_numbers_are_not_linked():
    a = person(1, "佐藤 博", "サトウ ヒロシ", identifiers=[("resident", "1000001")])
    b = person(2, "佐藤 博", "サトウ ヒロシ", address="新潟市北区葛塚3197", identifiers=[("resident", "1000002")])
    assert "identifier_conflict" in codes(a, b) and verdict(a, b) == "none"


def test_kana_only_record_is_compared_by_reading():
    a = person(1, "山田 太郎", "ヤマダ タロウ")
    b = person(2, "ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ")
    assert not {"kanji_equal", "kanji_differs"} & codes(a, b) and verdict(a, b) == "sure"


def test_corporate_numbers():
    a = corporation(1, "株式会社新潟建設", "カブシキガイシャニイガタケンセツ", number="7000012050002")
    b = corporation(2, "新潟建設㈱", "ニイガタケンセツ", number="7000012050002", address="新潟市北区葛塚3197")
    c = corporation(3, "株式会社新潟建設", "カブシキガイシャニイガタケンセツ", number="8000012050001")
    assert "corporate_number_equal" in codes(a, b) and verdict(a, b) == "sure"
    assert "corporate_number_differs" in codes(a, c) and verdict(a, c) == "none"
    unnumbered = corporation(4, "新潟建設（株）", "ニイガタケンセツ")
    assert verdict(a, unnumbered) == "sure"  # same name, reading and address
    assert verdict(a, corporation(5, "新潟建設（株）", "ニイガタケンセツ", address="新潟市北区葛塚3197")) == "none"
    assert score(a, person(6, "株式会社新潟建設", "ニイガタケンセツ", birth=None)).points < UNCERTAIN


def test_thresholds_classify():
    t = Thresholds(sure=80, uncertain=50)
    assert [t.classify(p) for p in (80, 79, 50, 49)] == ["sure", "uncertain", "uncertain", "none"]
    with pytest.raises(ValueError):
        Thresholds(sure=40, uncertain=50)


# --- blocking and clustering ----------------------------------------------------------


def test_blocking_brings_together_only_what_may_match():
    records = [
        person(0, "山田 太郎", "ヤマダ タロウ"),
        person(1, "山田 太郎", "ダマダ タロウ"),  # typo in the first kana: met through kanji + birth date
        person(2, "山田 太郎", "ヤマダ タロウ", birth=date(1970, 6, 1)),  # one field: reading + year + day
        person(3, "鈴木 一郎", "スズキ イチロウ", birth=date(1980, 1, 1), address="新潟市北区葛塚3197"),
    ]
    pairs = candidate_pairs(records).pairs
    assert {(0, 1), (0, 2)} <= pairs
    assert not any(3 in p for p in pairs)


def test_clustering_refuses_to_join_two_resident_numbers_through_a_third_record():
    a = person(0, "佐藤 博", "サトウ ヒロシ", identifiers=[("resident", "1")])
    x = person(1, "佐藤 博", "サトウ ヒロシ", address="新潟市北区葛塚3197")  # no number: either of them
    b = person(2, "佐藤 博", "サトウ ヒロシ", address="新潟市北区葛塚3197", identifiers=[("resident", "2")])
    records = [a, x, b]
    # x is as like a (moved?) as b (same address): b wins by the address agreeing
    sure = sorted(((score(records[i], records[j]).points, i, j) for i, j in [(0, 1), (1, 2)]), reverse=True)
    found = cluster(records, [(i, j, p) for p, i, j in sure])
    assert found.root[1] == found.root[2] != found.root[0]
    assert found.refused == [(0, 1)]
    # a tie: x goes to neither, both pairs to a clerk
    tie = cluster(records, [(0, 1, 95), (1, 2, 95)])
    assert len(set(tie.root)) == 3 and sorted(tie.refused) == [(0, 1), (1, 2)]


def test_clustering_keeps_seeds_and_respects_rejections():
    records = [person(i, "山田 太郎", "ヤマダ タロウ") for i in range(4)]
    found = cluster(records, [(0, 2, 110), (1, 2, 110)], seeds=[[0, 3]], cannot_link=[(1, 3)])
    assert found.root[0] == found.root[2] == found.root[3]
    assert found.root[1] != found.root[0] and found.refused == [(1, 2)]
