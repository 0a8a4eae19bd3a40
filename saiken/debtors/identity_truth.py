"""A generated truth set for 名寄せ, and how well `match_debtors` finds it.

`generate(n)` writes about `n` debtor records of people whose identity is known,
through the fast bulk path (`insert_rows`), and returns the truth: record id →
person number. Households share an address, so the hard cases come with it:

- the same person in several systems: kanji variants (髙橋/高橋, 山﨑/山崎, 齋藤/斉藤,
  澤/沢 ...), full/half width, hiragana or half-width kana readings, spaces dropped,
  addresses written with hyphens, full-width digits, kanji numerals or without the
  city; a reading typed wrong (one kana); a birth date typed wrong (one field);
  an old address (moved); the maiden name (marriage), with the old surname
  recorded on the current record or not; a name typed in kana only; no birth date;
- different people who look alike: spouses, parents and children with one surname
  at one address, twins (some with names one kana apart, ユウト/ユウマ), and
  namesakes: the same name and birth date elsewhere in the city (each with their
  own 宛名番号) or outside it (no 宛名番号: indistinguishable on paper, and expected
  to be linked wrongly);
- corporations with and without their 法人番号, 前株/後株 and ㈱ spellings.

The mix (shares in `MIX`) is an assumption, not a measurement of a real city.

`measure(n)` generates, runs `match_debtors` and compares pairs: a pair of
records is *true* when both belong to one generated person, *linked* when both
are in one Person after the run. Precision = true linked pairs / linked pairs;
recall = true linked pairs / true pairs. A queued pair counts as not linked:
until a clerk confirms it, case work does not see the records as one person.

Kept in the debtors app (not saiken.demo) because the benchmark command lives
here and domain apps may not import the demo generator; hence its own name lists.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

import jaconv
from django.db import connection, transaction

from saiken.core.names import is_valid_corporate_number
from saiken.debtors.models import Debtor, DebtorIdentifier
from saiken.ledger.booking import insert_rows


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(item.split(":")) for item in text.split())  # type: ignore[misc]


# Surnames, most common first. Weights 1/(rank + 20): the first is about 2% of people, as 佐藤 is;
# a city has thousands of surnames, these 200 are more concentrated (more namesakes) than life.
SURNAMES = _pairs(
    "佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 渡辺:ワタナベ 伊藤:イトウ 山本:ヤマモト 中村:ナカムラ 小林:コバヤシ "
    "加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 斉藤:サイトウ 松本:マツモト 井上:イノウエ 木村:キムラ "
    "林:ハヤシ 清水:シミズ 山崎:ヤマザキ 森:モリ 阿部:アベ 池田:イケダ 橋本:ハシモト 山下:ヤマシタ 石川:イシカワ 中島:ナカジマ "
    "前田:マエダ 藤田:フジタ 小川:オガワ 後藤:ゴトウ 岡田:オカダ 長谷川:ハセガワ 村上:ムラカミ 近藤:コンドウ 石井:イシイ "
    "斎藤:サイトウ 坂本:サカモト 遠藤:エンドウ 青木:アオキ 藤井:フジイ 西村:ニシムラ 福田:フクダ 太田:オオタ 三浦:ミウラ "
    "藤原:フジワラ 岡本:オカモト 松田:マツダ 中川:ナカガワ 中野:ナカノ 原田:ハラダ 小野:オノ 田村:タムラ 竹内:タケウチ "
    "金子:カネコ 和田:ワダ 中山:ナカヤマ 石田:イシダ 上田:ウエダ 森田:モリタ 原:ハラ 柴田:シバタ 酒井:サカイ 工藤:クドウ "
    "横山:ヨコヤマ 宮崎:ミヤザキ 宮本:ミヤモト 内田:ウチダ 高木:タカギ 安藤:アンドウ 谷口:タニグチ 大野:オオノ 丸山:マルヤマ "
    "今井:イマイ 高田:タカダ 藤本:フジモト 武田:タケダ 村田:ムラタ 上野:ウエノ 杉山:スギヤマ 増田:マスダ 平野:ヒラノ "
    "大塚:オオツカ 千葉:チバ 久保:クボ 松井:マツイ 小島:コジマ 岩崎:イワサキ 桜井:サクライ 野口:ノグチ 松尾:マツオ "
    "野村:ノムラ 木下:キノシタ 菊地:キクチ 佐野:サノ 大西:オオニシ 杉本:スギモト 新井:アライ 浜田:ハマダ 菅原:スガワラ "
    "市川:イチカワ 水野:ミズノ 小松:コマツ 島田:シマダ 古川:フルカワ 小山:コヤマ 高野:タカノ 西田:ニシダ 菊池:キクチ "
    "山内:ヤマウチ 西川:ニシカワ 五十嵐:イガラシ 北村:キタムラ 安田:ヤスダ 中田:ナカタ 川口:カワグチ 平田:ヒラタ 川崎:カワサキ "
    "飯田:イイダ 吉川:ヨシカワ 本田:ホンダ 久保田:クボタ 沢田:サワダ 辻:ツジ 関:セキ 吉村:ヨシムラ 渡部:ワタナベ 岩田:イワタ "
    "中西:ナカニシ 服部:ハットリ 樋口:ヒグチ 福島:フクシマ 川上:カワカミ 永井:ナガイ 松岡:マツオカ 田口:タグチ 山中:ヤマナカ "
    "森本:モリモト 土屋:ツチヤ 矢野:ヤノ 広瀬:ヒロセ 秋山:アキヤマ 石原:イシハラ 松下:マツシタ 大橋:オオハシ 松浦:マツウラ "
    "吉岡:ヨシオカ 小池:コイケ 馬場:ババ 浅野:アサノ 荒木:アラキ 大久保:オオクボ 野田:ノダ 小沢:オザワ 田辺:タナベ "
    "川村:カワムラ 星野:ホシノ 黒田:クロダ 堀:ホリ 尾崎:オザキ 望月:モチヅキ 永田:ナガタ 熊谷:クマガイ 内藤:ナイトウ "
    "松村:マツムラ 西山:ニシヤマ 大谷:オオタニ 平井:ヒライ 大島:オオシマ 岩本:イワモト 片山:カタヤマ 本間:ホンマ 早川:ハヤカワ "
    "横田:ヨコタ 岡崎:オカザキ 荒井:アライ 大石:オオイシ 鎌田:カマタ 成田:ナリタ 宮田:ミヤタ 小田:オダ 石橋:イシバシ "
    "篠原:シノハラ 須藤:ストウ 河野:コウノ 大沢:オオサワ 小西:コニシ 南:ミナミ 高山:タカヤマ 栗原:クリハラ 伊東:イトウ "
    "松原:マツバラ 三宅:ミヤケ 福井:フクイ 大森:オオモリ 奥村:オクムラ 岡:オカ 内山:ウチヤマ 片岡:カタオカ 桑原:クワハラ "
    "野沢:ノザワ 国井:クニイ 黒崎:クロサキ 真田:サナダ 槙野:マキノ 渕上:フチガミ 竜田:タツタ 広田:ヒロタ 高島:タカシマ"
)
# Given names by generation (born before 1960, 1960–1989, from 1990).
MALE = {
    "old": _pairs("茂:シゲル 清:キヨシ 勇:イサム 博:ヒロシ 実:ミノル 進:ススム 正:タダシ 和夫:カズオ 昭:アキラ 武:タケシ 豊:ユタカ "
                  "勝:マサル 弘:ヒロシ 修:オサム 一郎:イチロウ 正雄:マサオ 功:イサオ 稔:ミノル 保:タモツ 忠:タダシ 秀夫:ヒデオ "
                  "国男:クニオ 徳雄:トクオ 健蔵:ケンゾウ 広志:ヒロシ 真一:シンイチ 隆:タカシ 義男:ヨシオ 敏夫:トシオ 幸雄:ユキオ"),
    "mid": _pairs("誠:マコト 浩:ヒロシ 健一:ケンイチ 明:アキラ 学:マナブ 剛:ツヨシ 聡:サトシ 浩二:コウジ 康弘:ヤスヒロ 雅之:マサユキ "
                  "和彦:カズヒコ 秀樹:ヒデキ 孝:タカシ 直樹:ナオキ 大輔:ダイスケ 健太:ケンタ 太郎:タロウ 達也:タツヤ 和也:カズヤ "
                  "竜也:タツヤ 真司:シンジ 哲也:テツヤ 智之:トモユキ 英樹:ヒデキ 浩之:ヒロユキ 裕介:ユウスケ 健二:ケンジ 徹:トオル "
                  "亮介:リョウスケ 崇:タカシ"),
    "young": _pairs("拓也:タクヤ 翔太:ショウタ 亮:リョウ 翔:ショウ 大樹:ダイキ 智也:トモヤ 優斗:ユウト 陸:リク 隼人:ハヤト "
                    "蓮:レン 悠真:ユウマ 湊:ミナト 大和:ヤマト 陽翔:ハルト 悠斗:ユウト 颯太:ソウタ 蒼:アオイ 樹:イツキ 海斗:カイト "
                    "健太郎:ケンタロウ 駿:シュン 涼:リョウ 拓海:タクミ 優真:ユウマ 直人:ナオト 和真:カズマ 竜輝:リュウキ 真央:マオ "
                    "翼:ツバサ 航:ワタル"),
}
FEMALE = {
    "old": _pairs("和子:カズコ 節子:セツコ 幸子:サチコ 洋子:ヨウコ 恵子:ケイコ 京子:キョウコ 美智子:ミチコ 澄子:スミコ 文子:フミコ "
                  "久子:ヒサコ トシ:トシ キミ:キミ 弘子:ヒロコ 悦子:エツコ 信子:ノブコ 順子:ジュンコ 和江:カズエ 良子:ヨシコ "
                  "敏子:トシコ 照子:テルコ 桜子:サクラコ 真佐子:マサコ 徳子:トクコ 広子:ヒロコ 国子:クニコ 静子:シズコ 春子:ハルコ "
                  "千代子:チヨコ 初江:ハツエ 光子:ミツコ"),
    "mid": _pairs("久美子:クミコ 由美子:ユミコ 裕子:ユウコ 直美:ナオミ 真由美:マユミ 明美:アケミ 智子:トモコ 純子:ジュンコ "
                  "陽子:ヨウコ 典子:ノリコ 恵美:エミ 真理子:マリコ 由紀:ユキ 美穂:ミホ 香織:カオリ 沙織:サオリ 花子:ハナコ "
                  "理恵:リエ 友美:トモミ 綾:アヤ 恵:メグミ 真紀:マキ 美香:ミカ 麻美:アサミ 千恵:チエ 祐子:ユウコ 久美:クミ "
                  "幸恵:ユキエ 奈緒子:ナオコ 亜紀:アキ"),
    "young": _pairs("愛:アイ 舞:マイ 麻衣:マイ 彩:アヤ 美咲:ミサキ 七海:ナナミ 千尋:チヒロ 春香:ハルカ 陽菜:ヒナ 結衣:ユイ "
                    "葵:アオイ 凛:リン さくら:サクラ 芽依:メイ 結菜:ユイナ 美和:ミワ 遥:ハルカ 彩花:アヤカ 真由:マユ 優花:ユウカ "
                    "萌:モエ 楓:カエデ 杏:アン 桃子:モモコ 菜々子:ナナコ 恵理:エリ 沙希:サキ 真央:マオ 春菜:ハルナ 美月:ミヅキ"),
}
# ward, towns (town, postal code, 丁目 count or 0 for 番地 addresses)
TOWNS = (
    ("北区", (("太夫浜", "950-3112", 0), ("早通", "950-3372", 0), ("葛塚", "950-3323", 0), ("松浜", "950-3102", 8), ("嘉山", "950-3321", 4))),
    ("東区", (("海老ケ瀬", "950-0806", 0), ("津島屋", "950-0801", 8), ("竹尾", "950-0862", 4), ("大形本町", "950-0031", 6), ("石山", "950-0851", 6), ("紫竹", "950-0864", 7))),
    ("中央区", (("沼垂東", "950-0075", 6), ("米山", "950-0916", 6), ("関新", "951-8141", 3), ("鐘木", "950-1141", 0), ("南長潟", "950-0931", 0),
                ("花園", "950-0086", 2), ("女池", "950-0941", 8), ("万代", "950-0088", 6), ("学校町通一番町", "951-8071", 0), ("西大畑町", "951-8104", 0))),
    ("江南区", (("北山", "950-0116", 0), ("船戸山", "950-0153", 5), ("亀田本町", "950-0134", 4), ("泉町", "950-0123", 5), ("横越中央", "950-0208", 8))),
    ("秋葉区", (("新津本町", "956-0864", 4), ("新津東町", "956-0865", 3), ("荻島", "956-0031", 3), ("程島", "956-0032", 0), ("車場", "956-0015", 0))),
    ("南区", (("白根", "950-1214", 0), ("味方", "950-1261", 0), ("月潟", "950-1101", 0), ("茨曽根", "950-1252", 0))),
    ("西区", (("五十嵐1の町", "950-2101", 0), ("新通", "950-2035", 0), ("小針台", "950-2012", 0), ("坂井東", "950-2041", 6), ("寺尾東", "950-2054", 3), ("小新", "950-2023", 5))),
    ("西蒲区", (("巻甲", "953-0041", 0), ("押付", "959-0425", 0), ("岩室温泉", "953-0104", 0), ("石瀬", "953-0132", 0), ("曽根", "959-0414", 0))),
)
CITY = "新潟市"
BUILDINGS = ("コーポ", "ハイツ", "メゾン", "レジデンス", "マンション")
BUILDING_STEMS = ("さくら", "ひまわり", "白山", "万代", "信濃", "しなの", "朱鷺")
COMPANY_STEMS = _pairs("新潟:ニイガタ 越後:エチゴ 万代:バンダイ 信濃:シナノ 白山:ハクサン 日本海:ニホンカイ 北越:ホクエツ 蒲原:カンバラ "
                       "亀田:カメダ 新津:ニイツ 白根:シロネ 豊栄:トヨサカ 黒埼:クロサキ 巻:マキ 朱鷺:トキ 佐藤:サトウ 本間:ホンマ "
                       "五十嵐:イガラシ 小林:コバヤシ 渡辺:ワタナベ 髙橋:タカハシ 山﨑:ヤマザキ 澤田:サワダ 濱口:ハマグチ 廣川:ヒロカワ")
COMPANY_TRADES = _pairs("建設:ケンセツ 商事:ショウジ 工業:コウギョウ 運輸:ウンユ 食品:ショクヒン 電機:デンキ 不動産:フドウサン "
                        "設備:セツビ 興業:コウギョウ 産業:サンギョウ 物産:ブッサン 製作所:セイサクショ 印刷:インサツ 自動車:ジドウシャ "
                        "農産:ノウサン 酒造:シュゾウ 米菓:ベイカ 鉄工:テッコウ 観光:カンコウ 水産:スイサン")
LEGAL_FORMS = (("株式会社", "カブシキガイシャ", "㈱", "(株)"), ("有限会社", "ユウゲンガイシャ", "㈲", "(有)"), ("合同会社", "ゴウドウガイシャ", "", ""))

# Registered old forms, and what a clerk may type instead.
OLD_FORMS = {
    "高": "髙", "崎": "﨑", "斉": "齊", "斎": "齋", "辺": "邊邉", "沢": "澤", "浜": "濱", "島": "嶋", "桜": "櫻", "広": "廣",
    "国": "國", "竜": "龍", "真": "眞", "徳": "德", "恵": "惠", "蔵": "藏", "槙": "槇", "渕": "淵", "関": "關", "館": "舘",
}
CONFUSIONS = {"斉": "斎", "斎": "斉"}
VOICED = dict(zip("カキクケコサシスセソタチツテトハヒフヘホ", "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"))
VOICED.update({v: k for k, v in VOICED.items()})
# Systems that know a person by a number of their own (one record each).
OTHER_SYSTEMS = ("nhi", "ltc", "late_elderly", "childcare", "housing", "hospital", "scholarship", "welfare")

# Shares (per person, or per extra record for the perturbations).
MIX = {
    "corporation": 0.03,
    "non_resident": 0.08,  # known only to a system other than the resident register (a hospital, a loan)
    "registered_old_form": 0.08,  # the resident register keeps the old kanji (髙橋)
    "extra_records": (0.74, 0.19, 0.06, 0.01),  # people with 0, 1, 2, 3 records besides the main one
    # what happened to an extra record (one at most), else only spelling and format differ
    "kana_typo": 0.07, "birth_typo": 0.04, "moved": 0.12, "maiden_name": 0.05, "kana_only": 0.03, "no_birth": 0.02,
    "old_surname_recorded": 0.3,  # a married woman's current record notes her old surname
    "spouse": 0.55, "children": 0.45, "twins": 0.03, "namesake": 0.003, "namesake_outside": 0.3,
}


@dataclass
class Row:
    kind: str
    name: str
    kana: str
    birth: date | None
    corporate_number: str
    postal: str
    address: str
    identifiers: list[tuple[str, str]]
    person: int
    case: str = "main"


@dataclass
class _Person:
    number: int
    surname: tuple[str, str]
    given: tuple[str, str]
    birth: date
    female: bool
    address: str
    postal: str
    resident: bool = True


@dataclass
class Truth:
    """What was generated: each record's person, and the case that made each extra record."""

    person_of: dict[int, int] = field(default_factory=dict)
    case_of: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return len(self.person_of)


