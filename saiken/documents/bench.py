"""How fast demand notices render: `run(pages)` renders synthetic notices to a temp file.

Needs no database and no Django: the notices are generated here, deterministically, with
the mix a real run has (one to six instalments, long and short names and addresses,
most with a barcode, some above the stores' cap without one).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date, timedelta

from saiken.core.conveni import AmountNotPayableAtStores, barcode_content
from saiken.core.legal_text import LegalTexts
from saiken.documents.demand_notice import DemandNotice, NoticeLine, render_demand_notices
from saiken.documents.fonts import font_path, register_japanese_font

ISSUER = "912345"
CAP = 300_000

SURNAMES = ("山田", "佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "中村", "小林", "五十嵐", "長谷川", "本間")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "由美子", "翔", "さくら", "大輔", "恵")
WARDS = ("北区", "東区", "中央区", "江南区", "秋葉区", "南区", "西区", "西蒲区")
TOWNS = ("学校町通1番町", "古町通7番町", "葛塚", "白根", "内野町", "亀田本町", "新津本町", "巻甲")
RECEIVABLES = (
    ("市県民税", "普通徴収", 4, LegalTexts("市県民税", "forcible", "地方税法第329条第1項", "tax", "地方税法第326条及び同法附則第3条の2",
                                         seizure_basis="地方税法第331条第1項")),
    ("固定資産税・都市計画税", "固定資産税", 4, LegalTexts("固定資産税・都市計画税", "forcible", "地方税法第371条第1項", "tax",
                                                   "地方税法第369条及び同法附則第3条の2", seizure_basis="地方税法第373条第1項")),
    ("国民健康保険料", "保険料", 10, LegalTexts("国民健康保険料", "forcible", "地方自治法第231条の3第1項", "tax",
                                         "地方自治法第231条の3第2項及び市国民健康保険条例",
                                         seizure_basis="国民健康保険法第79条の2及び地方自治法第231条の3第3項")),
    ("市営住宅使用料", "家賃", 12, LegalTexts("市営住宅使用料", "private", "地方自治法施行令第171条", "statutory_interest",
                                        "民法第419条第1項", enforcement_basis="地方自治法施行令第171条の2")),
)
PLACES = (
    "新潟市役所 納税課窓口・各区役所",
    "新潟市指定金融機関・収納代理金融機関",
    "ゆうちょ銀行・郵便局（新潟県内）",
    "コンビニエンスストア（バーコードがある場合）",
)


def synthetic_notices(count: int, issued_on: date = date(2026, 11, 27)):
    """`count` plausible notices, the same every time (no randomness, no clock)."""
    deadline = issued_on + timedelta(days=10)
    for i in range(count):
        receivable, subject, instalments, legal = RECEIVABLES[i % len(RECEIVABLES)]
        lines = tuple(
            NoticeLine(
                receivable_name=receivable,
                fiscal_year=2025 + (k // instalments if i % 7 else 0),
                subject=subject,
                instalment_no=k % instalments + 1,
                due_date=date(2026, 6 + k % 6, 1) + timedelta(days=(i + k) % 28),
                # Every 50th notice owes enough to be above the stores' cap.
                principal=(350_000 if i % 50 == 0 else 3_100 + (i * 7919 + k * 1013) % 48_000),
            )
            for k in range(1 + i % 6)
        )
        fee = 100
        total = sum(line.principal for line in lines) + fee
        try:
            barcode = barcode_content(issuer=ISSUER, free=f"{i:012d}", deadline=deadline, amount=total, cap=CAP)
        except AmountNotPayableAtStores:
            barcode = None
        long_address = i % 9 == 0
        yield DemandNotice(
            number=f"2026-{i:07d}",
            issued_on=issued_on,
            designated_deadline=deadline,
            postal_code=f"95{i % 10}{(i * 37) % 10000:04d}",
            address=(
                f"新潟市{WARDS[i % 8]}{TOWNS[(i // 8) % 8]}{1 + i % 30}丁目{1 + i % 17}番{1 + i % 23}号"
                + ("　グランドメゾン新潟ステーションサイドタワー東棟1203号室" if long_address else "")
            ),
            name=f"{SURNAMES[i % len(SURNAMES)]}　{GIVEN[(i // 3) % len(GIVEN)]}",
            receivable_name=receivable,
            department_name="財務部納税課" if i % 4 < 2 else "こども未来部保育課",
            department_phone="025-226-2254",
            city_name="新潟市",
            issuer_title="新潟市長",
            lines=lines,
            fee=fee,
            payment_places=PLACES,
            barcode=barcode,
            legal=legal,
        )


def run(pages: int = 2000) -> dict:
    """Render `pages` synthetic one-page notices to a temp file and return the figures.

    The time includes loading the font, as a real run pays it too.
    """
    fd, path = tempfile.mkstemp(prefix="saiken-demand-", suffix=".pdf")
    os.close(fd)
    try:
        start = time.perf_counter()
        register_japanese_font()
        done = render_demand_notices(synthetic_notices(pages), path)
        seconds = time.perf_counter() - start
        size = os.path.getsize(path)
    finally:
        os.unlink(path)
    return {
        "pages": done,
        "seconds": round(seconds, 3),
        "pages_per_second": round(done / seconds, 1),
        "bytes": size,
        "bytes_per_page": size // max(done, 1),
        "font": str(font_path()),
    }
