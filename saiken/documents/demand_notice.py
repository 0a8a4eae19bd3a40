"""督促状 (demand notices) as one PDF, one A4 page per notice, for a window envelope.

The input is plain data (no models), so the same renderer serves the batch run, a
reprint from a screen, and the benchmark. Everything per document (font, canvas) is
set up once; per page we only place text, a table and one barcode (about 350 pages a
second on one core, so 20,000 notices take about a minute).

Page plan, A4 portrait, in mm from the top-left corner:

- 0–99 (the top third after folding in three): the address for the envelope window on
  the left, the issuer at the right (outside the window).
- 104–: title, the statutory sentences (the 督促 and its article, then what follows
  the 指定期限: 滞納処分 or the court), 指定期限, the table of instalments and totals,
  the late-charge notice (none when the receivable charges none) and where to pay.
- 244–287: the convenience-store barcode, or a note that there is none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import BinaryIO

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from saiken.core.conveni import parse_barcode
from saiken.core.era import fiscal_year_label, wareki
from saiken.core.legal_text import LegalTexts, gaps
from saiken.core.money import yen
from saiken.documents.barcode import gs1_128
from saiken.documents.fonts import missing_glyphs, register_japanese_font


@dataclass(frozen=True)
class NoticeLine:
    """One unpaid instalment on a notice (督促の対象となる期別)."""

    receivable_name: str
    fiscal_year: int
    subject: str
    instalment_no: int
    due_date: date
    principal: int


@dataclass(frozen=True)
class DemandNotice:
    """One 督促状 to one addressee, everything printed on it already decided."""

    number: str
    issued_on: date
    designated_deadline: date
    postal_code: str
    address: str
    name: str
    receivable_name: str
    department_name: str
    department_phone: str
    city_name: str
    issuer_title: str
    lines: tuple[NoticeLine, ...]
    fee: int
    payment_places: tuple[str, ...]
    barcode: str | None
    legal: LegalTexts  # the receivable's articles: what the notice says of the law
    # A copy reissued for one person (督促状の写し): the day it was reissued. The notice
    # keeps its own number, 発付日 and 指定期限; the page says 再発行（写）.
    copy_issued_on: date | None = None

    @property
    def statement(self) -> str:
        return self.legal.demand_sentence

    @property
    def warning(self) -> str:
        return self.legal.warning

    @property
    def late_charge_note(self) -> str:
        return self.legal.late_charge_sentence

    @property
    def principal_total(self) -> int:
        return sum(line.principal for line in self.lines)

    @property
    def total(self) -> int:
        """What the notice asks for by the 指定期限; late charges are computed when paid."""
        return self.principal_total + self.fee


PAGE_W, PAGE_H = A4
LEFT = 20 * mm
RIGHT = PAGE_W - 20 * mm
TEXT_W = RIGHT - LEFT

# Window envelope 長3 (120 x 235 mm) with the usual 90 x 45 mm window 23 mm from its left
# and 13 mm from its top; the A4 sheet folded in three slides a few mm inside it. On the
# sheet the window then shows roughly x 20–110 mm, y 12–58 mm, so the address block is
# kept within x 25–105 mm, y 17–53 mm and nothing else is printed there.
ADDR_X = 25 * mm
ADDR_TOP = 20 * mm
ADDR_W = 80 * mm
FOLDS_MM = (99, 198)

ROW_H = 5.5 * mm
# Column widths in mm: 債権 / 年度 / 科目 / 期別 / 納期限 / 本税（料）額 (sums to 170).
COLUMNS_MM = (38, 24, 36, 14, 30, 28)
HEADERS = ("債権", "年度", "科目", "期別", "納期限", "本税（料）額")
ROWS_FIRST_PAGE = 8  # then the table continues on a following page
ROWS_NEXT_PAGE = 38

SLIP_TOP = 244 * mm
SLIP_BOTTOM = 287 * mm

GREY = Color(0.88, 0.88, 0.88)

# Characters that may not begin a line (禁則): they hang at the end of the previous one.
NO_LINE_START = set("、。，．,.)）」』】〕〉》・：；:;？！?!ー～ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞ")
_TOKEN = re.compile(r"[!-~]+|.", re.S)  # a run of ASCII (numbers, phone) stays on one line


def _y(top_mm_or_pt: float) -> float:
    """A distance from the top of the page (in points) as ReportLab's y."""
    return PAGE_H - top_mm_or_pt


