"""催告書 (reminders) as one PDF, exactly one A4 page per letter, for a window envelope.

Plain data in (`ReminderNotice`), as `demand_notice`. A letter lists at most
`case_letters.MAX_ROWS` instalments; beyond that the rest are summed in one row,
so a batch of N letters is N pages — what the mailing contractor counts on. What
the letter warns of follows the classes of the claims on it: 滞納処分 for forcible
claims, a court for the others, each in the words of its receivable's articles
(`core.legal_text`), or a general sentence for letters made before those existed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from saiken.core.era import wareki
from saiken.core.legal_text import REMINDER_LEAD, gaps, warning_sentence
from saiken.documents.case_letters import (
    BODY_TOP, PAGE_BOTTOM, Addressee, ClaimLine, Issuer, address_block, claim_table, fold_marks, issuer_block,
)
from saiken.documents.demand_notice import LEFT, PAGE_W, RIGHT, TEXT_W, _Page, _y, _yen
from saiken.documents.fonts import missing_glyphs, register_japanese_font

# For lines stored without their receivable's own sentence (letters issued before it existed).
WARNINGS = {
    "forcible": "納付がない場合は、法令の規定により、財産（預貯金・給与等）の差押えなどの滞納処分を行います。",
    "non_forcible": "納付がない場合は、地方自治法施行令第171条の2の規定により、支払督促の申立てなど裁判所の手続による請求を行います。",
    "private": "納付がない場合は、支払督促の申立て・訴えの提起などの法的措置をとることがあります。",
}
LATE_NOTE = "延滞金・遅延損害金は、納付の日までの分を計算して別にお知らせすることがあります（上記の延滞金等は確定した額です）。"


@dataclass(frozen=True)
class ReminderLine:
    receivable_name: str
    legal_class: str  # forcible / non_forcible / private
    fiscal_year: int
    subject: str
    instalment_no: int
    due_date: date
    principal: int
    late_charge: int = 0
    fee: int = 0
    late_charge_kind: str = "none"
    basis: str | None = None  # the receivable's 滞納処分 / 法的措置 article; None on letters made before it was kept

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee


@dataclass(frozen=True)
class ReminderNotice:
    """One 催告書 to one debtor."""

    number: str
    sent_on: date
    pay_by: date
    postal_code: str
    address: str
    name: str
    department_name: str
    department_phone: str
    city_name: str
    issuer_title: str
    lines: tuple[ReminderLine, ...]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def _check(n: ReminderNotice, font: str) -> None:
    if not n.lines:
        raise ValueError(f"催告書 {n.number}: 催告の対象となる期別がありません")
    for line in n.lines:
        for amount in (line.principal, line.late_charge, line.fee):
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise ValueError(f"催告書 {n.number}: 金額は0以上の整数（円）です（{amount!r}）")
    texts = [n.number, n.postal_code, n.address, n.name, n.department_name, n.department_phone, n.city_name, n.issuer_title,
             *(x.receivable_name for x in n.lines), *(x.subject for x in n.lines)]
    texts += warnings(n)
    missing = missing_glyphs(texts, font)
    if missing:
        raise ValueError(f"催告書 {n.number}: フォントにない文字があります（{missing}）。外字を置き換えてください")
    for w in warnings(n):
        if gaps(w):
            raise ValueError(f"催告書 {n.number}: 根拠法令の文に空欄があります（{'・'.join(gaps(w))}）: {w}")


def warnings(n: ReminderNotice) -> list[str]:
    """One warning per legal class on the letter (forcible first), naming the articles of its
    receivables; non-forcible and private claims share the court sentence when they share its article."""
    out = []
    for cls in ("forcible", "non_forcible", "private"):
        lines = [x for x in n.lines if x.legal_class == cls]
        if not lines:
            continue
        if all(x.basis is None for x in lines):
            out.append(WARNINGS[cls])
        else:
            out.append(warning_sentence(REMINDER_LEAD, cls, [x.basis or "" for x in lines]))
    return list(dict.fromkeys(out))


def _draw(p: _Page, n: ReminderNotice) -> None:
    fold_marks(p)
    address_block(p, Addressee(n.name, n.postal_code, n.address, "様"), n.number)
    issuer_block(p, Issuer(n.city_name, n.issuer_title, n.department_name, n.department_phone), n.sent_on, n.number)
    p.bold(PAGE_W / 2, BODY_TOP, "催　告　書", 20, align="centre")
    names = "・".join(dict.fromkeys(x.receivable_name for x in n.lines))
    top = p.paragraph(
        LEFT, BODY_TOP + 10 * mm,
        f"あなたの下記の{names}は、督促状などでお知らせしましたが、まだ納付されていません。"
        f"{wareki(n.pay_by)}までに必ず納付してください。納付が困難な事情があるときは、期限までに担当課へ御相談ください。",
        10.5, TEXT_W, 5.6 * mm,
    )
    box_top = top + 1 * mm
    p.c.setLineWidth(0.8)
    p.c.rect(LEFT, _y(box_top + 9 * mm), TEXT_W, 9 * mm, stroke=1, fill=0)
    p.text(LEFT + 4 * mm, box_top + 6.3 * mm, "納付期限", 11)
    p.bold(LEFT + 28 * mm, box_top + 6.5 * mm, wareki(n.pay_by), 14)
    p.text(RIGHT - 4 * mm, box_top + 6.3 * mm, f"未納額　{_yen(n.total)}", 11, align="right")
    lines = tuple(ClaimLine(x.receivable_name, x.fiscal_year, x.subject, x.instalment_no, x.due_date, x.principal, x.late_charge, x.fee)
                  for x in n.lines)
    top = claim_table(p, box_top + 13 * mm, lines) + 5 * mm
    for warning in warnings(n):
        top = p.paragraph(LEFT, top, f"・{warning}", 9.5, TEXT_W, 4.8 * mm)
    if any(x.late_charge_kind != "none" for x in n.lines):
        top = p.paragraph(LEFT, top, f"・{LATE_NOTE}", 9.5, TEXT_W, 4.8 * mm)
    top = p.paragraph(LEFT, top, "・この催告書と行き違いに納付された場合は、御容赦ください。", 9.5, TEXT_W, 4.8 * mm)
    if top > PAGE_BOTTOM:
        raise ValueError(f"催告書 {n.number}: 内容が長すぎて1ページに収まりません")


def render_reminder_letters(
    notices: Iterable[ReminderNotice], out: str | os.PathLike[str] | BinaryIO, progress: Callable[[int], None] | None = None,
    every: int = 200,
) -> int:
    """Write every letter into one PDF, a page each; returns the number of pages.
    `progress(pages_done)` is called every `every` pages and once at the end."""
    if every < 1:
        raise ValueError("every は1以上です")
    font = register_japanese_font()
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    canvas = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)
    canvas.setTitle("催告書")
    canvas.setCreator("saiken")
    p = _Page(canvas, font)
    pages = reported = 0
    for n in notices:
        _check(n, font)
        if pages == 0:
            canvas.setAuthor(f"{n.city_name}　{n.issuer_title}")
        _draw(p, n)
        canvas.showPage()
        pages += 1
        if progress is not None and pages % every == 0:
            progress(pages)
            reported = pages
    canvas.save()
    if progress is not None and reported != pages:
        progress(pages)
    return pages