class _Generator:
    def __init__(self, seed: int, as_of: date):
        self.rng = Random(seed)
        self.as_of = as_of
        self.people = 0
        self.rows: list[Row] = []
        weights = [1 / (rank + 20) for rank in range(len(SURNAMES))]
        self.surname_weights = weights

    # --- people ----------------------------------------------------------
    def _new_number(self) -> int:
        self.people += 1
        return self.people

    def _surname(self) -> tuple[str, str]:
        return self.rng.choices(SURNAMES, self.surname_weights)[0]

    def _given(self, birth: date, female: bool) -> tuple[str, str]:
        gen = "old" if birth.year < 1960 else "mid" if birth.year < 1990 else "young"
        return self.rng.choice((FEMALE if female else MALE)[gen])

    def _birth(self, lo_age: int, hi_age: int) -> date:
        return self.as_of - timedelta(days=self.rng.randint(lo_age * 365, hi_age * 365 + 364))

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        ward, towns = rng.choice(TOWNS)
        town, postal, chome = rng.choice(towns)
        if chome:
            street = f"{rng.randint(1, chome)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
        elif rng.random() < 0.5:
            street = f"{rng.randint(1, 4000)}番地" + (str(rng.randint(1, 12)) if rng.random() < 0.4 else "")
        else:
            street = f"{rng.randint(1, 4000)}-{rng.randint(1, 12)}"
        if rng.random() < 0.18:
            street += f" {rng.choice(BUILDING_STEMS)}{rng.choice(BUILDINGS)}{rng.randint(1, 4)}0{rng.randint(1, 8)}"
        return f"{CITY}{ward}{town}{street}", postal

    def household(self) -> None:
        """A household at one address: a head, maybe a spouse, maybe children (twins, sometimes)."""
        rng = self.rng
        address, postal = self._address()
        surname = self._surname()
        female = rng.random() < 0.4
        head_birth = self._birth(22, 92)
        members = [self._make(surname, head_birth, female, address, postal)]
        age = (self.as_of - head_birth).days // 365
        if age >= 25 and rng.random() < MIX["spouse"]:
            spouse_birth = head_birth + timedelta(days=rng.randint(-8 * 365, 8 * 365))
            if (self.as_of - spouse_birth).days >= 20 * 365:
                members.append(self._make(surname, spouse_birth, not female, address, postal))
        if 45 <= age <= 85 and rng.random() < MIX["children"]:
            child_birth = head_birth + timedelta(days=rng.randint(24 * 365, 34 * 365))
            if (self.as_of - child_birth).days >= 20 * 365:
                members.append(self._make(surname, child_birth, rng.random() < 0.5, address, postal))
                if rng.random() < MIX["twins"] / MIX["children"]:
                    members.append(self._twin(members[-1]))
        for m in members:
            self._records(m)
            if rng.random() < MIX["namesake"]:
                self._namesake(m)

    def _make(self, surname, birth: date, female: bool, address: str, postal: str, given=None) -> _Person:
        given = given or self._given(birth, female)
        resident = self.rng.random() >= MIX["non_resident"]
        return _Person(self._new_number(), surname, given, birth, female, address, postal, resident)

    def _twin(self, sibling: _Person) -> _Person:
        """A twin: same surname, birth date and address; another given name, often one kana apart."""
        rng = self.rng
        gen = "old" if sibling.birth.year < 1960 else "mid" if sibling.birth.year < 1990 else "young"
        pool = [g for g in (FEMALE if sibling.female else MALE)[gen] if g[1] != sibling.given[1]]
        close = [g for g in pool if len(g[1]) == len(sibling.given[1]) and sum(a != b for a, b in zip(g[1], sibling.given[1])) == 1]
        given = rng.choice(close) if close and rng.random() < 0.6 else rng.choice(pool)
        p = _Person(self._new_number(), sibling.surname, given, sibling.birth, sibling.female, sibling.address, sibling.postal)
        return p

    def _namesake(self, other: _Person) -> None:
        """Another person with the same name and birth date, elsewhere."""
        address, postal = self._address()
        p = _Person(self._new_number(), other.surname, other.given, other.birth, other.female, address, postal)
        if self.rng.random() < MIX["namesake_outside"]:
            p.resident = False
            p.address = "新潟県長岡市" + p.address.split("区", 1)[1]  # elsewhere in the prefecture
        self._records(p, tag="namesake")

    # --- records -----------------------------------------------------------
    def _case(self) -> str:
        r = self.rng.random()
        for key in ("kana_typo", "birth_typo", "moved", "maiden_name", "kana_only", "no_birth"):
            r -= MIX[key]
            if r < 0:
                return key
        return "format"

    def _records(self, p: _Person, tag: str = "main") -> None:
        rng = self.rng
        surname, given = p.surname, p.given
        reg_surname = surname[0]
        if rng.random() < MIX["registered_old_form"]:
            reg_surname = _to_old(rng, reg_surname)
        name, kana = f"{reg_surname} {given[0]}", f"{surname[1]} {given[1]}"
        extras = rng.choices(range(4), MIX["extra_records"])[0]
        cases = [self._case() for _ in range(extras)]
        maiden = None
        if "maiden_name" in cases:
            maiden = self._surname()
            if not p.female or maiden[1] == surname[1]:
                cases = ["format" if c == "maiden_name" else c for c in cases]
            elif rng.random() < MIX["old_surname_recorded"]:
                name = f"{reg_surname}（旧姓 {maiden[0]}） {given[0]}"
        systems = rng.sample(OTHER_SYSTEMS, extras + 1)
        if p.resident:
            ids = [("resident", _number("resident", p.number))]
        else:
            first = systems.pop(0)
            ids = [(first, _number(first, p.number))]
        self.rows.append(Row("person", name, kana, p.birth, "", p.postal, p.address, ids, p.number, tag))
        for system, case in zip(systems, cases):
            self._extra(p, system, case, maiden)

    def _extra(self, p: _Person, system: str, case: str, maiden) -> None:
        """The same person as another system typed them."""
        rng = self.rng
        surname, given = p.surname, p.given
        birth: date | None = p.birth
        address, postal = p.address, p.postal
        if case == "maiden_name":
            surname = maiden
            if rng.random() < 0.5:
                address, postal = self._address()  # the loan taken out at her parents' home
        name = f"{_spelling(rng, surname[0])} {_spelling(rng, given[0])}"
        kana = f"{surname[1]} {given[1]}"
        if case == "kana_typo":
            kana = _kana_typo(rng, kana)
        elif case == "birth_typo":
            birth = _birth_typo(rng, p.birth)
        elif case == "moved":
            address, postal = self._address()
        elif case == "kana_only":
            name = kana
        elif case == "no_birth":
            birth = None
        name, kana = _format_name(rng, name), _format_kana(rng, kana)
        if address == p.address:
            address = _format_address(rng, address)
        self.rows.append(Row("person", name, kana, birth, "", postal, address, [(system, _number(system, p.number))], p.number, case))

    def corporation(self) -> None:
        rng = self.rng
        number = self._new_number()
        stem, trade = rng.choice(COMPANY_STEMS), rng.choice(COMPANY_TRADES)
        form = rng.choices(LEGAL_FORMS, (0.7, 0.22, 0.08))[0]
        front = rng.random() < 0.6
        name = f"{form[0]}{stem[0]}{trade[0]}" if front else f"{stem[0]}{trade[0]}{form[0]}"
        kana = f"{form[1]}{stem[1]}{trade[1]}" if front else f"{stem[1]}{trade[1]}{form[1]}"
        corp = _corporate_number(number)
        address, postal = self._address()
        self.rows.append(Row("corporation", name, kana, None, corp, postal, address, [], number))
        extras = rng.choices(range(4), MIX["extra_records"])[0]
        for _ in range(extras):
            other_name = name
            if form[2] and rng.random() < 0.4:
                other_name = name.replace(form[0], rng.choice(form[2:]))
            other_kana = kana if rng.random() < 0.7 else kana.replace(form[1], "")
            other_address, other_postal, case = _format_address(rng, address), postal, "format"
            if rng.random() < 0.1:
                (other_address, other_postal), case = self._address(), "moved"
            self.rows.append(Row("corporation", other_name, _format_kana(rng, other_kana), None, corp if rng.random() < 0.6 else "",
                                 other_postal, other_address, [], number, case))