def format_postal_code(code: str) -> str:
    digits = code.replace("-", "").replace("〒", "").strip()
    if len(digits) == 7 and digits.isascii() and digits.isdigit():
        return f"〒{digits[:3]}-{digits[3:]}"
    return f"〒{code}" if code else ""


def _yen(amount: int) -> str:
    return f"{yen(amount)}円"


def instalment_label(n: int) -> str:
    """第2期; 0 stands for a claim not split into instalments (全期)."""
    return f"第{n}期" if n > 0 else "全期"


def conveni_digits(content: str) -> str:
    """The 44 digits grouped by field, for a clerk keying them in by hand."""
    c = content
    return f"{c[0:2]} {c[2:8]} {c[8:29]} {c[29]} {c[30:36]} {c[36]} {c[37:43]} {c[43]}"


def unprintable_characters(notice: DemandNotice, font_name: str | None = None) -> str:
    """The characters of a notice that the font has no glyph for (e.g. 外字 in a name).

    A name printed as empty boxes is a notice sent to nobody, so the renderer refuses it;
    a batch can call this first to report every such notice at once.
    """
    texts = [
        notice.number,
        notice.postal_code,
        notice.address,
        notice.name,
        notice.receivable_name,
        notice.department_name,
        notice.department_phone,
        notice.city_name,
        notice.issuer_title,
        notice.statement,
        notice.warning,
        notice.late_charge_note,
        *notice.payment_places,
    ]
    for line in notice.lines:
        texts += [line.receivable_name, line.subject]
    return missing_glyphs(texts, font_name or register_japanese_font())


def _check(notice: DemandNotice, font: str) -> None:
    where = f"督促状 {notice.number}"
    if not notice.lines:
        raise ValueError(f"{where}: 督促の対象となる期別がありません")
    for amount in (notice.fee, *(line.principal for line in notice.lines)):
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError(f"{where}: 金額は0以上の整数（円）です（{amount!r}）")
    missing = unprintable_characters(notice, font)
    if missing:
        raise ValueError(f"{where}: フォントにない文字があります（{missing}）。外字を置き換えてください")
    for sentence in (notice.statement, notice.warning, notice.late_charge_note):
        holes = gaps(sentence)
        if holes:
            # A statute cited with a hole in it is worse than none: refuse, name the fault.
            raise ValueError(f"{where}: 根拠法令の文に空欄があります（{'・'.join(holes)}）: {sentence}")
    if notice.barcode is not None:
        slip = parse_barcode(notice.barcode)
        if slip.amount != notice.total:
            # A slip for another amount would let the store collect the wrong sum.
            raise ValueError(
                f"{where}: バーコードの金額{_yen(slip.amount)}が合計{_yen(notice.total)}と一致しません"
            )


class _Page:
    """Drawing helpers bound to one canvas and one font (set up once per PDF)."""

    def __init__(self, canvas: Canvas, font: str):
        self.c = canvas
        self.font = font

    def text(self, x: float, top: float, s: str, size: float, *, align: str = "left", max_w: float | None = None):
        if max_w is not None:
            size = _fit_size(s, self.font, size, max_w)
        self.c.setFont(self.font, size)
        if align == "right":
            self.c.drawRightString(x, _y(top), s)
        elif align == "centre":
            self.c.drawCentredString(x, _y(top), s)
        else:
            self.c.drawString(x, _y(top), s)

    def bold(self, x: float, top: float, s: str, size: float, *, align: str = "left"):
        # IPAexGothic has no bold face: fill and stroke the outlines (text render mode 2).
        width = pdfmetrics.stringWidth(s, self.font, size)
        if align == "centre":
            x -= width / 2
        elif align == "right":
            x -= width
        t = self.c.beginText(x, _y(top))
        t.setFont(self.font, size)
        t.setTextRenderMode(2)
        self.c.setLineWidth(size * 0.035)
        t.textOut(s)
        t.setTextRenderMode(0)  # Tr outlives the text object; reset it
        self.c.drawText(t)

    def paragraph(self, x: float, top: float, s: str, size: float, width: float, leading: float) -> float:
        """Wrapped text; returns the top of the next line."""
        for line in _wrap(s, self.font, size, width):
            self.text(x, top, line, size)
            top += leading
        return top


