"""Payment files whose columns are configured, not coded: CSV or Excel (.xlsx).

Each system the city receives money through writes its own table — the national
common payment system's eL-QR remittance data (its layout is distributed only to
municipalities), payment apps, a department's Excel — so a `Layout` says, as data
stored in JSON, which column holds what:

    columns      target → source: a header name ("金額") or a 1-based column number
    joined       target → targets whose values, concatenated, make another target
                 (the eL番号 from its four parts)
    key_fields   targets whose values, joined by ":", make the record key (dates as
                 ISO dates, so a CSV "20261127" and an Excel date cell agree)
    match_fields targets copied into PaymentRecord.match, under their target names

Every other mapped column goes to PaymentRecord.extra. Cell text is NFKC-folded
(full-width digits and letters become half-width) so that a hand-typed "１２３４" keys
and matches like "1234".
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from itertools import chain
from pathlib import PurePath
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from saiken.core.era import ERAS
from saiken.core.formats import Errors, FieldError, FormatError, ParsedFile, PaymentRecord
from saiken.core.formats.limits import DEFAULT, Limits, check_lines, check_size, check_xlsx, too_many_rows
from saiken.core.formats.text import check_amount, decode, normalize_encoding, parse_amount, read_csv_lines

WAREKI = "wareki"

_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_OLD_EXCEL_SUFFIXES = {".xls"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other OLE2 files

_CHANNEL_RE = re.compile(r"[a-z][a-z0-9_]*")


class LayoutError(ValueError):
    """A layout that cannot be used; `problems` lists everything wrong with it."""

    def __init__(self, name: str, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"レイアウト「{name}」の設定が正しくありません: " + "; ".join(self.problems))


@dataclass(frozen=True)
class Layout:
    """How to read one system's payment table; stored as JSON (to_dict / from_dict)."""

    name: str
    columns: dict[str, str | int]
    channel: str  # a saiken.ledger.models.Channel value
    key_fields: tuple[str, ...]
    match_fields: tuple[str, ...]
    amount_field: str = "amount"
    paid_on_field: str = "paid_on"
    booked_on_field: str | None = None
    encoding: str | None = None  # None: detect UTF-8 or Shift_JIS
    has_header: bool = True
    date_format: str = "%Y%m%d"  # a strptime format, or "wareki" (R8.11.27, 令和8年11月27日)
    skip_rows: int = 0  # rows (lines) at the top before the header or data: titles, notes
    sheet: str | None = None  # Excel: the sheet's name; None for the first sheet
    joined: dict[str, tuple[str, ...]] = field(default_factory=dict)
    description: str = ""  # for the screen: whose layout it is, and how sure we are of it

    def __post_init__(self) -> None:
        problems = self._problems()
        if problems:
            raise LayoutError(self.name if isinstance(self.name, str) else repr(self.name), problems)
        # Copies: a frozen layout must not change under a caller who kept the dicts.
        object.__setattr__(self, "columns", dict(self.columns))
        object.__setattr__(self, "joined", {k: tuple(v) for k, v in self.joined.items()})
        object.__setattr__(self, "key_fields", tuple(self.key_fields))
        object.__setattr__(self, "match_fields", tuple(self.match_fields))

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
            if not isinstance(target, str) or not target.strip():
                p.append(f"columns の項目名が空です（{target!r}）")
            elif isinstance(source, bool) or not isinstance(source, (str, int)):
                p.append(f"columns「{target}」の列は見出し名か1から始まる列番号です（{source!r}）")
            elif isinstance(source, int) and source < 1:
                p.append(f"columns「{target}」の列番号は1以上です（{source}）")
            elif isinstance(source, str) and not source.strip():
                p.append(f"columns「{target}」の見出し名が空です")
            elif isinstance(source, str) and self.has_header is False:
                p.append(f"見出し行がない（has_header: false）ので、columns「{target}」は列番号で指定してください（{source!r}）")
        joined = self.joined if isinstance(self.joined, dict) else {}
        if not isinstance(self.joined, dict):
            p.append(f"joined は項目名から項目名のリストへの対応です（{self.joined!r}）")
        for target, parts in joined.items():
            if target in columns:
                p.append(f"joined「{target}」は columns の項目と同じ名前です")
            if isinstance(parts, str) or not isinstance(parts, (list, tuple)) or not parts:
                p.append(f"joined「{target}」には連結する項目名のリストを指定してください（{parts!r}）")
                continue
            for part in parts:
                if part not in columns:
                    p.append(f"joined「{target}」の「{part}」が columns にありません")
        targets = set(columns) | set(joined)
        for attr, label in (("amount_field", "金額"), ("paid_on_field", "納付日")):
            value = getattr(self, attr)
            if value not in columns:
                p.append(f"{attr}（{label}の項目）「{value}」が columns にありません")
        if self.booked_on_field is not None and self.booked_on_field not in columns:
            p.append(f"booked_on_field（払込日の項目）「{self.booked_on_field}」が columns にありません")
        for attr, label in (("key_fields", "キー"), ("match_fields", "照合")):
            value = getattr(self, attr)
            if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
                p.append(f"{attr}（{label}に使う項目）を1つ以上、リストで指定してください（{value!r}）")
                continue
            for target in value:
                if target not in targets:
                    p.append(f"{attr} の「{target}」が columns にも joined にもありません")
        if self.encoding is not None:
            try:
                normalize_encoding(self.encoding)
            except ValueError as e:
                p.append(str(e))
        p.extend(_date_format_problems(self.date_format))
        if not isinstance(self.channel, str) or not _CHANNEL_RE.fullmatch(self.channel):
            p.append(f"channel（納付経路）は半角英小文字のコードです（例: elqr）（{self.channel!r}）")
        if isinstance(self.skip_rows, bool) or not isinstance(self.skip_rows, int) or self.skip_rows < 0:
            p.append(f"skip_rows（読み飛ばす行数）は0以上の整数です（{self.skip_rows!r}）")
        if self.sheet is not None and (not isinstance(self.sheet, str) or not self.sheet.strip()):
            p.append(f"sheet（シート名）は文字列か null です（{self.sheet!r}）")
        if not isinstance(self.description, str):
            p.append(f"description は文字列です（{self.description!r}）")
        return p

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: lists for tuples; column numbers stay numbers."""
        d: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        d["columns"] = dict(self.columns)
        d["joined"] = {k: list(v) for k, v in self.joined.items()}
        d["key_fields"] = list(self.key_fields)
        d["match_fields"] = list(self.match_fields)
        return d

    @classmethod
    def from_dict(cls, d: Any) -> Layout:
        """A layout from its stored JSON; LayoutError naming every problem."""
        if not isinstance(d, dict):
            raise LayoutError("?", [f"レイアウトは項目名と値の対応（JSONオブジェクト）です（{type(d).__name__}）"])
        name = d.get("name", "?")
        known = {f.name for f in fields(cls)}
        required = {"name", "columns", "channel", "key_fields", "match_fields"}
        problems = [f"不明な設定項目「{k}」があります" for k in d if k not in known]
        problems += [f"設定項目「{k}」がありません" for k in sorted(required - set(d))]
        if problems:
            raise LayoutError(str(name), problems)
        return cls(**d)


def _date_format_problems(fmt: Any) -> list[str]:
    if fmt == WAREKI:
        return []
    if not isinstance(fmt, str) or "%" not in fmt:
        return [f"date_format は strptime の書式（例: %Y%m%d）か wareki です（{fmt!r}）"]
    # A format must read back what it writes, with year, month and day.
    sample = date(2026, 11, 27)
    try:
        ok = datetime.strptime(sample.strftime(fmt), fmt).date() == sample
    except ValueError:
        ok = False
    if not ok:
        return [f"date_format「{fmt}」では年月日を読めません（例: %Y%m%d, %Y-%m-%d, %Y/%m/%d）"]
    return []


# 和暦: the two eras a payment date can fall in. Start dates come from saiken.core.era.
_ERA_LETTERS = {"令和": "R", "平成": "H"}


def _era_ranges() -> dict[str, tuple[date, date | None]]:
    """Era name and letter → (first day, last day or None for the current era)."""
    ranges: dict[str, tuple[date, date | None]] = {}
    for i, (start, name) in enumerate(ERAS):  # newest first: an era ends the day before the next
        if name in _ERA_LETTERS:
            end = None if i == 0 else date.fromordinal(ERAS[i - 1][0].toordinal() - 1)
            ranges[name] = ranges[_ERA_LETTERS[name]] = (start, end)
    return ranges


_ERA_RANGES = _era_ranges()
_WAREKI_RE = re.compile(
    r"(令和|平成|R|H)(元|\d{1,2})(?:年(\d{1,2})月(\d{1,2})日?|[./-](\d{1,2})[./-](\d{1,2}))"
)


def parse_wareki(value: str) -> date:
    """A date in 和暦: "R8.11.27", "R08/11/27", "令和8年11月27日", "令和元年5月1日", "H31.4.30".

    Full-width digits and letters are folded. A date outside its era ("平成31年5月1日",
    which is 令和元年) is refused: it is a typing error, not a date to guess at.
    """
    s = unicodedata.normalize("NFKC", value).strip().replace(" ", "").upper()
    m = _WAREKI_RE.fullmatch(s)
    if not m:
        raise ValueError(f"和暦の日付として読めません（{value.strip()!r}、例: R8.11.27、令和8年11月27日）")
    era, year_text = m.group(1), m.group(2)
    month, day = (m.group(3), m.group(4)) if m.group(3) else (m.group(5), m.group(6))
    year = 1 if year_text == "元" else int(year_text)
    start, end = _ERA_RANGES[era]
    if year < 1:
        raise ValueError(f"和暦の年は1（元年）以上です（{value.strip()}）")
    try:
        d = date(start.year + year - 1, int(month), int(day))
    except ValueError:
        raise ValueError(f"存在しない日付です（{value.strip()}）") from None
    name = era if era in _ERA_LETTERS else next(k for k, v in _ERA_LETTERS.items() if v == era)
    if d < start or (end is not None and d > end):
        until = f"{end.year}年{end.month}月{end.day}日" if end else ""
        raise ValueError(
            f"{value.strip()}は{name}の期間（{start.year}年{start.month}月{start.day}日〜{until}）にありません"
        )
    return d


def parse_date(value: str, date_format: str) -> date:
    """A date from a cell's text in the layout's format; ValueError in Japanese."""
    s = unicodedata.normalize("NFKC", value).strip()
    if not s:
        raise ValueError("日付がありません")
    if date_format == WAREKI:
        return parse_wareki(s)
    try:
        return datetime.strptime(s, date_format).date()
    except ValueError as e:
        # strptime says "out of range" for a well-formed impossible date (2026-02-30).
        if "out of range" in str(e):
            raise ValueError(f"存在しない日付です（{s}）") from None
        raise ValueError(f"日付が書式「{date_format}」と一致しません（{s}）") from None


Cell = str | int | float | date | datetime | None


def _text(cell: Cell, *, fold: bool = True) -> str:
    """A cell as text; `fold` applies NFKC, so full-width digits key and match as half-width."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a code typed into a numeric Excel cell
    text = str(cell).strip()
    return unicodedata.normalize("NFKC", text).strip() if fold else text


def _amount(cell: Cell) -> int:
    if isinstance(cell, bool) or isinstance(cell, (date, datetime)):
        raise ValueError(f"金額が数字ではありません（{cell}）")
    if isinstance(cell, int):
        return check_amount(cell)
    if isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError(f"金額に円未満の端数があります（{cell}）")
        return check_amount(int(cell))
    return parse_amount(cell or "")


def _date(cell: Cell, date_format: str) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    return parse_date(_text(cell), date_format)


def _is_excel(data: bytes, filename: str) -> bool:
    suffix = PurePath(filename).suffix.lower()
    if suffix in _OLD_EXCEL_SUFFIXES or data.startswith(_OLE_MAGIC):
        raise FormatError(
            [FieldError(0, "ファイル", "旧形式のExcelファイル（.xls）は読めません。.xlsx か CSV で保存し直してください")]
        )
    return suffix in _EXCEL_SUFFIXES or data.startswith(_ZIP_MAGIC)


# A header is looked for in this many columns; data rows are read only as far as the
# layout's last column (a cell beyond it is never read).
HEADER_COLUMNS = 512


@dataclass
class Table:
    """A file's data rows as a layout reads them: streamed, never held whole.

    `rows` yields (line, cells) for each non-blank data row after the header, cells only
    as far as the layout's last column; iterating it raises FormatError when the file
    goes past the row limit."""

    excel: bool
    meta: dict[str, str]
    positions: dict[str, int]  # target → 0-based column
    rows: Iterator[tuple[int, list[Cell]]]


