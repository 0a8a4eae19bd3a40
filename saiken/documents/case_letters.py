"""Case-work letters as PDF, one A4 page each, for a window envelope: the investigation
request (財産調査の照会書) and the seizure papers (差押調書（謄本） to the debtor,
債権差押通知書 to the third-party debtor: the bank, employer or customer).

Inputs are plain data (no models), as in `demand_notice`, whose page plan this
follows: the address in the window of the top third, the issuer at the right, the
body below the first fold. The Japanese font is embedded (`fonts`). A letter that
cannot be printed whole on its page — an address too long for the window, a glyph
the font lacks — is refused (ValueError), never cut short.
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

from saiken.core.era import fiscal_year_label, wareki
from saiken.core.legal_text import gaps
from saiken.documents.demand_notice import (
    FOLDS_MM, GREY, LEFT, PAGE_W, RIGHT, ROW_H, TEXT_W, _Page, _wrap, _y, _yen, instalment_label, window_address,
)
from saiken.documents.fonts import missing_glyphs, register_japanese_font

BODY_TOP = 108 * mm
PAGE_BOTTOM = 285 * mm


@dataclass(frozen=True)
class Addressee:
    """Who the letter is addressed to: a person (様) or an organisation (御中)."""

    name: str
    postal_code: str
    address: str
    honorific: str = "様"


@dataclass(frozen=True)
class Issuer:
    city_name: str
    issuer_title: str  # 新潟市長
    department_name: str
    department_phone: str


@dataclass(frozen=True)
class ClaimLine:
    """One instalment the letter is about (滞納金額の明細)."""

    receivable_name: str
    fiscal_year: int
    subject: str
    instalment_no: int
    due_date: date
    principal: int
    late_charge: int = 0
    fee: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.late_charge + self.fee


@dataclass(frozen=True)
class InvestigationRequest:
    """財産調査の照会書: one inquiry to one bank, employer, office or insurer."""

    number: str
    issued_on: date
    reply_by: date
    addressee: Addressee
    issuer: Issuer
    kind_label: str  # 金融機関（預貯金）
    subject_name: str  # the person inquired about
    subject_kana: str
    subject_birth_date: date | None
    subject_address: str
    questions: tuple[str, ...]
    legal_basis: str
    voluntary: bool  # no duty to answer: a request for cooperation, with the debtor's consent


@dataclass(frozen=True)
class SeizureNotice:
    """差押調書（謄本） (document "record", to the debtor) or 債権差押通知書 (document
    "notice", to the third-party debtor)."""

    document: str  # "record" | "notice"
    number: str
    issued_on: date
    seized_on: date
    addressee: Addressee
    issuer: Issuer
    debtor_name: str
    debtor_address: str
    kind_label: str  # 差押（預貯金）
    property_description: str
    third_party_name: str
    third_party_address: str
    lines: tuple[ClaimLine, ...]
    legal_basis: str
    pay_by: date | None = None  # the notice: the day the third party is to pay the city by
    charges_late: bool = True  # whether any claim on it carries 延滞金 (a receivable may charge none)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


TITLES = {"record": "差押調書（謄本）", "notice": "債権差押通知書"}
MAX_ROWS = 10
# Column widths in mm: 債権 / 年度 / 期別 / 納期限 / 本税（料） / 延滞金 / 手数料 (sums to 170).
COLUMNS_MM = (40, 24, 14, 30, 24, 20, 18)
HEADERS = ("債権", "年度", "期別", "納期限", "本税（料）", "延滞金", "手数料")


def _texts(letter) -> list[str]:
    a, i = letter.addressee, letter.issuer
    out = [letter.number, a.name, a.postal_code, a.address, a.honorific, i.city_name, i.issuer_title, i.department_name, i.department_phone,
           letter.legal_basis]
    if isinstance(letter, InvestigationRequest):
        out += [letter.kind_label, letter.subject_name, letter.subject_kana, letter.subject_address, *letter.questions]
    else:
        out += [letter.debtor_name, letter.debtor_address, letter.kind_label, letter.property_description, letter.third_party_name,
                letter.third_party_address, *(x.receivable_name for x in letter.lines), *(x.subject for x in letter.lines)]
    return out


def unprintable_characters(letter, font_name: str | None = None) -> str:
    return missing_glyphs(_texts(letter), font_name or register_japanese_font())


def _check(letter, font: str) -> None:
    missing = unprintable_characters(letter, font)
    if missing:
        raise ValueError(f"文書 {letter.number}: フォントにない文字があります（{missing}）。外字を置き換えてください")
    holes = gaps(letter.legal_basis)
    if holes:
        raise ValueError(f"文書 {letter.number}: 根拠法令に空欄があります（{'・'.join(holes)}）: {letter.legal_basis}")


def _by(basis: str, comma: str = "") -> str:
    """「…の規定により」, or nothing for a blank basis (never 「の規定により」 alone)."""
    basis = basis.strip()
    return f"{basis}の規定により{comma}" if basis else ""


def address_block(p: _Page, a: Addressee, number: str) -> None:
    """The window of a 長3 envelope (see demand_notice): postal code, address, name and honorific."""
    window_address(p, postal_code=a.postal_code, address=a.address, name=f"{a.name}　{a.honorific}", name_size=14,
                   too_long=f"文書 {number}: 宛先の住所または名称が長すぎて封筒の窓に収まりません")


def issuer_block(p: _Page, i: Issuer, issued_on: date, number: str) -> None:
    p.text(RIGHT, 22 * mm, wareki(issued_on), 10.5, align="right")
    p.text(RIGHT, 28 * mm, f"文書番号　{number}", 9, align="right")
    p.text(RIGHT, 39 * mm, i.issuer_title, 13, align="right")
    p.text(RIGHT, 47 * mm, f"（担当）{i.city_name}　{i.department_name}", 9, align="right", max_w=75 * mm)
    if i.department_phone.strip():  # no "電話" with nothing after it
        p.text(RIGHT, 52 * mm, f"電話　{i.department_phone}", 9, align="right")


def fold_marks(p: _Page) -> None:
    p.c.setLineWidth(0.3)
    for top in FOLDS_MM:
        p.c.line(4 * mm, _y(top * mm), 8 * mm, _y(top * mm))


def facts_table(p: _Page, top: float, rows: Iterable[tuple[str, str]], label_w: float = 32 * mm) -> float:
    """A two-column box of label and value; returns the top of what follows."""
    c = p.c
    c.setLineWidth(0.25)
    for label, value in rows:
        values = _wrap(value, p.font, 10, TEXT_W - label_w - 4 * mm) or ("",)
        h = max(ROW_H, len(values) * 4.6 * mm + 1.5 * mm)
        c.setFillColor(GREY)
        c.rect(LEFT, _y(top + h), label_w, h, stroke=0, fill=1)
        c.setFillColor(black)
        c.rect(LEFT, _y(top + h), TEXT_W, h, stroke=1, fill=0)
        c.line(LEFT + label_w, _y(top), LEFT + label_w, _y(top + h))
        p.text(LEFT + 2 * mm, top + 3.9 * mm, label, 9.5)
        for n, v in enumerate(values):
            p.text(LEFT + label_w + 2 * mm, top + 3.9 * mm + n * 4.6 * mm, v, 10)
        top += h
    return top


def claim_table(p: _Page, top: float, lines: tuple[ClaimLine, ...]) -> float:
    """The instalments and their amounts, at most MAX_ROWS rows (the rest summed in one), and the total."""
    c = p.c
    xs = [LEFT]
    for w in COLUMNS_MM:
        xs.append(xs[-1] + w * mm)
    c.setFillColor(GREY)
    c.rect(LEFT, _y(top + ROW_H), TEXT_W, ROW_H, stroke=0, fill=1)
    c.setFillColor(black)
    for n, h in enumerate(HEADERS):
        p.text((xs[n] + xs[n + 1]) / 2, top + ROW_H - 1.6 * mm, h, 8.5, align="centre")
    row = top + ROW_H
    pad = 1.5 * mm
    shown = lines if len(lines) <= MAX_ROWS else lines[: MAX_ROWS - 1]
    for x in shown:
        base = row + ROW_H - 1.6 * mm
        cells = (x.receivable_name, fiscal_year_label(x.fiscal_year), instalment_label(x.instalment_no), wareki(x.due_date))
        for n, s in enumerate(cells):
            p.text(xs[n] + pad, base, s, 8.5, max_w=COLUMNS_MM[n] * mm - 2 * pad)
        for n, amount in enumerate((x.principal, x.late_charge, x.fee), start=5):
            p.text(xs[n] - pad, base, _yen(amount), 8.5, align="right")
        row += ROW_H
    rest = lines[len(shown):]
    text_bottom = row  # the summary row spans the text columns
    if rest:
        base = row + ROW_H - 1.6 * mm
        p.text(xs[0] + pad, base, f"ほか{len(rest)}件（明細は担当課にお問い合わせください）", 8.5)
        for n, amount in enumerate((sum(x.principal for x in rest), sum(x.late_charge for x in rest), sum(x.fee for x in rest)), start=5):
            p.text(xs[n] - pad, base, _yen(amount), 8.5, align="right")
        row += ROW_H
    base = row + ROW_H - 1.6 * mm
    p.text(xs[4] - pad, base, "合計", 9, align="right")
    p.bold(RIGHT - pad, base, _yen(sum(x.total for x in lines)), 10, align="right")
    bottom = row + ROW_H
    c.setLineWidth(0.5)
    c.rect(LEFT, _y(bottom), TEXT_W, bottom - top, stroke=1, fill=0)
    c.setLineWidth(0.25)
    r = top + ROW_H
    while r < bottom - 0.1:
        c.line(LEFT, _y(r), RIGHT, _y(r))
        r += ROW_H
    for n, x in enumerate(xs[1:-1], start=1):
        c.line(x, _y(top), x, _y(row if n >= 4 else text_bottom))
    return bottom


def _fits(top: float, number: str) -> None:
    if top > PAGE_BOTTOM:
        raise ValueError(f"文書 {number}: 内容が長すぎて1ページに収まりません")


def _draw_request(p: _Page, r: InvestigationRequest) -> None:
    fold_marks(p)
    address_block(p, r.addressee, r.number)
    issuer_block(p, r.issuer, r.issued_on, r.number)
    title = "財産調査についての御協力のお願い" if r.voluntary else "財産調査について（照会）"
    p.bold(PAGE_W / 2, BODY_TOP, title, 18, align="centre")
    if r.voluntary:
        text = (f"下記の者について、本人の同意に基づき、{r.kind_label}に関する事項を照会します。"
                f"回答は任意ですが、{wareki(r.reply_by)}までに御回答くださいますよう御協力をお願いします。")
    else:
        by = f"{r.legal_basis.strip()}の規定に基づき、" if r.legal_basis.strip() else ""
        text = (f"{by}下記の者について{r.kind_label}に関する事項を照会しますので、"
                f"{wareki(r.reply_by)}までに回答してください。")
    top = p.paragraph(LEFT, BODY_TOP + 10 * mm, text, 10.5, TEXT_W, 5.6 * mm)
    p.text(PAGE_W / 2, top + 1 * mm, "記", 11, align="centre")
    born = wareki(r.subject_birth_date) if r.subject_birth_date else ""
    top = facts_table(p, top + 4 * mm, (("氏名", r.subject_name), ("フリガナ", r.subject_kana), ("生年月日", born), ("住所", r.subject_address)))
    top += 5 * mm
    p.text(LEFT, top, "照会事項", 10.5)
    top += 5.5 * mm
    for n, q in enumerate(r.questions, start=1):
        top = p.paragraph(LEFT + 3 * mm, top, f"{n}　{q}", 10, TEXT_W - 3 * mm, 5 * mm)
    top += 2 * mm
    if r.legal_basis.strip():
        top = p.paragraph(LEFT, top, f"根拠　{r.legal_basis.strip()}", 9, TEXT_W, 4.6 * mm)
    note = ("本人の同意書の写しを添付しています。" if r.voluntary else "") + \
        "回答いただいた内容は、法令の定めにより秘密として取り扱い、徴収事務以外には使用しません。"
    top = p.paragraph(LEFT, top + 1 * mm, note, 9, TEXT_W, 4.6 * mm)
    # The lower part is the reply form the addressee fills in and returns.
    top += 4 * mm
    p.c.setDash(2, 2)
    p.c.line(LEFT, _y(top), RIGHT, _y(top))
    p.c.setDash()
    top += 6 * mm
    p.text(LEFT, top, f"回　答　書　（{r.issuer.issuer_title}あて）　文書番号 {r.number}", 10.5)
    top += 3 * mm
    box = 6
    p.c.setLineWidth(0.4)
    p.c.rect(LEFT, _y(top + box * ROW_H), TEXT_W, box * ROW_H, stroke=1, fill=0)
    p.c.setLineWidth(0.2)
    for n in range(1, box):
        p.c.line(LEFT, _y(top + n * ROW_H), RIGHT, _y(top + n * ROW_H))
    top += box * ROW_H + 5 * mm
    p.text(LEFT, top, "回答日　　　年　　月　　日　　　回答者（名称・担当者）", 9.5)
    _fits(top + 3 * mm, r.number)


def _draw_seizure(p: _Page, n: SeizureNotice) -> None:
    if n.document not in TITLES:
        raise ValueError(f"文書 {n.number}: 文書の種類 {n.document!r} は不明です")
    if not n.lines:
        raise ValueError(f"文書 {n.number}: 差押えに係る滞納の明細がありません")
    fold_marks(p)
    address_block(p, n.addressee, n.number)
    issuer_block(p, n.issuer, n.issued_on, n.number)
    p.bold(PAGE_W / 2, BODY_TOP, TITLES[n.document], 18, align="centre")
    if n.document == "record":
        text = (f"あなたの下記の滞納金を徴収するため、{_by(n.legal_basis, '、')}{wareki(n.seized_on)}に次の財産を差し押さえました"
                "（国税徴収法54条の差押調書の謄本）。")
    else:
        if n.pay_by is None:
            raise ValueError(f"文書 {n.number}: 債権差押通知書には履行期限が必要です")
        text = (f"{_by(n.legal_basis, '、')}下記の滞納者があなたに対して有する次の債権を{wareki(n.seized_on)}に差し押さえました。"
                f"滞納者への弁済は禁止されます（国税徴収法62条2項）。差し押さえた債権は、{wareki(n.pay_by)}までに"
                f"{n.issuer.city_name}に支払ってください。")
    top = p.paragraph(LEFT, BODY_TOP + 10 * mm, text, 10.5, TEXT_W, 5.6 * mm)
    rows = [("滞納者", f"{n.debtor_name}　{n.debtor_address}"), ("差押財産", f"{n.kind_label}　{n.property_description}".strip())]
    if n.third_party_name:
        rows.append(("第三債務者", f"{n.third_party_name}　{n.third_party_address}".strip()))
    rows.append(("差押年月日", wareki(n.seized_on)))
    top = facts_table(p, top + 3 * mm, rows)
    top += 5 * mm
    p.text(LEFT, top, "差押えに係る滞納金", 10.5)
    top = claim_table(p, top + 2.5 * mm, n.lines)
    top += 5 * mm
    if n.charges_late:
        top = p.paragraph(LEFT, top, "延滞金は、完納の日までの分を計算して徴収します。上記の延滞金は本日までに確定した額です。", 9, TEXT_W, 4.6 * mm)
    if n.document == "record":
        top = p.paragraph(LEFT, top + 1 * mm, "この処分に不服があるときは、この処分があったことを知った日の翌日から起算して3か月以内に、"
                          f"{n.issuer.issuer_title}に対して審査請求をすることができます（行政不服審査法）。", 9, TEXT_W, 4.6 * mm)
    _fits(top, n.number)


def _render(letters: Iterable, out, draw, title: str) -> int:
    font = register_japanese_font()
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    canvas = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)
    canvas.setTitle(title)
    canvas.setCreator("saiken")
    p = _Page(canvas, font)
    pages = 0
    for letter in letters:
        _check(letter, font)
        if pages == 0:
            canvas.setAuthor(f"{letter.issuer.city_name}　{letter.issuer.issuer_title}")
        draw(p, letter)
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


def render_investigation_requests(requests: Iterable[InvestigationRequest], out: str | os.PathLike[str] | BinaryIO) -> int:
    """照会書 into one PDF, a page each; returns the number of pages."""
    return _render(requests, out, _draw_request, "財産調査の照会書")


def render_seizure_notices(notices: Iterable[SeizureNotice], out: str | os.PathLike[str] | BinaryIO) -> int:
    """差押調書（謄本）・債権差押通知書 into one PDF, a page each; returns the number of pages."""
    return _render(notices, out, _draw_seizure, "差押調書・差押通知書")
