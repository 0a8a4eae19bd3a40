"""名寄せ (identity matching): which debtor records of different source systems are one person.

Pure: no Django, no clock. The Django side (`saiken.debtors.identity`) reads the
records, calls `prepare` on each, `candidate_pairs` to find the few pairs worth
comparing, `score` on each pair, and `cluster` to turn the sure pairs into
people; it writes what comes out.

- Names are compared as keys: NFKC (full/half width), hiragana → katakana, old
  and variant kanji folded to the common form (旧字体 → 新字体 from kyujipy's
  tables of the official 常用・人名用漢字 lists, plus `EXTRA_VARIANTS` for the
  異体字 those lists do not cover, such as 髙 and 﨑), 々 spelled out, spaces
  removed. Readings additionally fold small kana (シヨウタ from systems
  without small kana) and ヂ/ヅ/ヲ.
- Addresses: NFKC, the prefecture and the home city dropped, kanji numerals as
  digits, 丁目・番地・番・号・の and every dash as one hyphen.
- Blocking: a record is compared only with records sharing one of its keys
  (birth date + first kana, birth date + kanji name, reading + two of the three
  birth date fields, given name + birth date, address + given name, address +
  birth date, corporate number, ...), so a city of 600,000 records gives about
  a million pairs instead of 10^11.
- Scoring: points for and against, each with a reason code (`REASONS`), summed
  and compared with two thresholds (`Thresholds`): sure pairs are linked
  automatically, uncertain ones are queued for a clerk.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import NamedTuple

import jaconv

# ---------------------------------------------------------------------------
# Kanji variants
# ---------------------------------------------------------------------------

# 異体字 that the official 旧字体 tables (kyujipy) do not list but registers and
# clerks use for the same name, each folded to its common form. 斎→斉 is not a
# variant but a confusion: 斎藤 and 斉藤 are both サイトウ and systems mix them up.
EXTRA_VARIANTS: dict[str, str] = {
    "髙": "高", "﨑": "崎", "嵜": "崎", "碕": "崎", "邉": "辺", "邊": "辺", "濵": "浜", "嶋": "島", "嶌": "島",
    "冨": "富", "渕": "淵", "齋": "斉", "齊": "斉", "斎": "斉", "曻": "昇", "栁": "柳", "桒": "桑", "舘": "館",
    "逹": "達", "槗": "橋", "𣘺": "橋", "𠮷": "吉", "﨔": "欅", "德": "徳", "惠": "恵", "槇": "槙",
    "ヶ": "ケ", "ヵ": "カ",
}


@cache
def _fold_table() -> dict[int, str]:
    """One translate table: the official old → new forms, then our extras; chains resolved."""
    from kyujipy import BasicConverter  # parses its tables (~0.1 s): only when first needed

    pairs = {old: new for old, new in BasicConverter().kyujitai_to_shinjitai_database.items() if len(old) == len(new) == 1}
    pairs.update(EXTRA_VARIANTS)

    def final(ch: str) -> str:
        seen = {ch}
        while ch in pairs and pairs[ch] not in seen:  # 齋 → 斎 → 斉
            ch = pairs[ch]
            seen.add(ch)
        return ch

    return {ord(old): final(old) for old in pairs if final(old) != old}


_REPEAT = re.compile(r"(.)々")
_SPACE = re.compile(r"[\s\u3000]+")


def fold_kanji(text: str) -> str:
    """NFKC, old and variant kanji to the common form, 々 spelled out (佐々木 = 佐佐木)."""
    text = unicodedata.normalize("NFKC", text).translate(_fold_table())
    return _REPEAT.sub(r"\1\1", text) if "々" in text else text


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶヂヅヲヴ", "アイウエオツヤユヨワカケジズオブ")
_NAME_NOISE = re.compile(r"[・･=＝,、.．]")
# A bracketed note in a name: the old surname as many systems record it, 佐藤（旧姓 田中）花子.
_BRACKETED = re.compile(r"[（(【\[［]\s*(?:旧姓|旧氏|旧)?\s*[:：]?\s*([^）)】\]］]*?)\s*[）)】\]］]")
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff々]")


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """A written name as a comparison key: NFKC, katakana, variants folded, no spaces (髙橋 太郎 = 高橋太郎)."""
    return _SPACE.sub("", jaconv.hira2kata(fold_kanji(text)))


@lru_cache(maxsize=200_000)
def kana_key(text: str) -> str:
    """A reading as a comparison key: NFKC, katakana, small kana and ヂヅヲ folded, no spaces or dots."""
    text = jaconv.hira2kata(unicodedata.normalize("NFKC", text))
    return _NAME_NOISE.sub("", _SPACE.sub("", text)).translate(_SMALL_KANA)


def split_name(text: str) -> tuple[str, str, tuple[str, ...]]:
    """(surname, given name, old surnames) of a name as written; surname and given
    name are "" when the name has no space between them (they cannot be told apart)."""
    old = tuple(m.strip() for m in _BRACKETED.findall(text) if m.strip())
    if old or "(" in text or "（" in text:
        text = _BRACKETED.sub(" ", text)
    parts = _SPACE.split(unicodedata.normalize("NFKC", text).strip())
    if len(parts) < 2:
        return "", "", old
    return parts[0], "".join(parts[1:]), old


def has_kanji(text: str) -> bool:
    return bool(_KANJI.search(text))


# Legal forms: where they stand (前株・後株) is often mistyped; they are compared apart from the name.
_LEGAL_FORMS = (
    ("株式会社", ("株式会社", "(株)", "㈱", "(株)", "カブシキガイシャ", "カブシキカイシャ", "(カ)")),
    ("有限会社", ("有限会社", "(有)", "㈲", "ユウゲンガイシャ", "ユウゲンカイシャ", "(ユ)")),
    ("合同会社", ("合同会社", "(同)", "ゴウドウガイシャ", "ゴウドウカイシャ")),
)


def corporate_name_key(text: str) -> str:
    """A corporation's name or reading without its legal form, the form put in front: 株式会社|ニイガタ建設."""
    text = unicodedata.normalize("NFKC", text)
    form = ""
    for canonical, spellings in _LEGAL_FORMS:
        for s in spellings:
            if s in text:
                text = text.replace(s, "")
                form = form or canonical
    return f"{form}|{name_key(text).translate(_SMALL_KANA)}"