@lru_cache(maxsize=4096)
def _wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    # Cached: the statutory sentence, late-charge note and payment places repeat on
    # every page of a batch, and wrapping is the costliest per-page text work.
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_w = "", 0.0
        for token in _TOKEN.findall(paragraph):
            w = pdfmetrics.stringWidth(token, font, size)
            if line and line_w + w > width and token[0] not in NO_LINE_START:
                lines.append(line)
                line, line_w = "", 0.0
                token = token.lstrip()
                w = pdfmetrics.stringWidth(token, font, size)
            while w > width and len(token) > 1:
                # An ASCII run longer than a line: cut it where it fills the line.
                cut = len(token)
                while cut > 1 and pdfmetrics.stringWidth(token[:cut], font, size) > width - line_w:
                    cut -= 1
                lines.append(line + token[:cut])
                line, line_w = "", 0.0
                token = token[cut:]
                w = pdfmetrics.stringWidth(token, font, size)
            line += token
            line_w += w
        lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=4096)
def _fit_size(s: str, font: str, size: float, max_w: float) -> float:
    """Shrink (never below 60%) a cell or name that would overflow its box."""
    w = pdfmetrics.stringWidth(s, font, size)
    return size if w <= max_w else max(size * max_w / w, size * 0.6)


def _address_block(p: _Page, n: DemandNotice) -> None:
    window_address(p, postal_code=n.postal_code, address=n.address, name=f"{n.name}　様", name_size=15,
                   too_long=f"督促状 {n.number}: 宛先の住所または氏名が長すぎて封筒の窓に収まりません")


def window_address(p: _Page, *, postal_code: str, address: str, name: str, name_size: float, too_long: str) -> None:
    """〒, address and addressee in the window of a 長3 envelope (every letter saiken mails)."""
    p.text(ADDR_X, ADDR_TOP, format_postal_code(postal_code), 10.5)
    size, leading = 11, 5.2 * mm
    lines = _wrap(address, p.font, size, ADDR_W)
    if len(lines) > 3:
        size, leading = 9, 4.2 * mm
        lines = _wrap(address, p.font, size, ADDR_W)
    name_size = _fit_size(name, p.font, name_size, ADDR_W - 4 * mm)
    names: tuple[str, ...] = (name,)
    if pdfmetrics.stringWidth(name, p.font, name_size) > ADDR_W - 4 * mm:
        # A long corporate name: two lines rather than a line running out of the window.
        name_size = 10
        names = _wrap(name, p.font, name_size, ADDR_W - 4 * mm)
    if len(lines) > 4 or len(names) > 2:
        # Cutting an address or a name short would misdirect the letter: stop instead.
        raise ValueError(too_long)
    top = ADDR_TOP + 6.5 * mm
    for line in lines:
        p.text(ADDR_X, top, line, size)
        top += leading
    top = max(top + 4 * mm, ADDR_TOP + 25 * mm)
    for line in names:
        p.text(ADDR_X + 4 * mm, top, line, name_size)
        top += 5 * mm


