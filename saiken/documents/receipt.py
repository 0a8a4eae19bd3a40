"""領収書: the receipt handed over at the counter (窓口収納), as a PDF.

A4 portrait (filed with the city's copy, or printed on the office printer) or the width of
an 80 mm receipt roll (the page is as long as the receipt). The input is plain data (no
models), fixed when the money was taken, so a reprint says what the first print said.

What it says: the city and its 公印 area, the receipt number and the day in 和暦, who paid,
the receivable, per instalment what was paid by component (本税・延滞金・手数料) and what
remains owed on it after the payment, the total, and for cash the amount tendered and the
change. The Japanese font is embedded (saiken.documents.fonts), as on every document.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from saiken.core.era import wareki
from saiken.core.money import yen
from saiken.documents.fonts import register_japanese_font

A4_WIDTH, ROLL = "a4", "roll"
WIDTHS = (A4_WIDTH, ROLL)
ROLL_W = 80 * mm


@dataclass(frozen=True)
class ReceiptLine:
    """One instalment on a receipt: what was paid of it and what it still owes."""

    label: str  # 市税 2025年度 第3期
    due_date: date
    principal_paid: int
    late_paid: int
    fee_paid: int
    principal_after: int
    late_after: int
    fee_after: int

    @property
    def paid(self) -> int:
        return self.principal_paid + self.late_paid + self.fee_paid

    @property
    def remaining(self) -> int:
        return self.principal_after + self.late_after + self.fee_after


@dataclass(frozen=True)
class Receipt:
    number: str
    taken_on: date
    paid_on: date
    city_name: str
    issuer_title: str
    department_name: str
    clerk: str
    debtor_name: str
    receivable_name: str
    channel_label: str
    cash: bool
    amount: int
    tendered: int
    change: int
    lines: tuple[ReceiptLine, ...]

    @property
    def remaining(self) -> int:
        return sum(x.remaining for x in self.lines)


def _yen(n: int) -> str:
    return f"{yen(n)}円"


class _Writer:
    """Top-down layout on one page of width `w`; `top` is the distance from the top."""

    def __init__(self, canvas: Canvas, font: str, page_h: float, left: float, right: float, scale: float):
        self.c, self.font, self.page_h, self.left, self.right, self.s = canvas, font, page_h, left, right, scale
        self.top = 0.0

    def y(self, top: float) -> float:
        return self.page_h - top

    def text(self, s: str, size: float, *, x: float | None = None, align: str = "left", top: float | None = None) -> None:
        size *= self.s
        width = self.right - (x if x is not None else self.left)
        while size > 5 and pdfmetrics.stringWidth(s, self.font, size) > width and align == "left":
            size -= 0.5  # a long name shrinks rather than runs off the paper
        self.c.setFont(self.font, size)
        t = self.y(self.top if top is None else top)
        if align == "right":
            self.c.drawRightString(self.right if x is None else x, t, s)
        elif align == "centre":
            self.c.drawCentredString((self.left + self.right) / 2, t, s)
        else:
            self.c.drawString(self.left if x is None else x, t, s)

    def pair(self, label: str, value: str, size: float, *, indent: float = 0) -> None:
        self.text(label, size, x=self.left + indent)
        self.text(value, size, align="right")

    def rule(self, gap: float = 2.5 * mm) -> None:
        """A line under the text above, and room for the next line's letters below it."""
        self.top += gap
        self.c.setLineWidth(0.5)
        self.c.line(self.left, self.y(self.top), self.right, self.y(self.top))
        self.top += gap + 4 * mm * self.s

    def down(self, d: float) -> None:
        self.top += d