# ---------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県",
    "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
_DASHES = re.compile(r"[‐‑‒–—―−﹣－~〜～]")
_LONG_VOWEL_AS_DASH = re.compile(r"(?<=\d)[ーｰ](?=\d)")
_KANJI_NUMERAL = re.compile(r"[〇一二三四五六七八九十百千]+(?=丁目|番地|番|号|の|-|$)")
_BLOCK_WORDS = re.compile(r"(?<=\d)(?:丁目|番地の?|番の?|号の?|の(?=\d)|地割)")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# Digits followed by 町・条・線・通 belong to the town name (学校町通1番町, 五十嵐1の町), not to the block number.
_STREET = re.compile(r"^(?:\D|\d+(?=の?[町条線通丁]))*\d+(?:-\d+)*")


def kanji_number(text: str) -> int:
    """三 → 3, 十二 → 12, 二〇三 → 203, 百五 → 105."""
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total = current = 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        else:
            total += (current or 1) * _UNITS[c]
            current = 0
    return total + current


@lru_cache(maxsize=64)
def _prefix_pattern(prefixes: tuple[str, ...]) -> re.Pattern:
    names = sorted({unicodedata.normalize("NFKC", p) for p in (*PREFECTURES, *prefixes) if p}, key=len, reverse=True)
    return re.compile("^(?:" + "|".join(re.escape(n) for n in names) + ")+")


_NUMERAL_CHARS = frozenset("〇一二三四五六七八九十百千")
_HYPHENS = re.compile(r"-+")
_LOOSE_HYPHEN = re.compile(r"-(?!\d)")  # left before a building name or at the end