def _number(system: str, n: int) -> str:
    prefix = {"resident": "R", "nhi": "N", "ltc": "L", "late_elderly": "K", "childcare": "H", "housing": "J", "hospital": "M",
              "scholarship": "S", "welfare": "W"}[system]
    return f"{prefix}{n:09d}"


def _corporate_number(n: int) -> str:
    base = f"{(7_000_000_000 + n * 7919) % 10**12:012d}"
    s = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base)))
    number = f"{9 - s % 9}{base}"
    assert is_valid_corporate_number(number)
    return number


def _to_old(rng: Random, text: str) -> str:
    spots = [i for i, ch in enumerate(text) if ch in OLD_FORMS]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + rng.choice(OLD_FORMS[text[i]]) + text[i + 1:]


def _spelling(rng: Random, text: str) -> str:
    """How another system writes a name part: often the common form, sometimes an old one or a confusion."""
    r = rng.random()
    if r < 0.25:
        return _to_old(rng, text)
    if r < 0.32 and any(ch in CONFUSIONS for ch in text):
        return "".join(CONFUSIONS.get(ch, ch) for ch in text)
    return text


def _format_name(rng: Random, name: str) -> str:
    r = rng.random()
    if r < 0.3:
        return name.replace(" ", "")
    if r < 0.5:
        return name.replace(" ", "\u3000")
    return name