def read_rows(data: bytes, layout: Any, filename: str, limits: Limits = DEFAULT) -> Table:
    """The table of a CSV or .xlsx file for a layout (Layout or AssessmentLayout: its encoding,
    sheet, columns, has_header and skip_rows), after its size, row and zip limits are checked.

    FormatError when the file as a whole cannot be read: too large, not readable, a
    sheet or header not found, no data."""
    if not data:
        raise FormatError([FieldError(0, "ファイル", "データがありません（空のファイルです）")])
    check_size(len(data), limits)
    if _is_excel(data, filename or ""):
        check_xlsx(data, limits)
        return _excel_table(data, layout, limits)
    check_lines(data, limits)
    rows = _limited(read_csv_lines(decode(data, layout.encoding)), limits)
    positions, data_rows = _header(_nonblank(rows, layout.skip_rows), layout)
    return Table(False, {"format": "csv"}, positions, data_rows)


def _limited(rows: Iterable[tuple[int, list[Cell]]], limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    for n, cells in rows:
        if n > limits.max_rows:
            raise too_many_rows(limits)
        yield n, cells


def _nonblank(rows: Iterable[tuple[int, list[Cell]]], skip_rows: int) -> Iterator[tuple[int, list[Cell]]]:
    for n, cells in rows:
        if n > skip_rows and any(_text(c) for c in cells):
            yield n, cells


def _header(rows: Iterator[tuple[int, list[Cell]]], layout: Any) -> tuple[dict[str, int], Iterator[tuple[int, list[Cell]]]]:
    """The columns' positions (from the header row, or the layout's numbers), and the data rows."""
    first = next(rows, None)
    if first is None:
        raise FormatError([FieldError(0, "ファイル", "データがありません")])
    if not layout.has_header:
        return _positions(layout, None), chain([first], rows)
    positions = _positions(layout, first)
    second = next(rows, None)
    if second is None:
        raise FormatError([FieldError(0, "ファイル", "見出し行のみでデータがありません")])
    return positions, chain([second], rows)


def _excel_table(data: bytes, layout: Any, limits: Limits) -> Table:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as e:
        # openpyxl reports a broken or foreign zip in several ways; the clerk needs one message.
        raise FormatError(
            [FieldError(0, "ファイル", f"Excelファイル（.xlsx）として読めません（{type(e).__name__}）")]
        ) from None
    try:
        if layout.sheet is None:
            sheet = book.worksheets[0]
        elif layout.sheet in book.sheetnames:
            sheet = book[layout.sheet]
        else:
            names = "、".join(book.sheetnames)
            raise FormatError([FieldError(0, "シート", f"シート「{layout.sheet}」がありません（あるシート: {names}）")])

        def stream(min_row: int, width: int) -> Iterator[tuple[int, list[Cell]]]:
            numbered = ((n, cells) for n, cells in _sheet_rows(book, sheet, width) if n >= min_row)
            return _nonblank(_limited(numbered, limits), layout.skip_rows)

        numbers = [c for c in layout.columns.values() if isinstance(c, int)]
        if not layout.has_header:
            positions, rows = _header(stream(1, max(numbers)), layout)
        else:
            head = stream(1, max([HEADER_COLUMNS, *numbers]))
            header = next(head, None)
            head.close()
            if header is None:
                raise FormatError([FieldError(0, "ファイル", "データがありません")])
            positions = _positions(layout, header)
            rows = stream(header[0] + 1, max(positions.values()) + 1)
            first = next(rows, None)
            if first is None:
                raise FormatError([FieldError(0, "ファイル", "見出し行のみでデータがありません")])
            rows = chain([first], rows)
    except BaseException:
        book.close()
        raise
    return Table(True, {"format": "xlsx", "sheet": sheet.title}, positions, _closing(rows, book))


def _sheet_rows(book, sheet, width: int) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, values of its first `width` columns) of each row the sheet stores, to its end.

    openpyxl's read-only `iter_rows` fills every missing row in between, one by one (a
    sheet holding A1 and XFD1048576 would be a million rows), and trusts the stored
    dimensions, which some writers leave at A1; its row parser, used here as `iter_rows`
    uses it, yields only the rows there are, with their numbers."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source, sheet._shared_strings, data_only=book.data_only, epoch=book.epoch,
            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,
        )
        for n, row in parser.parse():
            yield n, sheet._get_row(row, 1, width, values_only=True)


