"""How large a file the city takes: bytes, rows, and what a .xlsx may expand to.

A file is checked against its `Limits` before it is parsed, so that a file of junk, or a
small .xlsx built to expand (a "zip bomb": a sheet of millions of styled empty cells, a
cell at XFD1048576, a dimension declaring a million rows), is refused in a moment with a
message, not read into memory. The limits are settings (saiken.payments.uploads reads
them); the defaults here take a large city's real files — a convenience-store file of
200,000 records is some 25 MB — with room to spare.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from saiken.core.formats import FieldError, FormatError

FILE = "ファイル"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024  # the file as received
    max_rows: int = 1_000_000  # lines of a text file, rows of a sheet (blank and skipped ones too)
    max_unzipped: int = 1024 * 1024 * 1024  # .xlsx: its parts together, uncompressed
    max_ratio: int = 100  # .xlsx: a part that expands more than this many times (real sheets: 10–15)


DEFAULT = Limits()

# A part smaller than this is not judged by its ratio: a tiny part compresses as it likes.
_RATIO_FLOOR = 1024 * 1024
# A workbook of a few sheets has a few dozen parts; thousands are not a spreadsheet.
_MAX_PARTS = 10_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')


def refuse(reason: str) -> FormatError:
    return FormatError([FieldError(0, FILE, reason)])


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f}MB" if n >= 1024 * 1024 else f"{n:,}バイト"


def check_size(size: int, limits: Limits = DEFAULT) -> None:
    """FormatError when a file of `size` bytes is larger than the limit: checked before it is read."""
    if size > limits.max_bytes:
        raise refuse(
            f"ファイルが大きすぎます（{_mb(size)}、上限 {_mb(limits.max_bytes)}）。"
            "ファイルを分けるか、システム管理者に上限（SAIKEN_UPLOAD_MAX_BYTES）を確認してください"
        )


def too_large(limits: Limits = DEFAULT) -> FormatError:
    """A file stopped while it arrived, past the size limit (its size is not known)."""
    return refuse(
        f"ファイルが大きすぎます（上限 {_mb(limits.max_bytes)}）。"
        "ファイルを分けるか、システム管理者に上限（SAIKEN_UPLOAD_MAX_BYTES）を確認してください"
    )


def too_many_rows(limits: Limits = DEFAULT) -> FormatError:
    return refuse(
        f"行数が上限（{limits.max_rows:,}行）を超えています。"
        "ファイルを分けるか、システム管理者に上限（SAIKEN_UPLOAD_MAX_ROWS）を確認してください"
    )


def check_lines(data: bytes, limits: Limits = DEFAULT, *, record_length: int | None = None) -> None:
    """A text file of more lines (line breaks, or fixed-length records where the file has
    none) than the limit: refused before it is decoded."""
    lines = max(data.count(b"\n"), data.count(b"\r"))
    if record_length and lines == 0:
        lines = len(data) // record_length
    if lines > limits.max_rows:
        raise too_many_rows(limits)


def check_xlsx(data: bytes, limits: Limits = DEFAULT) -> None:
    """A .xlsx whose parts would expand beyond the limits, or whose sheets declare more
    rows than the row limit, is refused from its zip directory and the first bytes of
    each sheet — before anything is parsed.

    The sizes are those the zip declares; Python's zipfile never gives more bytes than a
    part declares (and checks its CRC), so a part cannot expand further than it says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = z.infolist()
            if len(parts) > _MAX_PARTS:
                raise refuse(f"Excelファイル（.xlsx）の構成が異常です（{len(parts):,}個の部品）")
            total = 0
            for p in parts:
                total += p.file_size
                if p.file_size > _RATIO_FLOOR and p.file_size > limits.max_ratio * max(p.compress_size, 1):
                    raise refuse(
                        f"Excelファイル（.xlsx）の中身が異常に圧縮されています（{p.filename}: {_mb(p.compress_size)} → {_mb(p.file_size)}）。"
                        "意図しないデータが含まれている可能性があるため読みません"
                    )
            if total > limits.max_unzipped:
                raise refuse(
                    f"Excelファイル（.xlsx）を展開すると大きすぎます（{_mb(total)}、上限 {_mb(limits.max_unzipped)}）。"
                    "ファイルを分けるか CSV で保存してください"
                )
            for p in parts:
                if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml"):
                    with z.open(p) as f:
                        head = f.read(4096)
                    rows = _declared_rows(head)
                    if rows is not None and rows > limits.max_rows:
                        raise refuse(
                            f"シートの範囲が大きすぎます（{rows:,}行と宣言されています、上限 {limits.max_rows:,}行）。"
                            "不要な行を削除して保存し直してください"
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
        raise refuse("Excelファイル（.xlsx）として読めません（zipとして壊れています）") from None


def _declared_rows(head: bytes) -> int | None:
    """The last row of a sheet's <dimension ref="A1:XFD1048576"/>, if it declares one."""
    m = _DIMENSION.search(head)
    if not m:
        return None
    last = m.group(4) or m.group(2)
    return int(last) if last else None