def _format_kana(rng: Random, kana: str) -> str:
    r = rng.random()
    if r < 0.3:
        kana = jaconv.z2h(kana, kana=True, ascii=False, digit=False)
    elif r < 0.4:
        kana = jaconv.kata2hira(kana)
    if rng.random() < 0.2:
        kana = kana.replace(" ", "")
    return kana


def _format_address(rng: Random, address: str) -> str:
    r = rng.random()
    if r < 0.25:
        return jaconv.h2z(address, digit=True, ascii=False, kana=False)
    if r < 0.45 and "丁目" in address:
        return address.replace("丁目", "-").replace("番地", "").replace("番", "-").replace("号", "")
    if r < 0.6:
        return address.removeprefix(CITY)
    if r < 0.7:
        return "新潟県" + address
    if r < 0.8 and "丁目" in address:
        n = address[address.index("丁目") - 1]
        return address.replace(f"{n}丁目", "一二三四五六七八九"[int(n) - 1] + "丁目") if n.isdigit() and n != "0" else address
    if r < 0.9 and " " in address:
        return address.split(" ")[0]  # without the building
    return address


def _kana_typo(rng: Random, kana: str) -> str:
    """One kana wrong: voiced for unvoiced, dropped, doubled, or two swapped."""
    spots = [i for i, ch in enumerate(kana) if ch != " "]
    for _ in range(20):
        i = rng.choice(spots)
        op = rng.random()
        if op < 0.4 and kana[i] in VOICED:
            out = kana[:i] + VOICED[kana[i]] + kana[i + 1:]
        elif op < 0.6 and len(spots) > 4:
            out = kana[:i] + kana[i + 1:]
        elif op < 0.8:
            out = kana[:i] + kana[i] + kana[i:]
        elif i + 1 < len(kana) and kana[i + 1] != " " and kana[i + 1] != kana[i]:
            out = kana[:i] + kana[i + 1] + kana[i] + kana[i + 2:]
        else:
            continue
        if out != kana:
            return out
    return kana


