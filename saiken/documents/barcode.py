"""The GS1-128 symbol for the 44-digit convenience-store barcode, as a ReportLab flowable."""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm

from saiken.core.conveni import LENGTH, parse_barcode

FNC1 = "\xf1"  # ReportLab's spelling of FNC1 in a Code128 value
START_C = 105
FNC1_VALUE = 102
STOP = 106

# Store scanners read 0.191 mm narrow bars and up; 0.25 mm with a 12 mm height leaves
# margin for a cheap printer. 26 symbols x 11 modules + 2 = 288 modules → 72 mm of bars.
MODULE = 0.25 * mm
HEIGHT = 12 * mm


def gs1_128(content: str, *, module: float = MODULE, height: float = HEIGHT) -> Code128:
    """Start C, FNC1, the 44 digits as 22 pairs of Code Set C, check symbol, stop.

    The content is validated (length, AI, check digit) so a wrong slip is never drawn.
    """
    parse_barcode(content)
    symbol = Code128(FNC1 + content, barWidth=module, barHeight=height, humanReadable=0, quiet=1)
    symbol.validate()
    encoded = symbol.encode()
    # ReportLab picks code sets by heuristics; the stores' readers expect exactly this
    # shape, so check it rather than trust a future ReportLab to choose the same.
    pairs = [int(content[i : i + 2]) for i in range(0, LENGTH, 2)]
    if encoded[:2] != [START_C, FNC1_VALUE] or encoded[2:-2] != pairs or encoded[-1] != STOP:
        raise RuntimeError(f"GS1-128の符号化が想定と異なります: {encoded}")
    return symbol