def _closing(rows: Iterator[tuple[int, list[Cell]]], book) -> Iterator[tuple[int, list[Cell]]]:
    try:
        yield from rows
    finally:
        book.close()


def _label(layout: Layout, target: str) -> str:
    source = layout.columns[target]
    return source if isinstance(source, str) else f"{source}列目（{target}）"


def _positions(layout: Layout, header: tuple[int, list[Cell]] | None) -> dict[str, int]:
    """Target → 0-based column index; FormatError naming every header name not found."""
    names: list[str] = [] if header is None else [_text(c) for c in header[1]]
    positions: dict[str, int] = {}
    errors: list[FieldError] = []
    for target, source in layout.columns.items():
        if isinstance(source, int):
            positions[target] = source - 1
            continue
        assert header is not None  # Layout allows names only with a header
        wanted = unicodedata.normalize("NFKC", source).strip()
        found = [i for i, name in enumerate(names) if name == wanted]
        if not found:
            errors.append(FieldError(header[0], source, f"見出しに「{source}」の列がありません"))
        elif len(found) > 1:
            errors.append(FieldError(header[0], source, f"見出しに「{source}」の列が{len(found)}つあります"))
        else:
            positions[target] = found[0]
    if errors:
        raise FormatError(errors)
    return positions


def _record(
    layout: Layout, line: int, row: list[Cell], positions: dict[str, int], errors: Errors, *, excel: bool
) -> PaymentRecord | None:
    before = len(errors)
    values: dict[str, str] = {}
    cells: dict[str, Cell] = {}
    for target, i in positions.items():
        if i < len(row):
            cells[target] = row[i]
        elif excel:
            cells[target] = None  # .xlsx stores no empty cells at the end of a row
        else:
            errors.append(FieldError(line, _label(layout, target), f"{i + 1}列目がありません（この行は{len(row)}列）"))
    if len(errors) > before:
        return None

    amount = paid_on = booked_on = None
    try:
        amount = _amount(cells[layout.amount_field])
    except ValueError as e:
        errors.append(FieldError(line, _label(layout, layout.amount_field), str(e)))
    try:
        paid_on = _date(cells[layout.paid_on_field], layout.date_format)
    except ValueError as e:
        errors.append(FieldError(line, _label(layout, layout.paid_on_field), str(e)))
    if layout.booked_on_field and _text(cells[layout.booked_on_field]):
        try:
            booked_on = _date(cells[layout.booked_on_field], layout.date_format)
        except ValueError as e:
            errors.append(FieldError(line, _label(layout, layout.booked_on_field), str(e)))
    if paid_on and booked_on and booked_on < paid_on:
        errors.append(
            FieldError(line, _label(layout, layout.booked_on_field or ""), f"払込日（{booked_on}）が納付日（{paid_on}）より前です")
        )

    # Keys and matches are folded (NFKC); what goes to extra is kept as written.
    folded = {*layout.key_fields, *layout.match_fields}
    for target, cell in cells.items():
        values[target] = _text(cell, fold=target in folded)
    if amount is not None:
        values[layout.amount_field] = str(amount)
    for target, d in ((layout.paid_on_field, paid_on), (layout.booked_on_field, booked_on)):
        if target and d:
            values[target] = d.isoformat()
    needed = [t for t in (*layout.key_fields, *layout.match_fields) if t in layout.columns]
    for target in dict.fromkeys(needed):
        if not values[target] and target not in (layout.amount_field, layout.paid_on_field):
            errors.append(FieldError(line, _label(layout, target), "値がありません"))
    if len(errors) > before:
        return None
    assert amount is not None and paid_on is not None
    for target, parts in layout.joined.items():
        values[target] = "".join(values[p] for p in parts)
    special = {layout.amount_field, layout.paid_on_field, layout.booked_on_field, *layout.match_fields}
    return PaymentRecord(
        line=line,
        key=":".join(values[t] for t in layout.key_fields),
        amount=amount,
        paid_on=paid_on,
        channel=layout.channel,
        match={t: values[t] for t in layout.match_fields},
        booked_on=booked_on,
        extra={t: v for t, v in values.items() if t in layout.columns and t not in special and v},
    )


