"""督促状 PDF: pages, the embedded Japanese font, what is printed, and the barcode symbol.

No database: the renderer takes plain data. The cast:

- 山田 太郎 (taro): city tax, two instalments, 23,151円 with the fee: a barcode.
- 佐藤 花子 (hanako): nursery fees of 350,100円, above the 300,000円 contract cap: no
  barcode, so the notice must say how else to pay.
- 鈴木 一郎 (ichiro): eleven unpaid months, more than one page holds: a continuation page.
"""

import io
from dataclasses import replace
from datetime import date

import pypdf
import pytest
from reportlab.pdfbase import pdfmetrics

from saiken.core.conveni import barcode_content
from saiken.core.legal_text import LegalTexts
from saiken.documents import fonts
from saiken.documents.barcode import FNC1_VALUE, START_C, STOP, gs1_128
from saiken.documents.demand_notice import (
    DemandNotice,
    NoticeLine,
    render_demand_notices,
    unprintable_characters,
)

ISSUED = date(2026, 11, 27)
DEADLINE = date(2026, 12, 7)  # 令和8年12月7日
TAX = LegalTexts("市県民税", "forcible", "地方税法第329条第1項", "tax", "地方税法第326条及び同法附則第3条の2",
                 seizure_basis="地方税法第331条第1項")
NURSERY = LegalTexts("保育料", "forcible", "地方自治法第231条の3第1項", "none", seizure_basis="児童福祉法第56条及び地方自治法第231条の3第3項")
PLACES = ("新潟市役所 納税課窓口", "指定金融機関・収納代理金融機関", "コンビニエンスストア")


def notice(number, name, lines, *, barcode=True, **kw):
    fee = kw.pop("fee", 100)
    total = sum(line.principal for line in lines) + fee
    fields = dict(
        number=number,
        issued_on=ISSUED,
        designated_deadline=DEADLINE,
        postal_code="9518550",
        address="新潟市中央区学校町通1番町602番地1",
        name=name,
        receivable_name=lines[0].receivable_name,
        department_name="財務部納税課",
        department_phone="025-226-2254",
        city_name="新潟市",
        issuer_title="新潟市長",
        lines=tuple(lines),
        fee=fee,
        payment_places=PLACES,
        barcode=(
            barcode_content(issuer="912345", free=number.replace("-", ""), deadline=DEADLINE, amount=total)
            if barcode
            else None
        ),
        legal=TAX,
    )
    fields.update(kw)
    return DemandNotice(**fields)


def city_tax(no, principal, fy=2025):
    return NoticeLine("市県民税", fy, "普通徴収", no, date(2026, 6 + 2 * no, 30), principal)


