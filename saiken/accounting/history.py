"""Loading the city's published FY2012–2017 figures (seed_history.csv)."""

import csv
from decimal import Decimal
from pathlib import Path


def read_history(path: Path) -> list[dict]:
    def dec(v: str):
        return Decimal(v) if v.strip() else None

    with open(path, encoding="utf-8", newline="") as f:
        return [
            {
                "fiscal_year": int(row["fiscal_year"]),
                "target_unpaid_oku": dec(row["target_unpaid_oku_yen"]),
                "actual_unpaid_oku": dec(row["actual_unpaid_oku_yen"]),
                "reduction_oku": dec(row["reduction_oku_yen"]),
                "collection_rate_pct": dec(row["collection_rate_pct"]),
                "note": row.get("note", "") or "",
            }
            for row in csv.DictReader(f)
        ]