def _birth_typo(rng: Random, birth: date) -> date:
    """One field wrong: the day or month off by one or swapped, the year's last digits swapped or off by one."""
    for _ in range(20):
        y, m, d = birth.year, birth.month, birth.day
        r = rng.random()
        if r < 0.35:
            d = d + rng.choice((-1, 1))
        elif r < 0.5:
            d = int(f"{d:02d}"[::-1])
        elif r < 0.65:
            m = m + rng.choice((-1, 1))
        elif r < 0.75:
            m, d = d, m
        elif r < 0.9:
            y = y + rng.choice((-1, 1))
        else:
            y = y // 100 * 100 + int(f"{y % 100:02d}"[::-1])
        try:
            out = date(y, m, d)
        except ValueError:
            continue
        if out != birth:
            return out
    return birth + timedelta(days=1)


def plan(records: int, seed: int = 1, as_of: date = date(2026, 11, 27)) -> list[Row]:
    """About `records` rows (whole households: a few more), in a fixed order for the seed."""
    g = _Generator(seed, as_of)
    while len(g.rows) < records:
        if g.rng.random() < MIX["corporation"]:
            g.corporation()
        else:
            g.household()
    # Shuffled: each system's records arrive as that system exports them, not person by person.
    g.rng.shuffle(g.rows)
    return g.rows


