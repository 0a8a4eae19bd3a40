"""The demo city (デモ市): a reproducible plan of debtors, assessments, payments and write-offs.

Pure: no Django, no clock. Every person is planned from their own random stream,
`Random(seed, person number)`, so the same seed, as-of date and number of years give
the same city whatever the block size, and a small city is the first part of a
larger one.

How a person's debts behave (calibrated so the city's collection rates look like
the seed's city: about 94–95% overall, 98–99% for the current year, 20–30% for
arrears):

- each instalment is paid on time, or late, or is still unpaid when its fiscal
  year's accounts close on May 31 (出納閉鎖). The chance of each depends on the
  receivable (`BEHAVIOUR`) and on the person: most people always pay, a few
  struggle, a very few almost never pay;
- an instalment carried over (滞納繰越) is paid, often in parts (分納), in some
  later year, or is written off (不納欠損): public receivables when prescription
  completes (2 years for 国保・介護・後期, 5 years otherwise, renewed by a part
  payment) or on a 執行停止; private ones when the debtor invokes prescription or
  the city waives the claim;
- the ledger starts on June 1 of the first generated year. Debts of the five
  years before (pre-history) that were still open then are migrated as
  instalments of their own fiscal year, assessed on that day for the open amount
  (移行データ), so the first reported year already has realistic arrears.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import NamedTuple

import jaconv

from saiken.catalog.seed import RECEIVABLES
from saiken.core.calendar import statutory_due
from saiken.core.formats.kana import bank_kana
from saiken.core.fiscal import fiscal_year_of
from saiken.demo import names, places

# People planned per scale. A person makes about 20 instalment lines over six years,
# so M ≈ 2 million lines and L ≈ 20 million, the whole city of DOMAIN.md §10
# (3.5–4 million lines a year, five live years).
SCALES = {"XS": 300, "S": 10_000, "M": 100_000, "L": 1_000_000}
PRE_HISTORY_YEARS = 5
CORPORATION_SHARE = 0.03
DUPLICATE_SHARE = 0.015
# Direct debit (口座振替): the share of the people owing one of DEBIT_RECEIVABLES in the
# current year who have the city debit it from their account (a city's 口座振替率 for
# 市税 and 保育料 is about a third), as mandates (口座振替依頼書) of the demo city.
DEBIT_RECEIVABLES = ("city_tax", "nursery_fee")
DEBIT_SHARE = 0.35


@dataclass(frozen=True)
class CityConfig:
    seed: int
    debtors: int
    as_of: date
    years: int = 6
    debit_share: float = DEBIT_SHARE  # of (person, receivable) of DEBIT_RECEIVABLES with a mandate

    def __post_init__(self):
        if self.debtors < 1:
            raise ValueError("debtors must be at least 1")
        if self.years < 1:
            raise ValueError("years must be at least 1")
        if not 0.0 <= self.debit_share <= 1.0:
            raise ValueError("debit_share must be between 0 and 1")

    @property
    def last_fy(self) -> int:
        """The fiscal year containing as-of: only what was assessed and paid so far."""
        return fiscal_year_of(self.as_of)

    @property
    def first_fy(self) -> int:
        return self.last_fy - self.years + 1

    @property
    def pre_fy(self) -> int:
        return self.first_fy - PRE_HISTORY_YEARS

    @property
    def cutover(self) -> date:
        """The day the ledger starts: June 1 of the first year, after the previous year closed."""
        return date(self.first_fy, 6, 1)


def last_complete_year(as_of: date) -> int:
    """The latest fiscal year whose accounts closed (May 31) before `as_of`."""
    y = as_of.year - 1
    while date(y + 1, 5, 31) >= as_of:
        y -= 1
    return y


# ---------------------------------------------------------------------------
# What the plan contains. Debtors are referred to by their position in the
# person's records (0 = the main record, 1 = a duplicate from another system),
# instalments and payments by their position in the person's lists.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DebtorRecord:
    kind: str  # "person" | "corporation"
    name: str
    name_kana: str
    birth_date: date | None
    corporate_number: str
    postal_code: str
    address: str
    identifiers: tuple[tuple[str, str], ...]  # (system, value)
    contacts: tuple[tuple[str, str, str], ...]  # (kind, value, note)


class PlannedInstalment(NamedTuple):
    record: int
    receivable: str  # ReceivableType.code
    fiscal_year: int
    subject: str
    instalment_no: int
    nominal_due: date
    amount: int
    assessed_on: date
    notice_number: str
    arose_on: date | None = None  # the loan's contract date (契約日), see Enrolment.contract


class PlannedPayment(NamedTuple):
    instalment: int
    amount: int
    paid_on: date
    booked_on: date
    channel: str
    reference: str


class PlannedWriteOff(NamedTuple):
    instalment: int
    booked_on: date
    reason: str  # WriteOffReason value


class PlannedMandate(NamedTuple):
    """A 口座振替依頼 (direct-debit mandate) of one of the person's records for one receivable."""

    record: int
    receivable: str
    bank_code: str
    branch_code: str
    account_type: str  # 預金種目: 1 普通, 2 当座, 3 納税準備
    account_number: str  # 7 digits
    holder_kana: str  # the account's name as the bank holds it: half-width kana, no small kana
    valid_from: date
    debited_before: bool  # the first debit (新規コード 1) is behind it


@dataclass
class PersonPlan:
    number: int
    records: list[DebtorRecord] = field(default_factory=list)
    instalments: list[PlannedInstalment] = field(default_factory=list)
    payments: list[PlannedPayment] = field(default_factory=list)
    write_offs: list[PlannedWriteOff] = field(default_factory=list)
    mandates: list[PlannedMandate] = field(default_factory=list)


# ---------------------------------------------------------------------------
# How each receivable is paid. Probabilities are for an average person; the
# person's own risk multiplies them.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    unpaid: float  # still unpaid when the year's accounts close
    late: float  # paid after the due date (usually within the year)
    arrears_pay: float  # chance per later year that something is paid on a carried-over instalment
    legal_class: str  # forcible | non_forcible | private
    prescription_years: int
    old_law_years: int | None = None  # private claims arising before 2020-04-01
    id_system: str = "resident"  # the source system that knows the debtor for this receivable