def read_table(data: bytes, layout: Layout, filename: str, limits: Limits = DEFAULT) -> ParsedFile:
    """Every data row of a CSV or .xlsx file as a PaymentRecord, or FormatError listing every bad field.

    Excel when the name ends in .xlsx/.xlsm or the bytes are a zip; CSV otherwise, in the
    layout's encoding (or detected). Line numbers are the file's lines (CSV) or rows (Excel),
    counting the skipped rows, so a clerk finds them where the error says. The file is
    checked against `limits` first; errors beyond the first KEPT_ERRORS are counted.
    """
    table = read_rows(data, layout, filename, limits)
    errors = Errors()
    records: list[PaymentRecord] = []
    seen: dict[str, int] = {}
    for line, row in table.rows:
        record = _record(layout, line, row, table.positions, errors, excel=table.excel)
        if record is None:
            continue
        other = seen.setdefault(record.key, line)
        if other != line:
            keys = "・".join(_label(layout, t) if t in layout.columns else t for t in layout.key_fields)
            errors.append(FieldError(line, "キー", f"{other}行目とキー（{keys}）が同じです: {record.key}"))
            continue
        records.append(record)
    if errors:
        raise FormatError(errors)
    return ParsedFile(records=tuple(records), meta={"layout": layout.name, **table.meta})