DEBTOR_FIELDS = ("kind", "name", "name_kana", "birth_date", "corporate_number", "postal_code", "address")
CHUNK = 50_000


def generate(records: int, seed: int = 1, progress: Callable[[str], None] | None = None) -> Truth:
    """Write the truth set as debtors (and their identifiers); return who is who."""
    progress = progress or (lambda message: None)
    started = time.perf_counter()
    rows = plan(records, seed)
    truth = Truth()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        with transaction.atomic():
            ids, _ = insert_rows(
                Debtor, DEBTOR_FIELDS, [(r.kind, r.name, r.kana, r.birth, r.corporate_number, r.postal, r.address) for r in chunk]
            )
            insert_rows(
                DebtorIdentifier, ("debtor_id", "system", "value"),
                [(pk, system, value) for pk, r in zip(ids, chunk) for system, value in r.identifiers], returning=False,
            )
        for pk, r in zip(ids, chunk):
            truth.person_of[pk] = r.person
            truth.case_of[pk] = r.case
        progress(f"生成 {min(start + CHUNK, len(rows)):,}/{len(rows):,}件")
    truth.seconds = time.perf_counter() - started
    return truth


def _pairs_within(groups) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups)


def evaluate(truth: Truth) -> dict:
    """Precision and recall over pairs (a queued pair counts as not linked), with the
    true pairs missed and the false pairs linked by the case of their records."""
    from saiken.debtors.models import DebtorLink

    predicted: dict[int, list[int]] = defaultdict(list)
    for debtor_id, person_id in DebtorLink.objects.values_list("debtor_id", "person_id").iterator(chunk_size=50_000):
        if debtor_id in truth.person_of:
            predicted[person_id].append(debtor_id)
    actual: dict[int, list[int]] = defaultdict(list)
    for debtor_id, person in truth.person_of.items():
        actual[person].append(debtor_id)
    linked_pairs = _pairs_within(predicted.values())
    true_pairs = _pairs_within(actual.values())
    hits = 0
    false_by_case: Counter = Counter()
    for members in predicted.values():
        by_person = Counter(truth.person_of[m] for m in members)
        hits += sum(k * (k - 1) // 2 for k in by_person.values())
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if truth.person_of[a] != truth.person_of[b]:
                    false_by_case["+".join(sorted((truth.case_of[a], truth.case_of[b])))] += 1
    person_of_link = {d: p for p, ms in predicted.items() for d in ms}
    missed_by_case: Counter = Counter()
    for members in actual.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                pa = person_of_link.get(a)
                if pa is None or pa != person_of_link.get(b):
                    missed_by_case["+".join(sorted((truth.case_of[a], truth.case_of[b])))] += 1
    return {
        "true_pairs": true_pairs,
        "linked_pairs": linked_pairs,
        "true_linked_pairs": hits,
        "precision": round(hits / linked_pairs, 5) if linked_pairs else 1.0,
        "recall": round(hits / true_pairs, 5) if true_pairs else 1.0,
        "false_pairs_by_case": dict(false_by_case.most_common()),
        "missed_pairs_by_case": dict(missed_by_case.most_common()),
    }


def measure(n: int, seed: int = 1, progress: Callable[[str], None] | None = None) -> dict:
    """Generate `n` records of known identity, match them, and say how well it went.
    The database should hold no other debtors (they would be matched too, and timed)."""
    from saiken.debtors.identity import match_debtors

    truth = generate(n, seed, progress)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # a freshly loaded table has no statistics yet (in service autovacuum has them); not timed
    result = match_debtors(progress)
    return {
        "records": truth.records,
        "generation_seconds": round(truth.seconds, 2),
        "seconds": result.seconds,
        "pairs_scored": result.pairs_scored,
        "linked": result.linked,
        "queued": result.queued,
        "unmatched": result.unmatched,
        "oversized_blocks": result.oversized_blocks,
        **evaluate(truth),
    }
