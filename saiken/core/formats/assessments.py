"""Assessments (調定) from other systems' tables: CSV or Excel (.xlsx) read through a stored layout.

Each system that assesses a receivable (the tax system, the NHI system, the housing
system, a department's Excel) writes its own table, so an `AssessmentLayout` says, as
data stored in JSON, which column holds what:

    columns   target → source: a header name ("宛名番号") or a 1-based column number
    defaults  target → a constant, for what the file does not say (the receivable's
              code when the file holds one receivable, the identifier's system)

Targets (TARGETS below): the debtor is named either by `debtor_id` (our own number) or
by `identifier` with `identifier_system` (the number the source system knows the
person by, e.g. "resident" + 宛名番号); then `receivable` (the catalog code),
`fiscal_year` (2026, 令和8, R8, 令和8年度), `instalment_no`, `nominal_due`, `amount`,
`assessed_on`, and optionally `subject`, `notice_number`, `arose_on` (契約日・債権の発生日:
the contract a loan or lease instalment arose from, on or before its due date; it keeps
the old civil code for a private claim whose contract was made before 2020-04-01,
改正民法附則10条4項), and the facts that register
a debtor the city does not know yet (`name`, `name_kana`, `birth_date`, `postal_code`,
`address`).

`read_assessments` returns one AssessmentRow per data row, or raises FormatError listing
every bad field of every row. It knows nothing of the database: whether a receivable
code or an identifier exists is `saiken.payments.assessment_imports`'s question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from saiken.core.era import ERAS
from saiken.core.formats import Errors, FieldError, FormatError
# The table reading of the payment layouts, shared: these helpers read only a layout's
# encoding, sheet, columns, has_header and skip_rows, which AssessmentLayout has under the same names.
from saiken.core.formats.layout import Cell, LayoutError, _amount, _date, _date_format_problems, _text, read_rows
from saiken.core.formats.limits import DEFAULT, Limits
from saiken.core.formats.text import normalize_encoding
from saiken.core.names import normalize_name

__all__ = ["KIND", "TARGETS", "AssessmentLayout", "AssessmentRow", "LayoutError", "parse_fiscal_year", "read_assessment_rows", "read_assessments"]

# Stored layouts of assessments carry this kind; payment layouts carry none.
KIND = "assessments"

# Target → its Japanese name, for the screens and for errors about the layout itself.
TARGETS: dict[str, str] = {
    "debtor_id": "債務者番号",
    "identifier_system": "番号の種類",
    "identifier": "識別番号",
    "receivable": "債権コード",
    "fiscal_year": "年度",
    "instalment_no": "期別",
    "nominal_due": "納期限",
    "amount": "調定額",
    "assessed_on": "調定日",
    "subject": "科目",
    "notice_number": "通知書番号",
    "arose_on": "契約日・債権の発生日",
    "name": "氏名・名称",
    "name_kana": "フリガナ",
    "birth_date": "生年月日",
    "postal_code": "郵便番号",
    "address": "住所",
}
REQUIRED = ("receivable", "fiscal_year", "instalment_no", "nominal_due", "amount", "assessed_on")
DEBTOR_FACTS = ("name", "name_kana", "birth_date", "postal_code", "address")
# Values that differ per row by nature: a constant would put every row on one debtor.
_NO_DEFAULT = ("debtor_id", "identifier", "arose_on", *DEBTOR_FACTS)
_DATES = ("nominal_due", "assessed_on", "arose_on", "birth_date")

# The ledger stores 期別 in a small integer column.
MAX_INSTALMENT_NO = 32767


@dataclass(frozen=True)
class AssessmentLayout:
    """How to read one system's assessment table; stored as JSON (to_dict / from_dict)."""

    name: str
    columns: dict[str, str | int]
    defaults: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None  # None: detect UTF-8 or Shift_JIS
    has_header: bool = True
    skip_rows: int = 0  # rows (lines) at the top before the header or data: titles, notes
    sheet: str | None = None  # Excel: the sheet's name; None for the first sheet
    date_format: str = "%Y%m%d"  # a strptime format, or "wareki" (R8.11.27, 令和8年11月27日)
    description: str = ""  # for the screen: whose layout it is

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise LayoutError(self.name if isinstance(self.name, str) else repr(self.name), problems)
        # Copies: a frozen layout must not change under a caller who kept the dicts.
        object.__setattr__(self, "columns", dict(self.columns))
        object.__setattr__(self, "defaults", {k: str(v) for k, v in self.defaults.items()})

    def _problems(self) -> list[str]:
        p: list[str] = []
        if not isinstance(self.name, str) or not self.name.strip():
            p.append("name（レイアウト名）を指定してください")
        if not isinstance(self.has_header, bool):
            p.append(f"has_header は true か false です（{self.has_header!r}）")
        columns = self.columns if isinstance(self.columns, dict) else {}
        if not isinstance(self.columns, dict) or not self.columns:
            p.append("columns（項目と列の対応）を1つ以上指定してください")
        for target, source in columns.items():
            if target not in TARGETS:
                p.append(f"columns の項目「{target}」は使えません（使える項目: {', '.join(TARGETS)}）")
            elif isinstance(source, bool) or not isinstance(source, (str, int)):
                p.append(f"columns「{target}」の列は見出し名か1から始まる列番号です（{source!r}）")
            elif isinstance(source, int) and source < 1:
                p.append(f"columns「{target}」の列番号は1以上です（{source}）")
            elif isinstance(source, str) and not source.strip():
                p.append(f"columns「{target}」の見出し名が空です")
            elif isinstance(source, str) and self.has_header is False:
                p.append(f"見出し行がない（has_header: false）ので、columns「{target}」は列番号で指定してください（{source!r}）")
        defaults = self.defaults if isinstance(self.defaults, dict) else {}
        if not isinstance(self.defaults, dict):
            p.append(f"defaults は項目名から値への対応です（{self.defaults!r}）")
        for target, value in defaults.items():
            if target not in TARGETS:
                p.append(f"defaults の項目「{target}」は使えません（使える項目: {', '.join(TARGETS)}）")
            elif target in _NO_DEFAULT:
                p.append(f"defaults に「{target}」は指定できません（行ごとに違う値なので columns で指定してください）")
            elif target in columns:
                p.append(f"「{target}」が columns と defaults の両方にあります（どちらか一方にしてください）")
            elif not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
                p.append(f"defaults「{target}」の値は空でない文字列です（{value!r}）")
        given = set(columns) | set(defaults)
        if "debtor_id" in given and ({"identifier", "identifier_system"} & given):
            p.append("債務者は debtor_id か identifier（と identifier_system）のどちらか一方で指定してください")
        elif "debtor_id" not in given:
            if "identifier" not in given:
                p.append("債務者を指定する列（debtor_id、または identifier と identifier_system）を columns に指定してください")
            elif "identifier_system" not in given:
                p.append("identifier_system（番号の種類）を columns か defaults に指定してください（例: defaults の \"resident\"）")
        for target in REQUIRED:
            if target not in given:
                p.append(f"「{target}」（{TARGETS[target]}）を columns か defaults に指定してください")
        if self.encoding is not None:
            try:
                normalize_encoding(self.encoding)
            except ValueError as e:
                p.append(str(e))
        date_problems = _date_format_problems(self.date_format)
        p.extend(date_problems)
        if isinstance(self.skip_rows, bool) or not isinstance(self.skip_rows, int) or self.skip_rows < 0:
            p.append(f"skip_rows（読み飛ばす行数）は0以上の整数です（{self.skip_rows!r}）")
        if self.sheet is not None and (not isinstance(self.sheet, str) or not self.sheet.strip()):
            p.append(f"sheet（シート名）は文字列か null です（{self.sheet!r}）")
        if not isinstance(self.description, str):
            p.append(f"description は文字列です（{self.description!r}）")
        if not p:
            # A constant that cannot be read would fail every row alike: say so once, here.
            for target, value in defaults.items():
                try:
                    _parse(target, str(value), self.date_format)
                except ValueError as e:
                    p.append(f"defaults「{target}」: {e}")
        return p

    def label(self, target: str) -> str:
        """How an error names the target's source: the header as in the file, "3列目（年度）",
        "年度（既定値）", or the target's Japanese name when the layout does not map it."""
        source = self.columns.get(target)
        if isinstance(source, str):
            return source
        if isinstance(source, int):
            return f"{source}列目（{TARGETS.get(target, target)}）"
        if target in self.defaults:
            return f"{TARGETS.get(target, target)}（既定値）"
        return TARGETS.get(target, target)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types, with "kind": "assessments" so a stored payment layout is never taken for one."""
        d: dict[str, Any] = {"kind": KIND}
        d.update({f.name: getattr(self, f.name) for f in fields(self)})
        d["columns"] = dict(self.columns)
        d["defaults"] = dict(self.defaults)
        return d

    @classmethod
    def from_dict(cls, d: Any) -> AssessmentLayout:
        """A layout from its stored JSON; LayoutError naming every problem."""
        if not isinstance(d, dict):
            raise LayoutError("?", [f"レイアウトは項目名と値の対応（JSONオブジェクト）です（{type(d).__name__}）"])
        name = d.get("name", "?")
        if "kind" in d and d["kind"] != KIND:
            raise LayoutError(str(name), [f"調定の取込レイアウトではありません（kind: {d['kind']!r}、調定は \"{KIND}\"）"])
        if "kind" not in d and "channel" in d:
            raise LayoutError(str(name), ["収納データの取込レイアウトです。調定の取込には kind: \"assessments\" のレイアウトを指定してください"])
        known = {f.name for f in fields(cls)}
        problems = [f"不明な設定項目「{k}」があります" for k in d if k not in known and k != "kind"]
        problems += [f"設定項目「{k}」がありません" for k in ("name", "columns") if k not in d]
        if problems:
            raise LayoutError(str(name), problems)
        return cls(**{k: v for k, v in d.items() if k != "kind"})


@dataclass(frozen=True)
class AssessmentRow:
    """One data row: a 調定 (instalment) to be made, with how to find or register its debtor."""

    line: int  # the row's line (CSV) or row number (Excel) in the file
    receivable: str  # the catalog code
    fiscal_year: int
    instalment_no: int
    nominal_due: date
    amount: int  # whole yen, > 0
    assessed_on: date
    debtor_id: int | None = None
    identifier_system: str = ""
    identifier: str = ""
    subject: str = ""
    notice_number: str = ""
    arose_on: date | None = None  # 契約日・債権の発生日; None: the claim arose with the assessment
    name: str = ""
    name_kana: str = ""
    birth_date: date | None = None
    postal_code: str = ""
    address: str = ""

    @property
    def debtor_key(self) -> tuple:
        """The debtor as the file names it: two rows with the same key are the same person."""
        return ("id", self.debtor_id) if self.debtor_id is not None else (self.identifier_system, self.identifier)


# 和暦 fiscal years: the two eras a live receivable's year falls in.
_ERA_LETTERS = {"令和": "R", "平成": "H"}
_FY_RE = re.compile(r"(令和|平成|R|H)?(元|\d{1,4})(?:年度?)?")


def _era_first_years() -> dict[str, tuple[int, int | None]]:
    """Era name or letter → (its first year, its last fiscal year or None for the current era).

    An era's last fiscal year is the one its successor began in: 平成31年度 is FY2019,
    named so until cities renamed it 令和元年度.
    """
    out: dict[str, tuple[int, int | None]] = {}
    for i, (start, name) in enumerate(ERAS):  # newest first
        if name in _ERA_LETTERS:
            last = None if i == 0 else ERAS[i - 1][0].year
            out[name] = out[_ERA_LETTERS[name]] = (start.year, last)
    return out


_ERA_YEARS = _era_first_years()
_MIN_FY, _MAX_FY = 1989, 2099


def parse_fiscal_year(value: str) -> int:
    """A fiscal year: "2026", "2026年度", "令和8", "令和8年度", "R8", "R08", "令和元年度", "H30"; ValueError otherwise."""
    s = unicodedata.normalize("NFKC", value).strip().replace(" ", "").upper()
    m = _FY_RE.fullmatch(s)
    if not s or not m:
        raise ValueError(f"年度として読めません（{value.strip()!r}、例: 2026、令和8、R8）")
    era, number = m.group(1), m.group(2)
    if era is None:
        if number == "元" or len(number) != 4:
            raise ValueError(f"西暦の年度は4桁です（{value.strip()!r}、和暦なら 令和8 や R8）")
        year = int(number)
    else:
        n = 1 if number == "元" else int(number)
        first, last = _ERA_YEARS[era]
        name = era if era in _ERA_LETTERS else next(k for k, v in _ERA_LETTERS.items() if v == era)
        if n < 1 or len(number) > 2:
            raise ValueError(f"和暦の年は1（元年）から2桁までです（{value.strip()}）")
        year = first + n - 1
        if last is not None and year > last:
            raise ValueError(f"{name}{n}年度はありません（{name}は{last - first + 1}年度まで）")
    if not _MIN_FY <= year <= _MAX_FY:
        raise ValueError(f"年度 {year} は扱えません（{_MIN_FY}〜{_MAX_FY}）")
    return year


def _instalment_no(value: str) -> int:
    s = unicodedata.normalize("NFKC", value).strip()
    digits = s.removeprefix("第").removesuffix("期").strip()
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"期別が数字ではありません（{value.strip()!r}）")
    n = int(digits)
    if not 1 <= n <= MAX_INSTALMENT_NO:
        raise ValueError(f"期別は1以上{MAX_INSTALMENT_NO}以下です（{n}）")
    return n


def _debtor_id(value: str) -> int:
    s = unicodedata.normalize("NFKC", value).strip()
    if not (s.isascii() and s.isdigit()) or int(s) < 1:
        raise ValueError(f"債務者番号が正の整数ではありません（{value.strip()!r}）")
    return int(s)


def _parse(target: str, text: str, date_format: str) -> Any:
    """A target's value from a cell's text (or a default); ValueError in Japanese."""
    if target in _DATES:
        return _date(text, date_format)
    if target == "amount":
        return _amount(text)
    if target == "fiscal_year":
        return parse_fiscal_year(text)
    if target == "instalment_no":
        return _instalment_no(text)
    if target == "debtor_id":
        return _debtor_id(text)
    if target in ("identifier", "address", "name"):
        return normalize_name(text)  # as the debtor register stores them: widths and spaces folded
    if target == "identifier_system":
        return unicodedata.normalize("NFKC", text).strip().lower()
    if target == "name_kana":
        return text.strip()  # the register folds readings (katakana, widths) itself
    return unicodedata.normalize("NFKC", text).strip()  # codes and subjects key rows: fold widths


def _cell_value(target: str, cell: Cell, date_format: str) -> Any:
    # Excel hands over numbers and dates as such; read them without a round trip through text.
    if target in _DATES and not isinstance(cell, str) and cell is not None:
        return _date(cell, date_format)
    if target == "amount":
        return _amount(cell)
    if target == "fiscal_year" and isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return _parse(target, _text(cell, fold=False), date_format)


def _row(layout: AssessmentLayout, line: int, cells: list[Cell], positions: dict[str, int], errors: Errors, *, excel: bool) -> AssessmentRow | None:
    before = len(errors)
    values: dict[str, Any] = {}
    for target, i in positions.items():
        if i < len(cells):
            cell = cells[i]
        elif excel:
            cell = None  # .xlsx stores no empty cells at the end of a row
        else:
            errors.append(FieldError(line, layout.label(target), f"{i + 1}列目がありません（この行は{len(cells)}列）"))
            continue
        if not _text(cell):
            if target in REQUIRED or target in ("debtor_id", "identifier", "identifier_system"):
                errors.append(FieldError(line, layout.label(target), "値がありません"))
            continue  # an optional blank stays at its default: "" or None
        try:
            values[target] = _cell_value(target, cell, layout.date_format)
        except ValueError as e:
            errors.append(FieldError(line, layout.label(target), str(e)))
    if len(errors) > before:
        return None
    for target, text in layout.defaults.items():
        values[target] = _parse(target, text, layout.date_format)  # checked when the layout was made
    arose, due = values.get("arose_on"), values["nominal_due"]
    if arose is not None and arose > due:
        errors.append(FieldError(line, layout.label("arose_on"), f"契約日・債権の発生日（{arose.isoformat()}）が納期限（{due.isoformat()}）より後です"))
        return None
    return AssessmentRow(line=line, **values)


def read_assessments(data: bytes, layout: AssessmentLayout, filename: str, limits: Limits = DEFAULT) -> list[AssessmentRow]:
    """Every data row of a CSV or .xlsx file as an AssessmentRow, or FormatError listing every bad field.

    Excel when the name ends in .xlsx/.xlsm or the bytes are a zip; CSV otherwise, in the
    layout's encoding (or detected). Line numbers are the file's lines (CSV) or rows
    (Excel), counting skipped rows, so a clerk finds them where the error says. Two rows
    for the same debtor, receivable, subject, year and instalment are refused, the second
    naming the first's line.
    """
    rows, errors = read_assessment_rows(data, layout, filename, limits)
    if errors:
        raise FormatError(errors)
    return rows


def read_assessment_rows(
    data: bytes, layout: AssessmentLayout, filename: str, limits: Limits = DEFAULT,
) -> tuple[list[AssessmentRow], Errors]:
    """The rows that could be read, and an error for every field that could not.

    For an importer that goes on to check the good rows against the database, so that a
    clerk sees every problem of the file at once. FormatError only when the file as a
    whole cannot be read (size and row limits, encoding, sheet, header, no data). The
    errors count every problem and keep the first KEPT_ERRORS.
    """
    table = read_rows(data, layout, filename, limits)
    errors = Errors()
    rows: list[AssessmentRow] = []
    seen: dict[tuple, int] = {}
    for line, cells in table.rows:
        row = _row(layout, line, cells, table.positions, errors, excel=table.excel)
        if row is None:
            continue
        key = (row.debtor_key, row.receivable, row.subject, row.fiscal_year, row.instalment_no)
        first = seen.setdefault(key, line)
        if first != line:
            errors.append(FieldError(line, layout.label("instalment_no"), f"{first}行目と同じ調定（債務者・債権・科目・年度・期別）です"))
            continue
        rows.append(row)
    return rows, errors
