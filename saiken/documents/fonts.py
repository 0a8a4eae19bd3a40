"""The Japanese font embedded in every PDF the city mails.

ReportLab embeds (and subsets) TrueType outlines only; it cannot embed the CFF-based
Noto CJK OpenType fonts. So we use IPAexGothic (Debian: fonts-ipaexfont-gothic), or
IPAGothic (fonts-ipafont-gothic) as a second choice. An operator can point
SAIKEN_PDF_FONT (a Django setting or an environment variable) at another .ttf.
Embedding matters: a notice must print the same at the printing contractor as here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FONT_NAME = "SaikenGothic"
SETTING = "SAIKEN_PDF_FONT"

# Debian installs the IPA fonts under opentype/ even though they are .ttf files;
# older releases used truetype/. The fonts-japanese-gothic.ttf alternative is last:
# it may point at a font we cannot embed.
CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)

INSTALL_HINT = (
    "PDF用の日本語フォント（TrueType）が見つかりません。"
    "`apt-get install fonts-ipaexfont-gothic` でIPAexゴシックをインストールするか、"
    f"環境変数または設定 {SETTING} に .ttf ファイルのパスを指定してください。"
)


class FontNotFound(RuntimeError):
    """No embeddable Japanese TrueType font: the operator must install or configure one."""


def _configured_path() -> str | None:
    # Read lazily so that importing this module (and the benchmark) needs no Django.
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        settings = None
    if settings is not None:
        try:
            value = getattr(settings, SETTING, None)
        except ImproperlyConfigured:
            value = None
        if value:
            return str(value)
    return os.environ.get(SETTING) or None


def font_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The font file to use: `path`, else the setting / environment, else the Debian paths."""
    chosen = path if path is not None else _configured_path()
    if chosen is not None:
        p = Path(chosen)
        if not p.is_file():
            # A configured path that is wrong is an error, not a reason to pick another font.
            raise FontNotFound(f"{SETTING} に指定されたフォントファイルがありません: {p}。{INSTALL_HINT}")
        return p
    for candidate in CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FontNotFound(INSTALL_HINT)


_registered: dict[Path, str] = {}


def register_japanese_font(path: str | os.PathLike[str] | None = None) -> str:
    """Register the font with ReportLab once per process and return its font name.

    Parsing a 4 MB TrueType file takes a noticeable fraction of a second, so it is done
    once; each PDF then embeds only the glyphs it uses (subset).
    """
    p = font_path(path).resolve()
    if p in _registered:
        return _registered[p]
    name = FONT_NAME if not _registered else f"{FONT_NAME}{len(_registered)}"
    try:
        font = TTFont(name, str(p))
    except TTFError as exc:
        # Typically a CFF/OpenType font (e.g. Noto CJK), which ReportLab cannot embed.
        raise FontNotFound(f"フォント {p} はPDFに埋め込めません（{exc}）。{INSTALL_HINT}") from exc
    pdfmetrics.registerFont(font)
    _registered[p] = name
    return name


def missing_glyphs(texts: Iterable[str], font_name: str) -> str:
    """The characters of `texts` the font has no glyph for (e.g. 外字 in a name), sorted:
    a name printed as empty boxes is a letter sent to nobody, so every renderer refuses it."""
    face = pdfmetrics.getFont(font_name).face
    return "".join(sorted({ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph}))