def _issuer_block(p: _Page, n: DemandNotice) -> None:
    p.text(RIGHT, 22 * mm, wareki(n.issued_on), 10.5, align="right")
    p.text(RIGHT, 28 * mm, f"通知番号　{n.number}", 9, align="right")
    p.text(RIGHT, 39 * mm, n.issuer_title, 13, align="right")
    p.text(RIGHT, 47 * mm, f"（担当）{n.city_name}　{n.department_name}", 9, align="right", max_w=75 * mm)
    if n.department_phone.strip():  # no "電話" with nothing after it
        p.text(RIGHT, 52 * mm, f"電話　{n.department_phone}", 9, align="right")


def _fold_marks(p: _Page) -> None:
    p.c.setLineWidth(0.3)
    for top in FOLDS_MM:
        p.c.line(4 * mm, _y(top * mm), 8 * mm, _y(top * mm))


def _table(p: _Page, top: float, lines: Iterable[NoticeLine], more: int) -> float:
    """The instalment table; returns the top of the row after the last one drawn."""
    c = p.c
    xs = [LEFT]
    for w in COLUMNS_MM:
        xs.append(xs[-1] + w * mm)
    c.setFillColor(GREY)
    c.rect(LEFT, _y(top + ROW_H), TEXT_W, ROW_H, stroke=0, fill=1)
    c.setFillColor(black)
    for i, h in enumerate(HEADERS):
        p.text((xs[i] + xs[i + 1]) / 2, top + ROW_H - 1.6 * mm, h, 9, align="centre")
    row_top = top + ROW_H
    pad = 1.5 * mm
    for line in lines:
        base = row_top + ROW_H - 1.6 * mm
        cells = (
            line.receivable_name,
            fiscal_year_label(line.fiscal_year),
            line.subject,
            instalment_label(line.instalment_no),
            wareki(line.due_date),
        )
        for i, s in enumerate(cells):
            p.text(xs[i] + pad, base, s, 9, max_w=COLUMNS_MM[i] * mm - 2 * pad)
        p.text(xs[6] - pad, base, _yen(line.principal), 9, align="right")
        row_top += ROW_H
    grid_bottom = row_top
    if more:
        # One row spanning the table: no column rules through it.
        p.text(xs[0] + pad, row_top + ROW_H - 1.6 * mm, f"ほか{more}件（次ページの明細のとおり）", 9)
        row_top += ROW_H
    bottom = row_top
    c.setLineWidth(0.5)
    c.rect(LEFT, _y(bottom), TEXT_W, bottom - top, stroke=1, fill=0)
    c.setLineWidth(0.25)
    r = top + ROW_H
    while r < bottom - 0.1:
        c.line(LEFT, _y(r), RIGHT, _y(r))
        r += ROW_H
    for x in xs[1:-1]:
        c.line(x, _y(top), x, _y(grid_bottom))
    return bottom


def _totals(p: _Page, top: float, n: DemandNotice) -> float:
    c = p.c
    label_x = LEFT + sum(COLUMNS_MM[:4]) * mm
    rows = (
        ("本税（料）額　計", _yen(n.principal_total)),
        ("督促手数料", _yen(n.fee)),
        ("合計", _yen(n.total)),
    )
    c.setLineWidth(0.25)
    for i, (label, amount) in enumerate(rows):
        base = top + (i + 1) * ROW_H - 1.6 * mm
        if i == 2:
            c.setFillColor(GREY)
            c.rect(label_x, _y(top + 3 * ROW_H), RIGHT - label_x, ROW_H, stroke=0, fill=1)
            c.setFillColor(black)
            p.text(label_x + 1.5 * mm, base, label, 10)
            p.bold(RIGHT - 1.5 * mm, base, amount, 10.5, align="right")
        else:
            p.text(label_x + 1.5 * mm, base, label, 9)
            p.text(RIGHT - 1.5 * mm, base, amount, 9, align="right")
    c.setLineWidth(0.5)
    c.rect(label_x, _y(top + 3 * ROW_H), RIGHT - label_x, 3 * ROW_H, stroke=1, fill=0)
    c.setLineWidth(0.25)
    for i in (1, 2):
        c.line(label_x, _y(top + i * ROW_H), RIGHT, _y(top + i * ROW_H))
    amount_x = LEFT + sum(COLUMNS_MM[:5]) * mm
    c.line(amount_x, _y(top), amount_x, _y(top + 3 * ROW_H))
    return top + 3 * ROW_H