@lru_cache(maxsize=200_000)  # household members and a person's records share addresses
def normalize_address(text: str, drop: Sequence[str] = ()) -> str:
    """An address as a comparison key. `drop`: the home city's prefixes (新潟市), left out
    when written, like any prefecture: 新潟県新潟市中央区万代三丁目5番12号 = 中央区万代3-5-12."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    text = _DASHES.sub("-", _LONG_VOWEL_AS_DASH.sub("-", text)).replace("ヶ", "ケ").replace("ヵ", "カ").replace("大字", "")
    if not _NUMERAL_CHARS.isdisjoint(text):
        text = _KANJI_NUMERAL.sub(lambda m: str(kanji_number(m.group())), text)
    text = _LOOSE_HYPHEN.sub("", _HYPHENS.sub("-", _BLOCK_WORDS.sub("-", text)))
    return _prefix_pattern(tuple(drop)).sub("", text)


def street_of(address_key: str) -> str:
    """The address up to its block number (中央区万代3-5-12 of 中央区万代3-5-12さくらハイツ203)."""
    m = _STREET.match(address_key)
    return m.group() if m else address_key


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------

# Identifiers a person holds at most one of: two records with different values are two people.
ONE_PER_PERSON_SYSTEMS = ("resident", "ltc", "late_elderly")


class Record(NamedTuple):
    """One debtor record, prepared for comparison (every string is a key, see above)."""

    id: int
    corporation: bool
    name: str  # name key ("" if the name has no kanji: compared by reading only)
    plain_name: str  # NFKC, no spaces, not folded: tells a variant kanji from an exact match
    kana: str
    surname: str  # name keys of the parts, "" if the name has no space
    given: str
    surname_kana: str
    given_kana: str
    old_surnames: frozenset[str]  # name and kana keys of a recorded old surname
    birth: tuple[int, int, int] | None
    corporate_number: str
    address: str
    street: str
    tokens: frozenset[tuple[str, str]]  # (system, value) of one-per-person identifiers, ("corp", number)


def prepare(
    id: int, kind: str, name: str, name_kana: str, birth_date: date | None, corporate_number: str, address: str,
    identifiers: Iterable[tuple[str, str]] = (), *, drop: Sequence[str] = (),
) -> Record:
    """A debtor's fields → Record. `identifiers`: (system, value) pairs; `drop`: address prefixes."""
    corporation = kind == "corporation"
    address_key = normalize_address(address, drop) if address else ""
    tokens = frozenset((s, v.upper()) for s, v in identifiers if s in ONE_PER_PERSON_SYSTEMS)
    if corporation:
        number = corporate_number.strip()
        # The reading leaves the legal form out as often as not: compared without it.
        return Record(
            id, True, corporate_name_key(name), "", corporate_name_key(name_kana).partition("|")[2], "", "", "", "", frozenset(), None, number,
            address_key, street_of(address_key), tokens | ({("corp", number)} if number else set()),
        )
    return Record(
        id, False, *_person_name(name, name_kana),
        (birth_date.year, birth_date.month, birth_date.day) if birth_date else None, "", address_key, street_of(address_key),
        tokens,
    )


@lru_cache(maxsize=300_000)  # common names recur across the city and a person's records
def _person_name(name: str, name_kana: str) -> tuple:
    """Record's name fields, from `name` to `old_surnames`."""
    surname, given, old = split_name(name)
    surname_kana, given_kana, old_kana = split_name(name_kana)
    kanji = has_kanji(name)
    clean = _BRACKETED.sub("", name) if old else name
    clean_kana = _BRACKETED.sub("", name_kana) if old_kana else name_kana
    return (
        name_key(clean) if kanji else "", _SPACE.sub("", unicodedata.normalize("NFKC", clean)), kana_key(clean_kana),
        name_key(surname) if kanji else "", name_key(given) if kanji else "", kana_key(surname_kana), kana_key(given_kana),
        frozenset([name_key(o) for o in old] + [kana_key(o) for o in (*old, *old_kana)]),
    )


# ---------------------------------------------------------------------------
# Blocking
# ---------------------------------------------------------------------------


def blocking_keys(r: Record) -> list[tuple]:
    """The keys a record is filed under; records sharing none are never compared.

    Each key is built so that one kind of difference still meets: a typo in the
    reading (birth date + first kana, birth date + kanji), a typo in one field of
    the birth date (reading + the other two fields), marriage (given name + birth
    date, address + given name, address + birth date), a move (all but the
    address ones)."""
    if r.corporation:
        keys: list[tuple] = [("cn", r.corporate_number)] if r.corporate_number else []
        return keys + [("cf", r.name), ("ck", r.kana)]
    keys = []
    if r.birth:
        y, m, d = r.birth
        b = y * 10_000 + m * 100 + d  # an int hashes faster than a tuple, and there are millions of keys
        keys.append(("bk", b, r.kana[:1]))
        if r.name:
            keys.append(("bf", b, r.name))
        keys += [("ky", r.kana, y * 100 + m), ("kd", r.kana, y * 100 + d), ("km", r.kana, m * 100 + d)]
        if r.given_kana:
            keys.append(("bg", b, r.given_kana))
        else:  # no space in the reading: file it under each ending a given name may have
            keys += [("bg", b, r.kana[-k:]) for k in range(2, 6) if len(r.kana) > k + 1]
        if r.street:
            keys.append(("ab", r.street, b))
    if r.street:
        keys.append(("ka", r.kana, r.street))
    elif not r.birth:
        keys.append(("kk", r.kana))
    if r.street and r.given_kana:
        keys.append(("ag", r.street, r.given_kana))
    return keys