BEHAVIOUR: dict[str, Behaviour] = {
    "city_tax": Behaviour(0.010, 0.030, 0.50, "forcible", 5),
    "nursery_fee": Behaviour(0.020, 0.040, 0.36, "forcible", 5, id_system="childcare"),
    "premature_infant_care": Behaviour(0.040, 0.050, 0.25, "forcible", 5, id_system="childcare"),
    "after_school_club": Behaviour(0.030, 0.050, 0.25, "non_forcible", 5, id_system="childcare"),
    "municipal_housing": Behaviour(0.030, 0.080, 0.32, "private", 5, 5, id_system="housing"),
    "cleaning_fee": Behaviour(0.040, 0.050, 0.25, "non_forcible", 5),
    "scholarship_loan": Behaviour(0.070, 0.060, 0.25, "private", 5, 10, id_system="scholarship"),
    "welfare_repayment": Behaviour(0.100, 0.080, 0.22, "non_forcible", 5, id_system="welfare"),
    "national_health_insurance": Behaviour(0.050, 0.080, 0.38, "forcible", 2, id_system="nhi"),
    "single_parent_welfare_loan": Behaviour(0.070, 0.060, 0.25, "private", 5, 10, id_system="welfare"),
    "long_term_care_insurance": Behaviour(0.015, 0.030, 0.30, "forcible", 2, id_system="ltc"),
    "late_elderly_medical_insurance": Behaviour(0.015, 0.030, 0.30, "forcible", 2, id_system="late_elderly"),
    "sewer_beneficiary_charge": Behaviour(0.020, 0.040, 0.34, "forcible", 5),
    "hospital_fee": Behaviour(0.060, 0.100, 0.34, "private", 5, 3, id_system="hospital"),
}
RECEIVABLE_NUMBERS = {code: number for code, number, *_ in RECEIVABLES}
# Systems whose clerks type names themselves: where a person's duplicate record comes from.
DUPLICATE_SOURCES = ("hospital_fee", "municipal_housing", "scholarship_loan", "single_parent_welfare_loan")

# (channel, weight) for paying on time; days between paying and the city's booking.
ON_TIME_CHANNELS = (
    ("direct_debit", 40), ("convenience", 24), ("bank", 14), ("smartphone", 7), ("payeasy", 4),
    ("elqr", 4), ("credit", 3), ("counter", 4),
)
LATE_CHANNELS = (("convenience", 40), ("bank", 25), ("counter", 25), ("smartphone", 10))
ARREARS_CHANNELS = (("counter", 35), ("bank", 25), ("convenience", 25), ("collection", 15))
BOOKING_LAG = {
    "counter": (0, 0), "collection": (0, 1), "direct_debit": (0, 1), "bank": (1, 2), "payeasy": (1, 1),
    "convenience": (2, 3), "elqr": (1, 3), "smartphone": (1, 3), "credit": (1, 3),
}
PRIVATE_SYSTEM_CHANNELS = (("counter", 35), ("bank", 35), ("convenience", 20), ("credit", 10))


def _weighted(rng: Random, table) -> str:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