def _slip(p: _Page, n: DemandNotice) -> None:
    """The convenience-store part at the foot of the page."""
    c = p.c
    # A plain rule, not a dashed cut line: the whole page goes to the till.
    c.setLineWidth(0.4)
    c.line(LEFT, _y(SLIP_TOP), RIGHT, _y(SLIP_TOP))
    top = SLIP_TOP + 6 * mm
    p.text(LEFT, top, "コンビニエンスストアでの納付", 10)
    if n.barcode is None:
        p.paragraph(
            LEFT,
            top + 8 * mm,
            "この督促状にはコンビニエンスストア用のバーコードがありません（納付額が取扱上限を超える場合など）。"
            "上記の金融機関または窓口で納付してください。",
            9.5,
            TEXT_W,
            5.5 * mm,
        )
        return
    slip = parse_barcode(n.barcode)
    symbol = gs1_128(n.barcode)
    bar_top = top + 4 * mm
    symbol.drawOn(c, LEFT, _y(bar_top + symbol.barHeight))
    p.text(LEFT + symbol.lquiet, bar_top + symbol.barHeight + 4 * mm, conveni_digits(n.barcode), 8)
    info_x = LEFT + symbol.width + 10 * mm
    p.text(info_x, top + 7 * mm, "納付額", 9)
    p.bold(RIGHT, top + 7 * mm, _yen(slip.amount), 12, align="right")
    p.text(info_x, top + 14 * mm, "取扱期限", 9)
    limit = wareki(slip.deadline) if slip.deadline else "なし"
    p.text(RIGHT, top + 14 * mm, limit, 10, align="right")
    p.paragraph(
        info_x,
        top + 21 * mm,
        "このページをそのままレジにお持ちください。\n取扱期限を過ぎると使えません。",
        8,
        RIGHT - info_x,
        4 * mm,
    )