@dataclass
class Pairs:
    """The pairs worth scoring (indexes into the record list, i < j) and the blocks skipped."""

    pairs: set[tuple[int, int]]
    oversized_blocks: int
    oversized_records: int


def candidate_pairs(records: Sequence[Record], max_block: int = 60) -> Pairs:
    """Pairs of records sharing a blocking key. A block larger than `max_block` (a
    key that says too little, such as a very common name in one building) is
    skipped and counted: its records still meet through their other keys."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        for k in blocking_keys(r):
            blocks[k].append(i)
    pairs: set[tuple[int, int]] = set()
    oversized = oversized_records = 0
    for members in blocks.values():
        n = len(members)
        if n < 2:
            continue
        if n > max_block:
            oversized += 1
            oversized_records += n
            continue
        for x in range(n):
            a = members[x]
            for y in range(x + 1, n):
                pairs.add((a, members[y]))  # members are in index order: a < members[y]
    return Pairs(pairs, oversized, oversized_records)


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

REASONS: dict[str, str] = {
    "corporate_number_equal": "法人番号が一致",
    "corporate_number_differs": "法人番号が異なる",
    "corporate_name_equal": "名称が一致（法人格の位置・表記を除く）",
    "corporate_kana_equal": "フリガナが一致",
    "identifier_conflict": "宛名番号など一人一つの番号が異なる",
    "kana_equal": "フリガナが一致",
    "kana_typo": "フリガナが1字違い（入力誤りの可能性）",
    "kana_differs": "フリガナが異なる",
    "given_equal_surname_differs": "名が一致し姓が異なる",
    "kanji_equal": "漢字氏名が一致",
    "kanji_variant": "漢字氏名が一致（異体字・旧字体・空白を同一視）",
    "kanji_one_char": "漢字氏名が1字違い",
    "kanji_differs": "漢字氏名が異なる",
    "given_kanji_equal": "名（漢字）が一致",
    "old_surname": "記録された旧姓が相手の姓と一致",
    "marriage_same_address": "名・生年月日・住所が一致（婚姻等による姓の変更の可能性）",
    "birth_equal": "生年月日が一致",
    "birth_one_field": "生年月日の年・月・日のうち1項目だけ異なる（入力誤りの可能性）",
    "birth_differs": "生年月日が異なる",
    "address_equal": "住所が一致",
    "address_street_equal": "住所が番地まで一致",
    "address_differs": "住所が異なる（転居の可能性）",
    "birth_and_address_differ": "生年月日も住所も異なる（同姓同名の別人の可能性）",
    "corporate_address_differs": "名称は同じだが所在地が異なり法人番号で確認できない",
    "unlinked": "担当者が結び付けを解除（別人）",
}


@dataclass(frozen=True)
class Thresholds:
    """At or above `sure` a pair is linked automatically; at or above `uncertain` it
    is queued for a clerk; below, it is no match."""

    sure: int = 80
    uncertain: int = 50

    def __post_init__(self):
        if self.uncertain > self.sure:
            raise ValueError("uncertain threshold above sure threshold")

    def classify(self, points: int) -> str:
        return "sure" if points >= self.sure else "uncertain" if points >= self.uncertain else "none"


class Score(NamedTuple):
    points: int
    reasons: tuple[tuple[str, int], ...]  # (code in REASONS, points)


def within_one_edit(a: str, b: str) -> bool:
    """Equal, or one substitution, insertion, deletion or swap of neighbours apart."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) <= 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _same_given_other_surname(a: str, a_given: str, a_surname: str, b: str, b_given: str, b_surname: str) -> bool:
    """One given name, two surnames (marriage). A name written without a space is
    split where the other record's given name would start."""
    if a_given and b_given:
        return a_given == b_given and a_surname != b_surname
    if not (a_given or b_given):
        return False
    if not a_given:
        a, a_given, a_surname, b, b_given, b_surname = b, b_given, b_surname, a, a_given, a_surname
    return len(b) > len(a_given) and b.endswith(a_given) and b[: -len(a_given)] != a_surname


def _has_old_surname(a: Record, b: Record) -> bool:
    """a's recorded old surname is how b's name begins (b is the record from before the change)."""
    return any(b.name.startswith(o) or b.kana.startswith(o) for o in a.old_surnames if o)


def _one_char_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def _birth_one_field(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Exactly one of year, month, day differs, or month and day are swapped."""
    same = (a[0] == b[0]) + (a[1] == b[1]) + (a[2] == b[2])
    return same == 2 or (a[0] == b[0] and a[1] == b[2] and a[2] == b[1])


def score(a: Record, b: Record) -> Score:
    """How strongly two records look like one person, and why (see REASONS)."""
    reasons: list[tuple[str, int]] = []
    add = reasons.append
    if a.corporation != b.corporation:
        return Score(-100, ())
    if a.corporation:
        if a.corporate_number and b.corporate_number:
            add(("corporate_number_equal", 100) if a.corporate_number == b.corporate_number else ("corporate_number_differs", -100))
        if a.name == b.name:
            add(("corporate_name_equal", 40))
        if a.kana == b.kana:
            add(("corporate_kana_equal", 25))
        if not _address(a, b, add) and a.address and b.address and not (a.corporate_number and b.corporate_number):
            add(("corporate_address_differs", -20))  # one name, two places, no number: often two companies
        return Score(sum(p for _, p in reasons), tuple(reasons))

    if a.tokens and b.tokens:
        systems = {s: v for s, v in a.tokens}
        if any(s in systems and systems[s] != v for s, v in b.tokens):
            add(("identifier_conflict", -60))
    marriage = False
    if a.kana == b.kana:
        add(("kana_equal", 40))
    elif min(len(a.kana), len(b.kana)) >= 4 and within_one_edit(a.kana, b.kana):
        add(("kana_typo", 22))
    elif _same_given_other_surname(a.kana, a.given_kana, a.surname_kana, b.kana, b.given_kana, b.surname_kana):
        marriage = True
        add(("given_equal_surname_differs", 5))
    else:
        add(("kana_differs", -30))
    if a.name and b.name:
        if a.name == b.name:
            add(("kanji_equal", 25) if a.plain_name == b.plain_name else ("kanji_variant", 25))
        elif marriage:
            same = _same_given_other_surname(a.name, a.given, a.surname, b.name, b.given, b.surname)
            add(("given_kanji_equal", 5) if same else ("kanji_differs", -20))
        elif _one_char_apart(a.name, b.name) and a.kana == b.kana:  # a variant we do not fold; twins differ in the reading too
            add(("kanji_one_char", 0))
        else:
            add(("kanji_differs", -20))
    if marriage and (_has_old_surname(a, b) or _has_old_surname(b, a)):
        add(("old_surname", 45))
    if a.birth and b.birth:
        if a.birth == b.birth:
            add(("birth_equal", 30))
        elif _birth_one_field(a.birth, b.birth):
            add(("birth_one_field", 10))
        else:
            add(("birth_differs", -40))
    same_place = _address(a, b, add)
    if marriage and same_place and a.birth and a.birth == b.birth:
        add(("marriage_same_address", 30))
    elif a.birth and b.birth and a.birth != b.birth and a.address and b.address and not same_place:
        add(("birth_and_address_differ", -30))  # a typo and a move at once: likelier a namesake
    return Score(sum(p for _, p in reasons), tuple(reasons))


def _address(a: Record, b: Record, add) -> bool:
    if not (a.address and b.address):
        return False
    if a.address == b.address:
        add(("address_equal", 15))
    elif a.street == b.street:
        add(("address_street_equal", 12))
    else:
        add(("address_differs", 0))
        return False
    return True


# ---------------------------------------------------------------------------
# Clustering
# ---------------------------------------------------------------------------


@dataclass
class Clusters:
    """People found: `root[i]` is the representative index of record i's person."""

    root: list[int]
    members: dict[int, list[int]]  # root → record indexes, for people of two or more records
    refused: list[tuple[int, int]]  # sure pairs not joined: the people they would join conflict


AMBIGUITY_MARGIN = 10  # how much better one of two rival matches must be to win (an address agreeing is 12–15)


def cluster(
    records: Sequence[Record],
    sure: Iterable[tuple[int, int, int]],
    *,
    seeds: Iterable[Sequence[int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
) -> Clusters:
    """Join sure pairs (i, j, points), strongest first as given, into people (union–find).

    `seeds` are people already linked (kept as they are); `cannot_link` are pairs
    a clerk said are two people. A pair is refused, and so left for a clerk, when:

    - a record without a one-per-person number (宛名番号 ...) is surely like two
      records whose numbers differ, and neither match is clearly better: the
      person's record and a namesake's look the same (a tie), so it is not sure
      which one it belongs to; the weaker rivals are refused when one is better;
    - joining would put two different one-per-person numbers or a rejected pair
      into one person (A–B and B–C sure must not make A and C one person when
      their 宛名番号 differ)."""
    sure = list(sure)
    refused: list[tuple[int, int]] = []
    losing = _rival_matches(records, sure)
    n = len(records)
    parent = list(range(n))
    members: dict[int, list[int]] = {}
    tokens: dict[int, dict[str, str]] = {}
    cannot: dict[int, set[int]] = defaultdict(set)
    for i, j in cannot_link:
        cannot[i].add(j)
        cannot[j].add(i)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def group(r: int) -> list[int]:
        return members.get(r) or [r]

    def toks(r: int) -> dict[str, str]:
        t = tokens.get(r)
        return t if t is not None else dict(records[r].tokens)

    def union(i: int, j: int, check: bool) -> bool:
        ri, rj = find(i), find(j)
        if ri == rj:
            return True
        gi, gj = group(ri), group(rj)
        ti, tj = toks(ri), toks(rj)
        if check:
            if any(s in ti and ti[s] != v for s, v in tj.items()):
                return False
            small, large = (gi, gj) if len(gi) <= len(gj) else (gj, gi)
            if cannot and any(cannot.get(m) for m in small):
                other = set(large)
                if any(cannot.get(m, set()) & other for m in small):
                    return False
        if len(gi) < len(gj):
            ri, rj, gi, gj, ti, tj = rj, ri, gj, gi, tj, ti
        parent[rj] = ri
        members[ri] = gi + gj
        members.pop(rj, None)
        tokens[ri] = {**tj, **ti}
        tokens.pop(rj, None)
        return True

    for seed in seeds:
        for other in seed[1:]:
            union(seed[0], other, check=False)
    for i, j, _ in sure:
        if (i, j) in losing or not union(i, j, check=True):
            refused.append((i, j))
    return Clusters([find(i) for i in range(n)], members, refused)


def _rival_matches(records: Sequence[Record], sure: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    """Sure pairs that lose to a rival: record x (without a number of system s) matches
    records with different numbers of s; all of x's pairs lose on a tie, else those
    to the weaker numbers do."""
    best: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for i, j, points in sure:
        for x, y in ((i, j), (j, i)):
            if not records[y].tokens:
                continue
            own = {s for s, _ in records[x].tokens}
            seen = best[x]
            for t in records[y].tokens:
                if t[0] not in own and points > seen.get(t, -1_000):
                    seen[t] = points
    losers: dict[int, set[tuple[str, str]] | None] = {}  # x → the numbers its pairs lose to (None: all of them)
    for x, seen in best.items():
        if len(seen) < 2:
            continue
        by_system: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
        for t, points in seen.items():
            by_system[t[0]].append((points, t))
        for rivals in by_system.values():
            if len(rivals) < 2:
                continue
            rivals.sort(reverse=True)
            if rivals[0][0] - rivals[1][0] < AMBIGUITY_MARGIN:
                losers[x] = None
                break
            losers.setdefault(x, set()).update(t for _, t in rivals[1:])  # type: ignore[union-attr]
    if not losers:
        return set()
    out = set()
    for i, j, _ in sure:
        for x, y in ((i, j), (j, i)):
            if x in losers:
                lose = losers[x]
                if lose is None or records[y].tokens & lose:
                    out.add((i, j))
    return out


def iter_chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