def render_receipt(receipt: Receipt, out: str | os.PathLike[str] | BinaryIO, *, width: str = A4_WIDTH) -> None:
    """Write the receipt as a one-page PDF, A4 (`width="a4"`) or 80 mm roll (`"roll"`)."""
    if width not in WIDTHS:
        raise ValueError(f"width は {' / '.join(WIDTHS)} のどれかです（{width!r}）")
    if not receipt.lines or receipt.amount != sum(x.paid for x in receipt.lines):
        raise ValueError(f"領収書 {receipt.number}: 内訳の合計が金額 {_yen(receipt.amount)} と一致しません")
    font = register_japanese_font()
    if width == A4_WIDTH:
        page_w, page_h = A4
    else:  # as long as the receipt: measured by drawing it once on a scratch canvas
        page_w, page_h = ROLL_W, _draw(Canvas(io.BytesIO()), font, receipt, width, 1000 * mm) + 12 * mm
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    c = Canvas(target, pagesize=(page_w, page_h), pageCompression=1, initialFontName=font, initialFontSize=10)
    c.setTitle(f"領収書 {receipt.number}")
    c.setAuthor(f"{receipt.city_name}　{receipt.issuer_title}")
    c.setCreator("saiken")
    _draw(c, font, receipt, width, page_h)
    c.showPage()
    c.save()


def _draw(c: Canvas, font: str, receipt: Receipt, width: str, page_h: float) -> float:
    """Draw the receipt from the top of the page; return how far down it reaches."""
    if width == A4_WIDTH:
        left, right, scale, row = 25 * mm, A4[0] - 25 * mm, 1.0, 6.5 * mm
    else:
        left, right, scale, row = 4 * mm, ROLL_W - 4 * mm, 0.72, 5 * mm
    w = _Writer(c, font, page_h, left, right, scale)

    w.down(20 * mm * scale)
    w.text("領　収　書", 20, align="centre")
    w.down(10 * mm * scale)
    w.pair("領収番号", receipt.number, 10)
    w.down(row)
    w.pair("領収日", wareki(receipt.taken_on), 10)
    if receipt.paid_on != receipt.taken_on:
        w.down(row)
        w.pair("納付日", wareki(receipt.paid_on), 10)
    w.down(row * 1.6)
    w.text(f"{receipt.debtor_name}　様", 14)
    w.down(row * 1.8)
    w.pair("金額", f"￥{yen(receipt.amount)}－", 16)
    w.down(row)
    w.text("上記の金額を領収しました。", 10)
    w.down(row)
    w.pair("債権", receipt.receivable_name, 10)
    w.down(row)
    w.pair("納付方法", receipt.channel_label, 10)
    w.rule()

    w.text("内訳（納付後の未納額）", 10)
    for x in receipt.lines:
        w.down(row)
        w.text(f"{x.label}（納期限 {wareki(x.due_date)}）", 9)
        for name, paid, after in (("本税（料）", x.principal_paid, x.principal_after), ("延滞金", x.late_paid, x.late_after),
                                  ("手数料", x.fee_paid, x.fee_after)):
            if paid or after:
                w.down(row)
                w.pair(name, f"{_yen(paid)}（残 {_yen(after)}）", 9, indent=4 * mm * scale)
        w.down(row)
        w.pair("小計", f"{_yen(x.paid)}（残 {_yen(x.remaining)}）", 9, indent=4 * mm * scale)
    w.rule()
    w.pair("合計", _yen(receipt.amount), 12)
    if receipt.cash:
        w.down(row)
        w.pair("お預かり", _yen(receipt.tendered), 10)
        w.down(row)
        w.pair("お釣り", _yen(receipt.change), 10)
    w.down(row)
    w.pair("納付後の未納額", _yen(receipt.remaining), 10)
    if any(x.principal_after for x in receipt.lines):
        w.down(row)
        w.text("本税（料）が未納の期別には、完納の日までの延滞金が加わることがあります。", 7)
    w.rule()

    # Issuer and the 公印 area: the seal is pressed (or printed) inside the box.
    seal = 20 * mm * (1 if width == A4_WIDTH else 0.8)
    w.down(row)
    w.text(receipt.city_name, 11)
    w.down(row)
    w.text(receipt.issuer_title, 11)
    w.down(row)
    w.text(f"{receipt.department_name}　取扱者 {receipt.clerk}", 8)
    box_top = w.top - row * 2.4
    c.setLineWidth(0.8)
    c.rect(right - seal, w.y(box_top + seal), seal, seal)
    c.setFont(font, 9 * scale)
    c.drawCentredString(right - seal / 2, w.y(box_top + seal / 2 + 1.5 * mm), "公印")
    return max(w.top, box_top + seal)