def _draw_first_page(p: _Page, n: DemandNotice, shown: tuple[NoticeLine, ...], more: int) -> None:
    _fold_marks(p)
    _address_block(p, n)
    _issuer_block(p, n)
    p.bold(PAGE_W / 2, 113 * mm, "督促状", 24, align="centre")
    if n.copy_issued_on is not None:
        p.text(RIGHT, 108 * mm, "再発行（写）", 12, align="right")
        p.text(RIGHT, 113 * mm, f"{wareki(n.copy_issued_on)}再発行", 8.5, align="right")
    top = p.paragraph(LEFT, 122 * mm, n.statement, 10.5, TEXT_W, 5.4 * mm)
    top = p.paragraph(LEFT, top, n.warning, 9.5, TEXT_W, 4.8 * mm)
    box_top = top - 1 * mm
    p.c.setLineWidth(0.8)
    p.c.rect(LEFT, _y(box_top + 9 * mm), TEXT_W, 9 * mm, stroke=1, fill=0)
    p.text(LEFT + 4 * mm, box_top + 6.3 * mm, "指定期限", 11)
    p.bold(LEFT + 28 * mm, box_top + 6.5 * mm, wareki(n.designated_deadline), 14)
    p.text(RIGHT - 4 * mm, box_top + 6.3 * mm, f"納付すべき額　{_yen(n.total)}", 11, align="right")
    table_bottom = _table(p, box_top + 13 * mm, shown, more)
    # The late-charge notice sits left of the totals box, which fills only the last columns.
    totals_bottom = _totals(p, table_bottom, n)
    note_w = sum(COLUMNS_MM[:4]) * mm - 6 * mm
    top = table_bottom + 4.5 * mm
    if n.late_charge_note:
        # No heading over an empty paragraph: a receivable with no late charge prints none.
        p.text(LEFT, top, n.legal.late_charge_heading, 9.5)
        top = p.paragraph(LEFT + 3 * mm, top + 4.8 * mm, n.late_charge_note, 8.5, note_w - 3 * mm, 4.1 * mm)
    top = max(top, totals_bottom + 4.5 * mm) + 1 * mm
    p.text(LEFT, top, "納付場所", 9.5)
    top += 4.8 * mm
    # Two columns, one place per cell: a place name is never split across lines.
    col_w = (TEXT_W - 3 * mm) / 2
    for i, place in enumerate(n.payment_places):
        p.text(LEFT + 3 * mm + (i % 2) * col_w, top + (i // 2) * 4.1 * mm, f"・{place}", 8.5, max_w=col_w - 2 * mm)
    top += (len(n.payment_places) + 1) // 2 * 4.1 * mm + 1.5 * mm
    p.text(LEFT, top, "※この督促状と行き違いに納付された場合は、ご容赦ください。", 8.5)
    if top > SLIP_TOP - 3 * mm:
        # Only the city's own texts (note, places, legal basis) can grow this far.
        raise ValueError(f"督促状 {n.number}: 延滞金の説明・納付場所等が長すぎて1ページに収まりません")
    _slip(p, n)


def _draw_next_page(p: _Page, n: DemandNotice, lines: tuple[NoticeLine, ...], page_no: int, pages: int) -> None:
    p.text(LEFT, 20 * mm, f"督促状（明細の続き）　{page_no}／{pages}", 12)
    p.text(RIGHT, 20 * mm, f"通知番号　{n.number}", 9, align="right")
    p.text(LEFT, 28 * mm, f"{n.name}　様", 11)
    p.text(RIGHT, 28 * mm, f"{n.issuer_title}　{n.city_name}　{n.department_name}", 9, align="right")
    _table(p, 34 * mm, lines, 0)


def _pages_of(n: DemandNotice) -> list[tuple[NoticeLine, ...]]:
    lines = n.lines
    if len(lines) <= ROWS_FIRST_PAGE:
        return [lines]
    # One row of the first page says "see next page", so it holds one line fewer.
    first = ROWS_FIRST_PAGE - 1
    rest = lines[first:]
    return [lines[:first]] + [rest[i : i + ROWS_NEXT_PAGE] for i in range(0, len(rest), ROWS_NEXT_PAGE)]


def render_demand_notices(
    notices: Iterable[DemandNotice],
    out: str | os.PathLike[str] | BinaryIO,
    progress: Callable[[int], None] | None = None,
    every: int = 200,
) -> int:
    """Write all notices into one PDF and return the number of pages.

    One page per notice; a notice with more than 8 instalments continues on further
    pages, so the count can exceed the number of notices. `progress(pages_done)` is
    called every `every` pages and once at the end. Raises ValueError for a notice that
    cannot be printed correctly (no lines, glyphs missing, barcode amount not the total).
    """
    if every < 1:
        raise ValueError("every は1以上です")
    font = register_japanese_font()
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    # The Japanese font from the start: otherwise every page also refers to a
    # non-embedded Helvetica, which print shops and PDF/A checks flag.
    canvas = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)
    canvas.setTitle("督促状")
    canvas.setSubject("督促状")
    canvas.setCreator("saiken")
    p = _Page(canvas, font)
    pages = reported = 0
    for notice in notices:
        _check(notice, font)
        if pages == 0:
            canvas.setAuthor(f"{notice.city_name}　{notice.issuer_title}")
        chunks = _pages_of(notice)
        more = len(notice.lines) - len(chunks[0])
        _draw_first_page(p, notice, chunks[0], more)
        canvas.showPage()
        for i, chunk in enumerate(chunks[1:], start=2):
            _draw_next_page(p, notice, chunk, i, len(chunks))
            canvas.showPage()
        before, pages = pages, pages + len(chunks)
        if progress is not None and pages // every > before // every:
            progress(pages)
            reported = pages
    canvas.save()
    if progress is not None and reported != pages:
        progress(pages)
    return pages