ELQR_DEFAULT = Layout(
    name="elqr_default",
    description=(
        "仮定のレイアウトです。eL-QR（地方税統一QRコード）の収納データの正式な様式は地方公共団体にのみ"
        "配布されるため、市が受け取る正式なレイアウトに置き換えてください。"
    ),
    encoding=None,
    has_header=True,
    columns={
        "el_institution": "収納機関番号",
        "el_payment_number": "納付番号",
        "el_confirmation": "確認番号",
        "el_payment_type": "納付区分",
        "amount": "金額",
        "paid_on": "納付日",
        "method": "納付方法",
        "remitted_on": "払込日",
    },
    joined={"el_number": ("el_institution", "el_payment_number", "el_confirmation", "el_payment_type")},
    date_format="%Y%m%d",
    channel="elqr",
    key_fields=("el_institution", "el_payment_number", "el_confirmation", "el_payment_type", "paid_on"),
    match_fields=("el_number", "el_institution", "el_payment_number", "el_confirmation", "el_payment_type"),
    amount_field="amount",
    paid_on_field="paid_on",
    booked_on_field="remitted_on",
)
"""The eL-QR remittance data as we ASSUME it looks — replace it with the city's official layout.

The national common payment system (共通納税) forwards each payment of an eL-QR notice
with the eL番号 in its four parts (収納機関番号 + 納付番号 + 確認番号 + 納付区分), the
amount, the day paid, how it was paid and the day the money is remitted to the city.
The real file layout is distributed only to municipalities; the column names here
are our guess at it, with a header row, dates as YYYYMMDD and either encoding.

Key: the four parts and 納付日 — a notice paid twice on different days gives two
records (the second an overpayment); paid twice on the same day, the file is refused
as a duplicate until the official layout gives a transaction number to add to the key.
Match: the joined eL番号 as "el_number" and each part under its own name.
"""