TARO = notice("2026-0000001", "山田　太郎", [city_tax(1, 11_019), city_tax(2, 12_032)])
HANAKO = notice(
    "2026-0000002",
    "佐藤　花子",
    [NoticeLine("保育料", 2026, "保育所保育料", 4, date(2026, 7, 31), 350_000)],
    barcode=False,
    legal=NURSERY,
)
ICHIRO = notice(
    "2026-0000003",
    "鈴木　一郎",
    [NoticeLine("国民健康保険料", 2025, "保険料", k, date(2025, 6 + k // 2, 30), 8_000 + k) for k in range(1, 12)],
)


def render(notices, **kw):
    buf = io.BytesIO()
    pages = render_demand_notices(notices, buf, **kw)
    return pages, pypdf.PdfReader(io.BytesIO(buf.getvalue()))


def digits_only(text):
    return "".join(ch for ch in text if ch.isdigit())


@pytest.fixture(scope="module")
def two():
    return render([TARO, HANAKO])


def test_one_page_per_notice(two):
    pages, pdf = two
    assert pages == len(pdf.pages) == 2


def test_the_japanese_font_is_embedded_as_a_subset(two):
    _, pdf = two
    face_name = pdfmetrics.getFont(fonts.register_japanese_font()).face.name
    face_name = face_name.decode() if isinstance(face_name, bytes) else face_name
    for page in pdf.pages:
        used = page["/Resources"]["/Font"]
        assert used
        for ref in used.values():
            font = ref.get_object()
            # Every font on the page is the Japanese one (no stray Helvetica), and embedded.
            assert str(font["/BaseFont"]).endswith("+" + face_name)
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_what_is_printed(two):
    _, pdf = two
    taro = pdf.pages[0].extract_text()
    assert "山田　太郎　様" in taro
    assert "〒951-8550" in taro
    assert "督促状" in taro
    assert "指定期限" in taro and "令和8年12月7日" in taro  # 和暦
    assert "令和8年11月27日" in taro  # issued on
    assert "令和7年度" in taro and "第2期" in taro and "令和8年10月30日" in taro
    assert "11,019円" in taro and "12,032円" in taro
    assert "23,051円" in taro  # principal total
    assert "100円" in taro  # 督促手数料
    assert "23,151円" in taro  # total
    assert "地方税法第329条第1項" in taro
    assert "新潟市長" in taro and "025-226-2254" in taro
    assert "延滞金" in taro and "新潟市役所 納税課窓口" in taro


def test_a_department_without_a_phone_number_prints_no_empty_phone_line():
    _, pdf = render([notice("2026-0000009", "山田　太郎", [city_tax(1, 11_019)], department_phone="")])
    text = pdf.pages[0].extract_text()
    assert "財務部納税課" in text and "電話" not in text


def test_the_barcode_digits_are_printed_under_the_symbol(two):
    _, pdf = two
    assert TARO.barcode in digits_only(pdf.pages[0].extract_text())


def test_no_barcode_prints_how_else_to_pay(two):
    _, pdf = two
    hanako = pdf.pages[1].extract_text()
    assert "佐藤　花子　様" in hanako
    assert "350,100円" in hanako
    assert "バーコードがありません" in hanako
    assert "金融機関または窓口" in hanako


def test_a_long_notice_continues_on_a_second_page():
    pages, pdf = render([TARO, ICHIRO, HANAKO])
    assert pages == len(pdf.pages) == 4
    first, more = pdf.pages[1].extract_text(), pdf.pages[2].extract_text()
    assert "ほか4件" in first
    assert "88,166円" in first  # the total of all eleven lines stays on the first page
    assert "明細の続き" in more and "鈴木　一郎　様" in more and "第11期" in more


def test_progress_every_n_pages_and_at_the_end():
    calls = []
    pages, _ = render([TARO, HANAKO, TARO, HANAKO, TARO], progress=calls.append, every=2)
    assert pages == 5
    assert calls == [2, 4, 5]
    calls.clear()
    render([TARO, HANAKO], progress=calls.append)
    assert calls == [2]


def test_writes_to_a_path(tmp_path):
    path = tmp_path / "督促状.pdf"
    assert render_demand_notices([TARO], path) == 1
    assert len(pypdf.PdfReader(path).pages) == 1


def test_gs1_128_symbol_is_start_c_fnc1_and_the_44_digits():
    content = "91912345012345678901234567890101033101230003"  # FORMATS.md §3 vector
    symbol = gs1_128(content)
    encoded = symbol.encoded
    assert encoded[0] == START_C == 105
    assert encoded[1] == FNC1_VALUE == 102
    assert encoded[-1] == STOP
    body = encoded[2:-2]
    assert len(body) == 22
    assert "".join(f"{v:02d}" for v in body) == content
    # Code 128 check symbol: start value + position-weighted sum, mod 103.
    assert encoded[-2] == (encoded[0] + sum(i * v for i, v in enumerate(encoded[1:-2], start=1))) % 103


def test_gs1_128_refuses_a_wrong_check_digit():
    with pytest.raises(ValueError, match="チェックデジット"):
        gs1_128("91912345012345678901234567890101033101230004")


def test_a_barcode_for_another_amount_is_refused():
    wrong = replace(TARO, barcode=barcode_content(issuer="912345", free="1", deadline=DEADLINE, amount=23_051))
    with pytest.raises(ValueError, match="2026-0000001.*一致しません"):
        render([wrong])


def test_a_character_the_font_lacks_is_refused():
    odd = replace(TARO, name="𠮷田　太郎")  # 𠮷 (tsuchi-yoshi) is outside IPAexGothic
    assert unprintable_characters(odd) == "𠮷"
    assert unprintable_characters(TARO) == ""
    with pytest.raises(ValueError, match="外字"):
        render([odd])


def test_a_notice_without_lines_is_refused():
    with pytest.raises(ValueError, match="期別がありません"):
        render([replace(HANAKO, lines=())])


def test_an_address_too_long_for_the_window_is_refused_not_cut():
    with pytest.raises(ValueError, match="窓に収まりません"):
        render([replace(TARO, address="新潟市中央区学校町通1番町602番地1" * 8)])


def test_no_notices_no_pages():
    pages, pdf = render([])
    assert pages == len(pdf.pages) == 0


def test_missing_font_tells_the_operator_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv(fonts.SETTING, raising=False)
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    with pytest.raises(fonts.FontNotFound, match="fonts-ipaexfont-gothic"):
        fonts.font_path()
    monkeypatch.setenv(fonts.SETTING, str(tmp_path / "none.ttf"))
    with pytest.raises(fonts.FontNotFound, match="SAIKEN_PDF_FONT"):
        fonts.font_path()


def test_the_configured_font_path_wins(monkeypatch):
    found = fonts.font_path()
    monkeypatch.setenv(fonts.SETTING, str(found))
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    assert fonts.font_path() == found