def _eom(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _in_fy(fy: int, month: int) -> int:
    """Calendar year of `month` in fiscal year `fy` (April–March)."""
    return fy if month >= 4 else fy + 1


def _due(fy: int, month: int, day: int | None = None) -> date:
    y = _in_fy(fy, month)
    return _eom(y, month) if day is None else date(y, month, min(day, calendar.monthrange(y, month)[1]))


def _split(total: int, n: int, unit: int) -> list[int]:
    """Split an annual amount into n instalments in units of `unit`; the remainder goes to the first (第1期)."""
    base = total // n // unit * unit
    if n == 1 or base == 0:
        return [total]
    return [total - base * (n - 1)] + [base] * (n - 1)


def _lognormal(rng: Random, median: float, sigma: float, lo: int, hi: int, unit: int = 100) -> int:
    v = median * rng.lognormvariate(0.0, sigma)
    return max(lo, min(hi, int(v) // unit * unit))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # Feb 29
        return d.replace(year=d.year + years, day=28)


# ---------------------------------------------------------------------------
# Schedules: when each subject falls due and is assessed.
# ---------------------------------------------------------------------------

FY_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


class Schedule(NamedTuple):
    months: tuple[int, ...]
    days: tuple[int | None, ...]  # None = end of month
    assessed: tuple[int, int] | None  # (month, day) for an annual notice; None = assessed monthly on the 1st
    unit: int  # instalment amounts in multiples of this (remainder on the first)


def _sched(months, assessed, unit=100, days=None) -> Schedule:
    return Schedule(tuple(months), tuple(days or [None] * len(months)), assessed, unit)


SCHEDULES = {
    "市民税・県民税（普通徴収）": _sched((6, 8, 10, 1), (6, 10), 1000),
    "固定資産税・都市計画税": _sched((4, 7, 12, 2), (4, 1), 1000, days=(None, None, 25, None)),
    "軽自動車税（種別割）": _sched((5,), (4, 10)),
    "国民健康保険料": _sched(FY_MONTHS[2:], (6, 12)),
    "介護保険料（普通徴収）": _sched(FY_MONTHS[2:], (6, 12)),
    "後期高齢者医療保険料（普通徴収）": _sched(FY_MONTHS[3:], (7, 10)),
    "保育料": _sched(FY_MONTHS, None),
    "ひまわりクラブ利用料": _sched(FY_MONTHS, None),
    "家賃": _sched(FY_MONTHS, None),
    "駐車場使用料": _sched(FY_MONTHS, None),
    "し尿くみ取り手数料": _sched((5, 7, 9, 11, 1, 3), None),
    "事業系一般廃棄物処理手数料": _sched(FY_MONTHS, None),
    "奨学金返還金": _sched((9, 3), (4, 1)),
    "母子父子寡婦福祉資金償還金": _sched(FY_MONTHS, (4, 1)),
    "下水道事業受益者負担金": _sched((6, 8, 10, 12), (5, 20), 100, days=(None, None, None, 25)),
}


SUBJECT_CODES = {subject: n for n, subject in enumerate(SCHEDULES, start=1)}
# Fees that do not follow income: the same every year.
FIXED_AMOUNTS = {"軽自動車税（種別割）", "駐車場使用料", "ひまわりクラブ利用料"}


class Enrolment(NamedTuple):
    """A person owes `receivable` (as `subject`) in fiscal years first..last, about `base` yen."""

    record: int
    receivable: str
    subject: str
    first: int
    last: int
    base: int  # annual amount, or monthly fee for monthly subjects, or typical bill
    chance: float = 1.0  # chance per year of owing (hospital bills, welfare repayments)
    # A loan's contract date (契約日): every instalment arises from it, so one made before
    # 2020-04-01 keeps the old civil code's prescription (改正民法附則10条4項).
    contract: date | None = None


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

# The first people of every city owe one receivable each, so even a city of a few
# dozen people has all 14: (receivable, age at as-of, subject, amount, chance per year).
CAST = (
    ("city_tax", 52, "市民税・県民税（普通徴収）", 120_000, 1.0),
    ("nursery_fee", 33, "保育料", 28_000, 1.0),
    ("premature_infant_care", 31, "養育医療費負担金", 9_000, 1.0),
    ("after_school_club", 39, "ひまわりクラブ利用料", 6_000, 1.0),
    ("municipal_housing", 61, "家賃", 19_500, 1.0),
    ("cleaning_fee", 67, "し尿くみ取り手数料", 4_800, 1.0),
    ("scholarship_loan", 28, "奨学金返還金", 54_000, 1.0),
    ("welfare_repayment", 47, "生活保護法63条返還金", 180_000, 0.5),
    ("national_health_insurance", 58, "国民健康保険料", 160_000, 1.0),
    ("single_parent_welfare_loan", 36, "母子父子寡婦福祉資金償還金", 11_000, 1.0),
    ("long_term_care_insurance", 71, "介護保険料（普通徴収）", 62_000, 1.0),
    ("late_elderly_medical_insurance", 82, "後期高齢者医療保険料（普通徴収）", 48_000, 1.0),
    ("sewer_beneficiary_charge", 55, "下水道事業受益者負担金", 70_000, 1.0),
    ("hospital_fee", 44, "診療費", 38_000, 0.8),
)

AGE_BANDS = ((20, 29, 10), (30, 39, 13), (40, 49, 17), (50, 59, 16), (60, 69, 17), (70, 79, 17), (80, 96, 10))


def _age_at(birth: date, fy: int) -> int:
    """Age on April 1 of the fiscal year."""
    d = date(fy, 4, 1)
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


def _generation(birth: date) -> str:
    return "old" if birth.year < 1960 else "mid" if birth.year < 1990 else "young"


def corporate_number(base12: int) -> str:
    """法人番号: 12 digits with the check digit in front (9 − Σ(P×Q) mod 9, Q = 1, 2 from the lowest digit)."""
    digits = f"{base12:012d}"
    s = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(digits)))
    return f"{9 - s % 9}{digits}"


def _mod11(body: str) -> str:
    s = sum(int(d) * (i % 6 + 2) for i, d in enumerate(reversed(body)))
    return str((11 - s % 11) % 10)


def identifier(system: str, number: int) -> str:
    """A deterministic, unique-per-system number for person `number` in `system`."""
    if system == "resident":  # 宛名番号: 10 digits with a check digit
        body = f"{(number * 7919 + 104_729) % 10**9:09d}"
        return body + _mod11(body)
    if system == "nhi":
        return f"15{(number * 3571 + 17) % 10**8:08d}"
    if system == "ltc":
        return f"{(number * 6007 + 1_000_000_001) % 10**10:010d}"
    if system == "late_elderly":
        return f"{(number * 2741 + 39) % 10**8:08d}"
    if system == "childcare":
        return f"H{(number * 97 + 11) % 10**8:08d}"
    if system == "housing":
        return f"J{(number * 131 + 7) % 10**7:07d}"
    if system == "hospital":
        return f"{(number * 389 + 5) % 10**8:08d}"
    if system == "scholarship":
        return f"S{(number * 211 + 3) % 10**7:07d}"
    if system == "welfare":
        return f"W{(number * 157 + 9) % 10**7:07d}"
    raise ValueError(system)


def _street(rng: Random, town: str, chome: int) -> str:
    if chome:
        addr = f"{town}{rng.randint(1, chome)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号"
    elif rng.random() < 0.5:
        addr = f"{town}{rng.randint(1, 4000)}番地"
        if rng.random() < 0.4:
            addr += str(rng.randint(1, 12))
    else:
        addr = f"{town}{rng.randint(1, 4000)}-{rng.randint(1, 12)}"
    if rng.random() < 0.18:
        addr += f" {rng.choice(places.BUILDING_STEMS)}{rng.choice(places.BUILDINGS)}{rng.randint(1, 4)}0{rng.randint(1, 8)}"
    return addr


def _phone(rng: Random, area: str, mobile: bool) -> str:
    if mobile:
        return f"{rng.choice(('090', '080', '070'))}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"
    if area == "025":
        return f"025-{rng.randint(200, 399)}-{rng.randint(0, 9999):04d}"
    return f"{area}-{rng.randint(20, 89)}-{rng.randint(0, 9999):04d}"


def _name_variant(rng: Random, name: str, kana: str) -> tuple[str, str]:
    """How another system spells the same person: a variant kanji, the space, half-width kana."""
    surname, given = name.split(" ", 1)
    out_name, out_kana = name, kana
    changes = 0
    alternatives = names.variants_of(surname)
    if alternatives and rng.random() < 0.75:
        out_name = f"{rng.choice(alternatives)} {given}"
        changes += 1
    r = rng.random()
    if r < 0.35 or not changes:
        sep = rng.choice(("", "\u3000"))
        out_name = out_name.replace(" ", sep, 1)
        changes += 1
    if rng.random() < 0.4:
        out_kana = jaconv.z2h(out_kana, kana=True, ascii=False, digit=False)
    elif rng.random() < 0.3:
        out_kana = out_kana.replace(" ", "")
    return out_name, out_kana


def _address_variant(rng: Random, address: str) -> str:
    """Same place, written differently: full-width digits, or 丁目・番・号 as hyphens, or no city name."""
    r = rng.random()
    if r < 0.4:
        return jaconv.h2z(address, digit=True, ascii=False, kana=False)
    if r < 0.8 and "丁目" in address:
        return address.replace("丁目", "-").replace("番地", "").replace("番", "-").replace("号", "")
    return address.removeprefix(places.CITY)


# ---------------------------------------------------------------------------
# The plan of one person
# ---------------------------------------------------------------------------


class _Person:
    """The state used while planning one person; discarded afterwards."""

    def __init__(self, cfg: CityConfig, number: int):
        self.cfg = cfg
        self.number = number
        self.rng = Random(cfg.seed * 4_294_967_296 + number)
        self.plan = PersonPlan(number)
        self.enrolments: list[Enrolment] = []
        self.paid_refs = 0
        # Set while planning: risk multiplier, how arrears get paid, preferred channel, liable years.
        self.risk = 1.0
        self.arrears_factor = 1.0
        self.channel = "bank"
        self.start = self.end = cfg.first_fy
        self.birth: date | None = None


def plan_person(cfg: CityConfig, number: int) -> PersonPlan:
    p = _Person(cfg, number)
    rng = p.rng
    cast = CAST[number] if number < len(CAST) else None
    corporation = rng.random() < CORPORATION_SHARE and cast is None
    ward, _, area, towns = _pick_ward(rng)
    town, postal, chome = rng.choice(towns)
    address = f"{places.CITY}{ward}{_street(rng, town, chome)}"
    rural = ward in ("北区", "江南区", "秋葉区", "南区", "西蒲区")

    # Risk: most people pay; some struggle; a few almost never pay. Mean ≈ 1.
    r = rng.random()
    if r < 0.86:
        p.risk, p.arrears_factor = 0.18, 1.5
    elif r < 0.975:
        p.risk, p.arrears_factor = 4.0, 1.0
    else:
        p.risk, p.arrears_factor = 16.0, 0.7
    p.channel = _weighted(rng, ON_TIME_CHANNELS)

    # The years the person is in the city and liable at all (moves, deaths, coming of age).
    lo, hi = cfg.pre_fy, cfg.last_fy
    r = rng.random()
    start, end = lo, hi
    if r < 0.15:
        start = rng.randint(lo + 1, hi)
    elif r < 0.27:
        end = rng.randint(lo, hi - 1)
    elif r < 0.33:
        start = rng.randint(lo + 1, hi)
        end = min(hi, start + rng.randint(0, 3))
    p.start, p.end = (lo, hi) if cast else (start, end)

    if corporation:
        record = _corporation(p, address, postal, area)
        p.birth = None
        _enrol_corporation(p, rural)
    else:
        age = _pick_age(rng) if cast is None else cast[1]
        birth = cfg.as_of - timedelta(days=age * 365 + rng.randint(0, 364))
        if _age_at(birth, p.start) < 20:  # liable from the year they come of age
            p.start = max(p.start, birth.year + 21)
        p.birth = birth
        record = _personal(p, birth, address, postal, area)
        _enrol_person(p, birth, rural)
        if cast and not any(e.receivable == cast[0] for e in p.enrolments):
            code, _, subject, base, chance = cast
            contract = {"scholarship_loan": birth.year + 18, "single_parent_welfare_loan": cfg.first_fy - 3}.get(code)
            p.enrolments.append(Enrolment(0, code, subject, cfg.first_fy - 1, cfg.last_fy, base, chance,
                                          _contract(p, contract) if contract else None))
    if p.start > p.end:
        p.enrolments.clear()

    duplicate = not corporation and rng.random() < DUPLICATE_SHARE
    if duplicate:
        _make_duplicate(p, record)
    # Identifiers: the resident number for the main record, and each system's number
    # on the record that system holds.
    systems: list[set[str]] = [{"resident"}] + [set() for _ in p.plan.records[1:]]
    for e in p.enrolments:
        systems[e.record].add(BEHAVIOUR[e.receivable].id_system)
    p.plan.records[0] = _with_identifiers(record, systems[0], number)
    for i in range(1, len(p.plan.records)):
        p.plan.records[i] = _with_identifiers(p.plan.records[i], systems[i], number)

    for fy in range(cfg.pre_fy, cfg.last_fy + 1):
        _plan_year(p, fy)
    _plan_mandates(p)
    return p.plan


# Accounts of the city's residents: (bank, branch, weight) at banks of the Niigata area
# (統一金融機関コード of the 全銀協 master; tests check each exists).
DEBIT_BRANCHES = (
    ("0140", "270", 18), ("0140", "253", 10), ("0140", "259", 8), ("0140", "239", 4),  # 第四北越 新潟・新潟駅前・南新潟・県庁
    ("0532", "002", 8), ("0532", "070", 4),  # 大光 新潟・新潟駅前
    ("9900", "108", 14), ("9900", "118", 6),  # ゆうちょ 店名 一〇八・一一八
    ("1370", "002", 6),  # 新潟信金 本店
    ("2351", "002", 4),  # 新潟縣信組 本店営業部
    ("5864", "001", 6),  # 新潟市農協
    ("0001", "400", 4), ("0009", "007", 3), ("0005", "426", 3),  # みずほ・三井住友・三菱UFJ 新潟
)


def _plan_mandates(p: _Person) -> None:
    """Direct-debit mandates for the person's DEBIT_RECEIVABLES owed in the current year.

    Drawn from a random stream of their own, so the share changes no other part of the
    city (its debtors, instalments and payments stay those of the same seed)."""
    cfg = p.cfg
    rng = Random(f"debit:{cfg.seed}:{p.number}")
    seen: set[tuple[int, str]] = set()
    for e in p.enrolments:
        key = (e.record, e.receivable)
        if e.receivable not in DEBIT_RECEIVABLES or key in seen or not e.first <= cfg.last_fy <= e.last:
            continue
        seen.add(key)
        if rng.random() >= cfg.debit_share:
            continue
        record = p.plan.records[e.record]
        try:
            holder = bank_kana(record.name_kana, 30)
        except ValueError:  # a reading a bank could not hold: the person pays another way
            continue
        bank, branch = _weighted(rng, [((b, br), w) for b, br, w in DEBIT_BRANCHES])
        corporation = record.kind == "corporation"
        kind = "2" if corporation and rng.random() < 0.5 else ("3" if e.receivable == "city_tax" and rng.random() < 0.03 else "1")
        since = max(e.first, cfg.first_fy, cfg.last_fy - rng.randint(0, 5))
        p.plan.mandates.append(PlannedMandate(
            e.record, e.receivable, bank, branch, kind, f"{rng.randint(1, 9_999_999):07d}", holder, date(since, 4, 1),
            debited_before=since < cfg.last_fy,
        ))


def _with_identifiers(record: DebtorRecord, systems: set[str], number: int) -> DebtorRecord:
    order = ("resident", "nhi", "ltc", "late_elderly", "childcare", "housing", "hospital", "scholarship", "welfare")
    ids = tuple((s, identifier(s, number)) for s in order if s in systems)
    return DebtorRecord(**{**record.__dict__, "identifiers": ids})


def _pick_ward(rng: Random):
    x = rng.random()
    for w in places.WARDS:
        x -= w[1]
        if x < 0:
            return w
    return places.WARDS[-1]


def _pick_age(rng: Random) -> int:
    total = sum(w for *_, w in AGE_BANDS)
    x = rng.random() * total
    for lo, hi, w in AGE_BANDS:
        x -= w
        if x < 0:
            return rng.randint(lo, hi)
    return 50


def _personal(p: _Person, birth: date, address: str, postal: str, area: str) -> DebtorRecord:
    rng = p.rng
    surname, surname_kana = rng.choice(names.SURNAMES)
    female = rng.random() < 0.48
    gen = _generation(birth)
    pool = [g for g in (names.FEMALE_NAMES if female else names.MALE_NAMES) if g[2] == gen]
    given, given_kana, _ = rng.choice(pool)
    # Some resident records keep the registered old form of a kanji (髙橋, 山﨑).
    if rng.random() < 0.08:
        old = [v for v in names.variants_of(surname) if any(ch in names.KANJI_VARIANTS.values() for ch in v)]
        if old:
            surname = old[0]
    contacts = []
    r = rng.random()
    if r < 0.30:
        contacts.append(("mobile", _phone(rng, area, True), "本人携帯"))
    elif r < 0.42:
        contacts.append(("phone", _phone(rng, area, False), "自宅"))
    elif r < 0.47:
        contacts.append(("phone", _phone(rng, area, False), "自宅"))
        contacts.append(("mobile", _phone(rng, area, True), "本人携帯"))
    record = DebtorRecord(
        "person", f"{surname} {given}", f"{surname_kana} {given_kana}", birth, "", postal, address, (), tuple(contacts)
    )
    p.plan.records.append(record)
    return record


def _corporation(p: _Person, address: str, postal: str, area: str) -> DebtorRecord:
    rng = p.rng
    stem, stem_kana = rng.choice(names.COMPANY_STEMS)
    trade, trade_kana = rng.choice(names.COMPANY_TRADES)
    x = rng.random()
    for form, form_kana, w in names.LEGAL_FORMS:
        x -= w
        if x < 0:
            break
    if rng.random() < 0.6:
        name, kana = f"{form}{stem}{trade}", f"{form_kana}{stem_kana}{trade_kana}"
    else:
        name, kana = f"{stem}{trade}{form}", f"{stem_kana}{trade_kana}{form_kana}"
    number = corporate_number(1100_01_000000 + (p.number * 7 + 3) % 1_000_000 + 10**6 * (p.number // 1_000_000))
    contacts = (("phone", _phone(rng, area, False), "代表"),) if rng.random() < 0.9 else ()
    record = DebtorRecord("corporation", name, kana, None, number, postal, address, (), contacts)
    p.plan.records.append(record)
    return record


def _make_duplicate(p: _Person, main: DebtorRecord) -> None:
    """The same person again, as another system typed them. They owe that system's receivable there."""
    rng = p.rng
    name, kana = _name_variant(rng, main.name, main.name_kana)
    address = _address_variant(rng, main.address) if rng.random() < 0.5 else main.address
    p.plan.records.append(DebtorRecord("person", name, kana, main.birth_date, "", main.postal_code, address, (), ()))
    # Everything that system's number covers moves to the duplicate, so each number stays on one record.
    system = next((BEHAVIOUR[e.receivable].id_system for e in p.enrolments if e.receivable in DUPLICATE_SOURCES), None)
    if system:
        p.enrolments = [e._replace(record=1) if BEHAVIOUR[e.receivable].id_system == system else e for e in p.enrolments]
    else:  # a hospital that knows them only by what they wrote at reception
        first = max(p.start, p.cfg.first_fy)
        if first > p.end:
            p.plan.records.pop()  # not in the city while the ledger runs: nothing to owe there
            return
        p.enrolments.append(Enrolment(1, "hospital_fee", "診療費", first, p.end, _lognormal(rng, 40_000, 0.9, 3_000, 600_000), 0.8))


def _spell(rng: Random, p: _Person, length_lo: int, length_hi: int, lo: int | None = None, hi: int | None = None) -> tuple[int, int]:
    lo = max(p.start, p.cfg.pre_fy if lo is None else lo)
    hi = min(p.end, p.cfg.last_fy if hi is None else hi)
    if lo > hi:
        return (1, 0)
    first = rng.randint(lo - length_hi + 1, hi)
    last = first + rng.randint(length_lo, length_hi) - 1
    return max(first, lo), min(last, hi)


def _enrol(p: _Person, receivable: str, subject: str, span: tuple[int, int], base: int, chance: float = 1.0,
           contract: date | None = None) -> None:
    first, last = max(span[0], p.start), min(span[1], p.end)
    if first <= last:
        p.enrolments.append(Enrolment(0, receivable, subject, first, last, base, chance, contract))


def _contract(p: _Person, year: int) -> date:
    """A loan's contract date in `year`, drawn from the person's number rather than the
    shared random stream, so that adding it left every other draw of the city unchanged."""
    n = p.number * 7_919
    return date(year, 1 + n % 12, 1 + (n // 12) % 28)


def _enrol_person(p: _Person, birth: date, rural: bool) -> None:
    rng = p.rng
    whole = (p.start, p.end)
    age_now = _age_at(birth, p.cfg.last_fy)
    # 市税: resident tax billed to the person (普通徴収), property and light-vehicle tax.
    if rng.random() < 0.24:
        _enrol(p, "city_tax", "市民税・県民税（普通徴収）", whole, _lognormal(rng, 70_000, 0.85, 3_000, 3_000_000))
    if rng.random() < (0.08 if age_now < 40 else 0.17):
        _enrol(p, "city_tax", "固定資産税・都市計画税", whole, _lognormal(rng, 95_000, 0.7, 5_000, 5_000_000))
    if rng.random() < (0.20 if rural else 0.12):
        _enrol(p, "city_tax", "軽自動車税（種別割）", whole, rng.choice((10_800, 10_800, 7_200, 12_900, 5_000, 2_000, 3_600, 18_000)))
    # 国保 until 75, then 後期高齢者医療; 介護 (ordinary collection) from 65.
    y75 = birth.year + 75 + (1 if (birth.month, birth.day) >= (4, 2) else 0)
    y65 = y75 - 10
    if rng.random() < (0.10 if age_now < 60 else 0.21):
        _enrol(p, "national_health_insurance", "国民健康保険料", (p.start, y75 - 1), _lognormal(rng, 130_000, 0.65, 8_000, 1_060_000))
    if rng.random() < 0.14:
        _enrol(p, "long_term_care_insurance", "介護保険料（普通徴収）", (y65, p.end), _lognormal(rng, 55_000, 0.35, 18_000, 180_000))
    if rng.random() < 0.38:
        _enrol(p, "late_elderly_medical_insurance", "後期高齢者医療保険料（普通徴収）", (y75, p.end), _lognormal(rng, 45_000, 0.6, 4_000, 800_000))
    # Children: nursery fees (0–2 year olds), after-school club, premature-infant care.
    if 24 <= _age_at(birth, p.cfg.first_fy) <= 42 and rng.random() < 0.30:
        span = _spell(rng, p, 1, 3, lo=birth.year + 25, hi=birth.year + 44)
        _enrol(p, "nursery_fee", "保育料", span, _lognormal(rng, 24_000, 0.5, 2_000, 80_000))
    if 28 <= _age_at(birth, p.cfg.first_fy) <= 48 and rng.random() < 0.05:
        span = _spell(rng, p, 1, 3, lo=birth.year + 30, hi=birth.year + 50)
        _enrol(p, "after_school_club", "ひまわりクラブ利用料", span, rng.choice((4_000, 5_000, 6_000, 7_000)))
    if 22 <= _age_at(birth, p.cfg.first_fy) <= 40 and rng.random() < 0.004:
        year = rng.randint(max(p.start, birth.year + 23), min(p.end, birth.year + 42)) if max(p.start, birth.year + 23) <= min(p.end, birth.year + 42) else 0
        if year:
            _enrol(p, "premature_infant_care", "養育医療費負担金", (year, year), _lognormal(rng, 8_000, 0.7, 1_000, 40_000))
    # Municipal housing: rent, and for some a parking space.
    if rng.random() < 0.02:
        span = _spell(rng, p, 4, 30)
        _enrol(p, "municipal_housing", "家賃", span, _lognormal(rng, 21_000, 0.45, 5_000, 80_000))
        if rng.random() < 0.3:
            _enrol(p, "municipal_housing", "駐車場使用料", span, rng.choice((3_000, 3_500, 4_000, 5_000)))
    if rural and rng.random() < 0.007:
        _enrol(p, "cleaning_fee", "し尿くみ取り手数料", whole, _lognormal(rng, 5_000, 0.3, 1_500, 20_000))
    if 22 <= _age_at(birth, p.cfg.last_fy) <= 40 and rng.random() < 0.015:
        start = birth.year + 23
        # Lent at 18–19 for university, repaid from 23 for 12 years: most contracts of a
        # city's live loans were made before 2020-04-01 and are repaid into the 2030s.
        _enrol(p, "scholarship_loan", "奨学金返還金", (start, start + 11), _lognormal(rng, 60_000, 0.35, 20_000, 200_000),
               contract=_contract(p, start - 5))
    if 25 <= _age_at(birth, p.cfg.first_fy) <= 50 and rng.random() < 0.006:
        span = _spell(rng, p, 5, 10)
        # Repayment starts after a grace period of one to four years from the loan.
        _enrol(p, "single_parent_welfare_loan", "母子父子寡婦福祉資金償還金", span, _lognormal(rng, 12_000, 0.4, 2_000, 40_000),
               contract=_contract(p, span[0] - 1 - p.number % 4))
    if rng.random() < 0.01:
        _enrol(p, "welfare_repayment", "生活保護法63条返還金", whole, _lognormal(rng, 150_000, 1.0, 10_000, 3_000_000), 0.12)
    if rng.random() < 0.008:
        span = _spell(rng, p, 5, 5)
        _enrol(p, "sewer_beneficiary_charge", "下水道事業受益者負担金", span, _lognormal(rng, 60_000, 0.5, 10_000, 400_000))
    if rng.random() < 0.05:
        _enrol(p, "hospital_fee", "診療費", whole, _lognormal(rng, 35_000, 0.9, 1_000, 800_000), 0.4)


def _enrol_corporation(p: _Person, rural: bool) -> None:
    rng = p.rng
    whole = (p.start, p.end)
    if rng.random() < 0.85:
        _enrol(p, "city_tax", "固定資産税・都市計画税", whole, _lognormal(rng, 450_000, 1.0, 10_000, 60_000_000))
    if rng.random() < 0.45:
        _enrol(p, "city_tax", "軽自動車税（種別割）", whole, 5_000 * rng.randint(1, 8) + 10_800 * rng.randint(0, 3))
    if rng.random() < 0.15:
        _enrol(p, "cleaning_fee", "事業系一般廃棄物処理手数料", whole, _lognormal(rng, 12_000, 0.9, 1_000, 400_000))
    if rng.random() < 0.05:
        span = _spell(rng, p, 5, 5)
        _enrol(p, "sewer_beneficiary_charge", "下水道事業受益者負担金", span, _lognormal(rng, 200_000, 0.7, 20_000, 3_000_000))


# ---------------------------------------------------------------------------
# A year of assessments, and each instalment's life
# ---------------------------------------------------------------------------


def _plan_year(p: _Person, fy: int) -> None:
    rng = p.rng
    cfg = p.cfg
    # A hard year (job loss, illness) raises every risk for that year; and the city
    # gets a little better at collecting every year (the seed's 全体目標).
    year_risk = p.risk * (3.0 if rng.random() < 0.04 else 0.9) * (1.0 + 0.03 * (cfg.last_fy - fy))
    for e in p.enrolments:
        if not (e.first <= fy <= e.last):
            continue
        if e.chance < 1.0 and rng.random() >= e.chance:
            continue
        amount_factor = 1.0 if e.subject in FIXED_AMOUNTS else 1.0 + rng.gauss(0.0, 0.06)
        for no, nominal, amount, assessed_on in _assessments(rng, e, fy, amount_factor):
            if assessed_on > cfg.as_of:
                continue
            notice = f"{fy}{RECEIVABLE_NUMBERS[e.receivable]:02d}{SUBJECT_CODES.get(e.subject, 0)}{p.number:07d}"
            _plan_instalment(p, e, fy, no, nominal, amount, assessed_on, notice, year_risk)


def _assessments(rng: Random, e: Enrolment, fy: int, factor: float) -> Iterator[tuple[int, date, int, date]]:
    """(instalment no, nominal due, amount, assessed on) for one enrolment in one year."""
    if e.receivable == "hospital_fee":
        for no in range(1, 1 + (2 if rng.random() < 0.25 else 1)):
            month = rng.choice(FY_MONTHS)
            billed = date(_in_fy(fy, month), month, 10)
            amount = _lognormal(rng, e.base, 0.6, 500, 2_000_000, unit=10)
            yield no, _due(fy, month), amount, billed
        return
    if e.receivable == "welfare_repayment":
        month_index = rng.randint(0, 11)
        total = max(1_000, int(e.base * factor) // 100 * 100)
        n = max(1, min(12 - month_index, rng.choice((1, 1, 3, 6, 10, 12)), total // 5_000 or 1))
        start = FY_MONTHS[month_index]
        assessed = date(_in_fy(fy, start), start, 1)
        for no, amount in enumerate(_split(total, n, 100), start=1):
            m = FY_MONTHS[month_index + no - 1]
            yield no, _due(fy, m), amount, assessed
        return
    if e.receivable == "premature_infant_care":
        start = rng.randint(0, 8)
        for no in range(1, rng.randint(1, 4) + 1):
            m = FY_MONTHS[start + no - 1]
            amount = max(100, int(e.base * (0.7 + 0.6 * rng.random())) // 10 * 10)
            yield no, _due(fy, m), amount, date(_in_fy(fy, m), m, 1)
        return
    s = SCHEDULES[e.subject]
    if s.assessed is None:  # monthly: the fee for the month, assessed on the 1st
        amount = max(s.unit, int(e.base * factor) // s.unit * s.unit)
        for no, (m, d) in enumerate(zip(s.months, s.days), start=1):
            yield no, _due(fy, m, d), amount, date(_in_fy(fy, m), m, 1)
        return
    total = max(s.unit * len(s.months), int(e.base * factor) // 100 * 100)
    months = s.months
    # Small resident or property tax bills are due in one instalment.
    if s.unit == 1000 and total < 8_000:
        months = months[:1]
    am, ad = s.assessed
    assessed = date(_in_fy(fy, am), am, ad)
    for no, (m, d, amount) in enumerate(zip(months, s.days, _split(total, len(months), s.unit)), start=1):
        yield no, _due(fy, m, d), amount, assessed


def _partial(rng: Random, remaining: int, lo: float, hi: float) -> int:
    amount = int(remaining * (lo + (hi - lo) * rng.random()))
    unit = 1000 if amount >= 5000 else 100
    amount = amount // unit * unit
    return remaining if amount <= 0 or amount >= remaining else amount


def _plan_instalment(p: _Person, e: Enrolment, fy: int, no: int, nominal: date, amount: int, assessed_on: date, notice: str, risk: float) -> None:
    rng = p.rng
    beh = BEHAVIOUR[e.receivable]
    due = statutory_due(nominal)
    pays: list[tuple[date, int, str]] = []  # (paid on, amount, channel)
    write_off: tuple[date, str] | None = None

    u = rng.random()
    p_unpaid = min(0.85, beh.unpaid * risk)
    p_late = min(0.9 - p_unpaid, beh.late * (0.5 + 0.5 * risk))
    private_system = beh.id_system in ("hospital", "housing", "scholarship", "welfare")
    if u >= p_unpaid + p_late:  # on time
        channel = _weighted(rng, PRIVATE_SYSTEM_CHANNELS) if private_system else p.channel
        if channel == "elqr" and (e.receivable != "city_tax" or fy < 2023):
            channel = "convenience"
        if channel == "direct_debit":
            paid = due
        else:
            window = (due - assessed_on).days - 3
            paid = due - timedelta(days=rng.randint(0, min(25, window))) if window > 0 else due
        pays.append((paid, amount, channel))
        if rng.random() < 0.0005:  # paid twice (a debit and a store payment): held as 過誤納金
            pays.append((paid + timedelta(days=rng.randint(5, 40)), amount, "convenience"))
    elif u >= p_unpaid:  # late, usually within the year; sometimes in two parts
        paid = due + timedelta(days=1 + int(rng.expovariate(1 / 35)))
        channel = _weighted(rng, LATE_CHANNELS)
        if amount >= 4000 and rng.random() < 0.25:
            first = _partial(rng, amount, 0.3, 0.7)
            pays.append((paid, first, channel))
            pays.append((paid + timedelta(days=rng.randint(10, 60)), amount - first, channel))
        else:
            pays.append((paid, amount, channel))
    else:  # still unpaid when the year closes: 滞納繰越
        write_off = _arrears(p, beh, fy, due, amount, pays, arose=min(e.contract or assessed_on, due))

    _emit(p, e, fy, no, nominal, amount, assessed_on, notice, pays, write_off)


def _arrears(p: _Person, beh: Behaviour, fy: int, due: date, amount: int, pays: list, *, arose: date) -> tuple[date, str] | None:
    """Plan what happens to an instalment unpaid at its year's close: part payments, prescription, write-off.
    `arose`: the contract date or the assessment, which keeps a private claim under the old law."""
    rng = p.rng
    cfg = p.cfg
    remaining = amount
    close = date(fy + 1, 5, 31)
    last_ack = due + timedelta(days=30)  # the first 督促 renews prescription
    if rng.random() < 0.3 and close > due:
        part = _partial(rng, remaining, 0.2, 0.7)
        if part < remaining:
            d = due + timedelta(days=rng.randint(1, (close - due).days))
            pays.append((d, part, _weighted(rng, LATE_CHANNELS)))
            remaining -= part
            last_ack = max(last_ack, d)
    public = beh.legal_class != "private"
    years = beh.prescription_years
    if not public and beh.old_law_years and arose < date(2020, 4, 1):
        years = beh.old_law_years
    y = fy + 1
    q = min(0.9, beh.arrears_pay * p.arrears_factor)
    while remaining > 0:
        start, end = date(y, 6, 1), date(y + 1, 5, 31)
        if start > cfg.as_of:
            return None
        planned: list[tuple[date, int]] = []
        if rng.random() < q:
            n = rng.choice((1, 1, 1, 2, 2, 3, 4))
            total = remaining if rng.random() < 0.5 else _partial(rng, remaining, 0.15, 0.7)
            dates = sorted(start + timedelta(days=rng.randint(0, 364)) for _ in range(n))
            parts = _split(total, n, 100) if total >= 100 * n else [total]
            planned = list(zip(dates, parts))
        channel = _weighted(rng, ARREARS_CHANNELS)
        for d, part in planned:
            completes = _add_years(last_ack, years)
            if public and completes < d:
                return (completes + timedelta(days=rng.randint(1, 30)), "prescription")
            pays.append((d, part, channel))
            remaining -= part
            last_ack = d
        if remaining <= 0:
            return None
        completes = _add_years(last_ack, years)
        if public and completes <= end:
            return (max(completes + timedelta(days=rng.randint(1, 30)), last_ack + timedelta(days=5)), "prescription")
        w = rng.random()
        when = start + timedelta(days=rng.randint(0, 364))
        if pays:
            when = max(when, pays[-1][0] + timedelta(days=10))
        if beh.legal_class == "forcible":
            if w < 0.012:
                return (when, "stop_immediate")
            if w < 0.024 and y - fy >= 4:
                return (when, "stop_three_years")
        elif beh.legal_class == "non_forcible":
            if w < 0.01:
                return (when, "exemption")
        else:
            if completes <= end and w < 0.35:
                return (when, "invoked")
            if w < 0.015:
                return (when, "waiver")
        y += 1
    return None


def _emit(p: _Person, e: Enrolment, fy: int, no: int, nominal: date, amount: int, assessed_on: date, notice: str,
          pays: list[tuple[date, int, str]], write_off: tuple[date, str] | None) -> None:
    """Add the instalment and what happened to it up to as-of. Pre-history debts are
    migrated on the cutover day for what was still open then, or left out."""
    cfg = p.cfg
    rng = p.rng
    booked = []
    for paid, part, channel in pays:
        lo, hi = BOOKING_LAG[channel]
        booked.append((paid, paid + timedelta(days=rng.randint(lo, hi)), part, channel))
    if write_off and booked:  # never book a write-off before a payment it follows
        write_off = (max(write_off[0], max(b for _, b, _, _ in booked) + timedelta(days=1)), write_off[1])
    if fy < cfg.first_fy:
        done = sum(part for _, b, part, _ in booked if b < cfg.cutover)
        if done >= amount or (write_off and write_off[0] < cfg.cutover):
            return
        amount -= done
        assessed_on = cfg.cutover
        booked = [b for b in booked if b[1] >= cfg.cutover]
    plan = p.plan
    index = len(plan.instalments)
    arose_on = min(e.contract, nominal) if e.contract else None
    plan.instalments.append(PlannedInstalment(e.record, e.receivable, fy, e.subject, no, nominal, amount, assessed_on, notice, arose_on))
    for paid, on, part, channel in booked:
        if on > cfg.as_of:
            continue
        p.paid_refs += 1
        plan.payments.append(PlannedPayment(index, part, paid, on, channel, f"demo-{p.number}-{p.paid_refs}"))
    if write_off and write_off[0] <= cfg.as_of:
        plan.write_offs.append(PlannedWriteOff(index, write_off[0], write_off[1]))


# ---------------------------------------------------------------------------
# Blocks of people, for loading in bounded memory
# ---------------------------------------------------------------------------


@dataclass
class Block:
    """Plans of people `start`..`stop`−1, with their records, instalments and payments numbered block-wide."""

    start: int
    stop: int
    records: list[DebtorRecord]
    instalments: list[PlannedInstalment]  # .record is a block-wide record index
    payments: list[PlannedPayment]  # .instalment is a block-wide instalment index
    write_offs: list[PlannedWriteOff]
    mandates: list[PlannedMandate] = field(default_factory=list)  # .record is a block-wide record index


def plan_block(cfg: CityConfig, start: int, stop: int) -> Block:
    records: list[DebtorRecord] = []
    instalments: list[PlannedInstalment] = []
    payments: list[PlannedPayment] = []
    write_offs: list[PlannedWriteOff] = []
    mandates: list[PlannedMandate] = []
    for number in range(start, stop):
        plan = plan_person(cfg, number)
        r0, i0 = len(records), len(instalments)
        records += plan.records
        instalments += [i._replace(record=i.record + r0) for i in plan.instalments]
        payments += [x._replace(instalment=x.instalment + i0) for x in plan.payments]
        write_offs += [w._replace(instalment=w.instalment + i0) for w in plan.write_offs]
        mandates += [m._replace(record=m.record + r0) for m in plan.mandates]
    return Block(start, stop, records, instalments, payments, write_offs, mandates)


def blocks(cfg: CityConfig, size: int = 2_500) -> Iterator[Block]:
    for start in range(0, cfg.debtors, size):
        yield plan_block(cfg, start, min(cfg.debtors, start + size))
