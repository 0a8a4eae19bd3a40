"""Hostile files, made here rather than kept: small .xlsx files built to expand, and junk CSV.

Each .xlsx is some 50 KB, like the one that once took the server to 1.3 GB:
- `declared`: a sheet declaring A1:XFD1048576 (and holding a cell there);
- `far_cell`: no dimension, two cells — A1 and XFD1048576 (read naively: a million rows);
- `styled_cells`: millions of styled empty cells, a sheet of tens of MB zipped to ~50 KB;
- `shared_strings`: a shared-string table of millions of strings (loaded whole by any reader).
"""

from __future__ import annotations

import functools
import io
import random
import zipfile

_CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>amount</t></is></c><c r="B1" t="inlineStr"><is><t>paid_on</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>key</t></is></c></row>'
)


def _padding(size: int) -> bytes:
    # Random text in an XML comment: incompressible, it brings the file to its size.
    return b"<!--" + random.Random(12).randbytes(size).hex().encode() + b"-->"  # hex: deflates to about half


def _xlsx(sheet: bytes, shared: bytes = b"", pad_to: int = 51 * 1024) -> bytes:
    def build(padding: bytes) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            z.writestr("[Content_Types].xml", _CONTENT_TYPES)
            z.writestr("_rels/.rels", _RELS)
            z.writestr("xl/workbook.xml", _WORKBOOK)
            z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            z.writestr("xl/sharedStrings.xml", b'<?xml version="1.0"?><sst ' + _NS + b">" + shared + b"</sst>")
            z.writestr("xl/worksheets/sheet1.xml", sheet.replace(b"</worksheet>", padding + b"</worksheet>"))
        return out.getvalue()

    bare = build(b"")
    return build(_padding(int((pad_to - len(bare)) / 1.17))) if len(bare) < pad_to else bare


def declared() -> bytes:
    return _xlsx(
        b'<?xml version="1.0"?><worksheet ' + _NS + b'><dimension ref="A1:XFD1048576"/><sheetData>' + _HEADER_ROW
        + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )


def far_cell() -> bytes:
    return _xlsx(
        b'<?xml version="1.0"?><worksheet ' + _NS + b"><sheetData>" + _HEADER_ROW
        + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )


def styled_cells(rows: int = 150, cells: int = 16384) -> bytes:
    row = b"<row>" + b'<c s="1"/>' * cells + b"</row>"
    return _xlsx(b'<?xml version="1.0"?><worksheet ' + _NS + b"><sheetData>" + _HEADER_ROW + row * rows + b"</sheetData></worksheet>", pad_to=0)


def shared_strings(count: int = 1_200_000) -> bytes:
    return _xlsx(
        b'<?xml version="1.0"?><worksheet ' + _NS + b"><sheetData>" + _HEADER_ROW + b"</sheetData></worksheet>",
        shared=b"<si><t>a</t></si>" * count, pad_to=0,
    )


@functools.cache
def junk_csv(size: int = 3 * 1024 * 1024, seed: int = 3) -> bytes:
    """Lines of random printable junk with commas: every line wrong in every field."""
    rnd = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,;:-=+@ "
    text = "".join(rnd.choices(alphabet, k=size))
    # A line break every 20–80 characters.
    out, at = [], 0
    while at < size:
        n = rnd.randint(20, 80)
        out.append(text[at:at + n])
        at += n
    return "\n".join(out).encode()[:size - 1] + b"\n"
