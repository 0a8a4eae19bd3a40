"""納付書 (payment slips) as one PDF, one A4 page per slip, for a window envelope.

A first-issue slip (当初), a reissue (再発行) with the late charge computed to a chosen
day, or a slip for one payment of an instalment plan (分納). Like the 督促状
(saiken.documents.demand_notice, whose helpers this reuses), the input is plain data,
the payer's address sits in the envelope window, and the convenience-store part at the
foot of the page carries the GS1-128 symbol and its 44 digits — or says there is none
when the total is above the agency contract's cap.

Page plan, A4 portrait, in mm from the top-left corner: 0–99 address and issuer;
104– title, 支払期限, the lines and the total, the late-charge note and where to pay;
244–287 the store part.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from saiken.core.conveni import parse_barcode
from saiken.core.era import fiscal_year_label, wareki
from saiken.documents.barcode import gs1_128
from saiken.documents.demand_notice import (
    GREY, LEFT, PAGE_W, RIGHT, ROW_H, SLIP_TOP, TEXT_W, _fold_marks, _Page, _y, _yen, conveni_digits, instalment_label,
    window_address,
)
from saiken.documents.fonts import missing_glyphs, register_japanese_font

# Column widths in mm: 債権・科目 / 年度 / 期別 / 納期限 / 本税（料） / 延滞金 / 手数料 / 計 (sums to 170).
COLUMNS_MM = (38, 18, 13, 27, 20, 18, 16, 20)
HEADERS = ("債権・科目", "年度", "期別", "納期限", "本税（料）", "延滞金", "手数料", "計")
MAX_LINES = 14  # what fits between the deadline box and the store part


@dataclass(frozen=True)
class SlipLineData:
    """One instalment on a slip and what the slip asks for it."""

    receivable_name: str
    subject: str
    fiscal_year: int
    instalment_no: int
    due_date: date
    principal: int
    late_charge: int
    fee: int

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee


@dataclass(frozen=True)
class SlipDocument:
    """One 納付書 to one payer, everything printed on it already decided."""

    number: str
    kind: str  # 当初 / 再発行 / 分納
    heading: str  # e.g. "分納誓約 第2回" (empty for none)
    issued_on: date
    deadline: date
    late_charge_to: date
    postal_code: str
    address: str
    name: str
    department_name: str
    department_phone: str
    city_name: str
    issuer_title: str
    lines: tuple[SlipLineData, ...]
    barcode: str | None
    no_barcode: str  # why there is none (the cap), printed instead
    payment_places: tuple[str, ...]
    charges_late: bool = True

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def _check(s: SlipDocument, font: str) -> None:
    where = f"納付書 {s.number}"
    if not s.lines:
        raise ValueError(f"{where}: 明細がありません")
    if len(s.lines) > MAX_LINES:
        raise ValueError(f"{where}: 1枚の納付書に載せられる期別は{MAX_LINES}件までです（{len(s.lines)}件）")
    texts = [s.name, s.address, s.department_name, s.city_name, s.issuer_title, *s.payment_places]
    texts += [x for line in s.lines for x in (line.receivable_name, line.subject)]
    missing = missing_glyphs(texts, font)
    if missing:
        raise ValueError(f"{where}: フォントにない文字があります（{missing}）。外字を置き換えてください")
    if s.barcode is not None and parse_barcode(s.barcode).amount != s.total:
        # A slip for another amount would let the store collect the wrong sum.
        raise ValueError(f"{where}: バーコードの金額が合計{_yen(s.total)}と一致しません")


def _table(p: _Page, top: float, s: SlipDocument) -> float:
    c = p.c
    xs = [LEFT]
    for w in COLUMNS_MM:
        xs.append(xs[-1] + w * mm)
    c.setFillColor(GREY)
    c.rect(LEFT, _y(top + ROW_H), TEXT_W, ROW_H, stroke=0, fill=1)
    c.setFillColor(black)
    for i, h in enumerate(HEADERS):
        p.text((xs[i] + xs[i + 1]) / 2, top + ROW_H - 1.6 * mm, h, 8.5, align="centre")
    row = top + ROW_H
    pad = 1.5 * mm
    rows = [*s.lines, None]  # the last row: the totals
    for line in rows:
        base = row + ROW_H - 1.6 * mm
        if line is None:
            c.setFillColor(GREY)
            c.rect(LEFT, _y(row + ROW_H), TEXT_W, ROW_H, stroke=0, fill=1)
            c.setFillColor(black)
            p.text(xs[0] + pad, base, "合計", 9)
            amounts = (sum(x.principal for x in s.lines), sum(x.late_charge for x in s.lines), sum(x.fee for x in s.lines))
            for i, a in enumerate(amounts, start=5):
                p.text(xs[i] - pad, base, _yen(a), 8.5, align="right")
            p.bold(xs[8] - pad, base, _yen(s.total), 9, align="right")
        else:
            name = f"{line.receivable_name}　{line.subject}" if line.subject and line.subject != line.receivable_name else line.receivable_name
            cells = (name, fiscal_year_label(line.fiscal_year), instalment_label(line.instalment_no), wareki(line.due_date))
            for i, text in enumerate(cells):
                p.text(xs[i] + pad, base, text, 8.5, max_w=COLUMNS_MM[i] * mm - 2 * pad)
            for i, a in enumerate((line.principal, line.late_charge, line.fee, line.total), start=5):
                p.text(xs[i] - pad, base, _yen(a), 8.5, align="right")
        row += ROW_H
    c.setLineWidth(0.5)
    c.rect(LEFT, _y(row), TEXT_W, row - top, stroke=1, fill=0)
    c.setLineWidth(0.25)
    r = top + ROW_H
    while r < row - 0.1:
        c.line(LEFT, _y(r), RIGHT, _y(r))
        r += ROW_H
    for x in xs[1:-1]:
        c.line(x, _y(top), x, _y(row))
    return row


def _store_part(p: _Page, s: SlipDocument) -> None:
    c = p.c
    c.setLineWidth(0.4)
    c.line(LEFT, _y(SLIP_TOP), RIGHT, _y(SLIP_TOP))
    top = SLIP_TOP + 6 * mm
    p.text(LEFT, top, "コンビニエンスストアでの納付", 10)
    if s.barcode is None:
        p.paragraph(
            LEFT, top + 8 * mm,
            f"この納付書にはコンビニエンスストア用のバーコードがありません（{s.no_barcode}）。"
            "金融機関または市役所の窓口で納付してください。",
            9.5, TEXT_W, 5.5 * mm,
        )
        return
    read = parse_barcode(s.barcode)
    symbol = gs1_128(s.barcode)
    bar_top = top + 4 * mm
    symbol.drawOn(c, LEFT, _y(bar_top + symbol.barHeight))
    p.text(LEFT + symbol.lquiet, bar_top + symbol.barHeight + 4 * mm, conveni_digits(s.barcode), 8)
    info_x = LEFT + symbol.width + 10 * mm
    p.text(info_x, top + 7 * mm, "納付額", 9)
    p.bold(RIGHT, top + 7 * mm, _yen(read.amount), 12, align="right")
    p.text(info_x, top + 14 * mm, "取扱期限", 9)
    p.text(RIGHT, top + 14 * mm, wareki(read.deadline) if read.deadline else "なし", 10, align="right")
    p.paragraph(info_x, top + 21 * mm, "このページをそのままレジにお持ちください。\n取扱期限を過ぎると使えません。", 8, RIGHT - info_x, 4 * mm)


def _draw(p: _Page, s: SlipDocument) -> None:
    _fold_marks(p)
    window_address(p, postal_code=s.postal_code, address=s.address, name=f"{s.name}　様", name_size=15,
                   too_long=f"納付書 {s.number}: 宛先の住所または氏名が長すぎて封筒の窓に収まりません")
    p.text(RIGHT, 22 * mm, wareki(s.issued_on), 10.5, align="right")
    p.text(RIGHT, 28 * mm, f"納付書番号　{s.number}", 9, align="right")
    p.text(RIGHT, 39 * mm, s.issuer_title, 13, align="right")
    p.text(RIGHT, 47 * mm, f"（担当）{s.city_name}　{s.department_name}", 9, align="right", max_w=75 * mm)
    if s.department_phone.strip():
        p.text(RIGHT, 52 * mm, f"電話　{s.department_phone}", 9, align="right")
    title = "納付書" if s.kind == "当初" else f"納付書（{s.kind}）"
    p.bold(PAGE_W / 2, 113 * mm, title, 22, align="centre")
    top = 121 * mm
    if s.heading:
        p.text(PAGE_W / 2, top, s.heading, 10.5, align="centre")
        top += 6 * mm
    p.c.setLineWidth(0.8)
    p.c.rect(LEFT, _y(top + 9 * mm), TEXT_W, 9 * mm, stroke=1, fill=0)
    p.text(LEFT + 4 * mm, top + 6.3 * mm, "支払期限", 11)
    p.bold(LEFT + 28 * mm, top + 6.5 * mm, wareki(s.deadline), 14)
    p.text(RIGHT - 4 * mm, top + 6.3 * mm, f"納付額　{_yen(s.total)}", 11, align="right")
    top = _table(p, top + 13 * mm, s) + 5 * mm
    if s.charges_late:
        note = (
            f"延滞金は{wareki(s.late_charge_to)}に納付された場合の額です。"
            "この日より後に納付されると延滞金が増えることがあり、不足分はあらためてお知らせします。"
        )
        top = p.paragraph(LEFT, top, note, 8.5, TEXT_W, 4.1 * mm) + 1.5 * mm
    p.text(LEFT, top, "納付場所", 9.5)
    top += 4.8 * mm
    col_w = (TEXT_W - 3 * mm) / 2
    for i, place in enumerate(s.payment_places):
        p.text(LEFT + 3 * mm + (i % 2) * col_w, top + (i // 2) * 4.1 * mm, f"・{place}", 8.5, max_w=col_w - 2 * mm)
    top += (len(s.payment_places) + 1) // 2 * 4.1 * mm + 1.5 * mm
    p.text(LEFT, top, "※この納付書と行き違いに納付された場合は、ご容赦ください。", 8.5)
    if top > SLIP_TOP - 3 * mm:
        raise ValueError(f"納付書 {s.number}: 明細・納付場所が長すぎて1ページに収まりません")
    _store_part(p, s)


def render_slips(slips: Iterable[SlipDocument], out: str | os.PathLike[str] | BinaryIO) -> int:
    """Write the slips into one PDF, one page each; returns the number of pages.
    Raises ValueError for a slip that cannot be printed correctly."""
    font = register_japanese_font()
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    canvas = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)
    canvas.setTitle("納付書")
    canvas.setSubject("納付書")
    canvas.setCreator("saiken")
    p = _Page(canvas, font)
    pages = 0
    for s in slips:
        _check(s, font)
        if pages == 0:
            canvas.setAuthor(f"{s.city_name}　{s.issuer_title}")
        _draw(p, s)
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages
