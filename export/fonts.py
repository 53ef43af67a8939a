"""The bundled CJK fonts for reportlab, and per-character font fallback.

reportlab draws a string in one font and has no glyph fallback: a character the
font lacks comes out as an empty box (.notdef) without any warning. Old books use
rare characters (CJK Ext. A and beyond), so every string printed by the exports
goes through :func:`split_by_font`, which cuts it into runs by the first font of
the chain that has each character:

1. AR PL UMing **TW** (``uming.ttc`` sub-font 2). The collection holds four faces
   (0 CN, 1 HK, 2 TW, 3 TW MBE); the catalogues print traditional characters as
   recorded, so the Taiwan face with traditional glyph shapes is the primary one.
2. AR PL UMing **HK** (sub-font 1): the same design with ~2,300 more characters
   (HKSCS), so a rare character keeps the look of the surrounding text.
3. Hanazono Mincho A (``HanaMinA.ttf``): GlyphWiki's large coverage of CJK Ext. A.

A character none of them has is *missing*: it is printed as 〓 (the geta mark that
Chinese and Japanese typesetting use for a character the type case lacks) and
reported, so the user sees a warning listing it instead of a silent box.

Both files are TrueType (glyf outlines); reportlab embeds only the subset of
glyphs used.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import path as resource_path

__all__ = [
    "MISSING_MARK",
    "FONT_CHAIN",
    "PRIMARY",
    "MissingChars",
    "register_fonts",
    "split_by_font",
    "has_glyph",
    "markup",
    "draw_text",
    "text_width",
    "binary_streams",
]

# (reportlab name, file, sub-font index or None for a single font file), in fallback order.
FONT_CHAIN: tuple[tuple[str, str, int | None], ...] = (
    ("GujiUMingTW", "uming.ttc", 2),
    ("GujiUMingHK", "uming.ttc", 1),
    ("GujiHanaMinA", "HanaMinA.ttf", None),
)
PRIMARY = FONT_CHAIN[0][0]
MISSING_MARK = "〓"

_lock = threading.Lock()
_cmaps: dict[str, frozenset[int] | set[int]] = {}


def register_fonts() -> tuple[str, ...]:
    """Register the font chain with reportlab (once per process); return the font names in order.

    Raises ``OSError`` when a bundled font file is missing (a broken installation).
    """
    with _lock:
        if not _cmaps:
            for name, filename, index in FONT_CHAIN:
                file = str(resource_path("fonts", filename))
                font = TTFont(name, file, subfontIndex=index or 0)
                pdfmetrics.registerFont(font)
                _cmaps[name] = frozenset(font.face.charToGlyph)
        return tuple(name for name, _, _ in FONT_CHAIN)


def has_glyph(font: str, ch: str) -> bool:
    """True when the registered font ``font`` maps the character ``ch`` to a glyph."""
    register_fonts()
    return ord(ch) in _cmaps[font]


@dataclass
class MissingChars:
    """Characters no font of the chain has, with where they were met (for the warning)."""

    chars: dict[str, str] = field(default_factory=dict)  # char -> first text it appeared in

    def add(self, ch: str, context: str) -> None:
        self.chars.setdefault(ch, context[:40])

    def sorted(self) -> list[str]:
        return sorted(self.chars)

    def warning(self) -> str | None:
        """One line for the user, or None when nothing is missing."""
        if not self.chars:
            return None
        listed = "、".join(f"{c} (U+{ord(c):04X}, in 「{ctx}」)" for c, ctx in sorted(self.chars.items()))
        return (f"{len(self.chars)} character(s) are in none of the bundled fonts and were printed as "
                f"{MISSING_MARK}: {listed}")


def _invisible(ch: str) -> bool:
    """Variation selectors and zero-width marks: no glyph of their own, nothing lost when dropped.

    (An ideographic variation sequence then prints its base character.)
    """
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or ch in "\u200b\u200c\u200d\ufeff"


def split_by_font(text: str, missing: MissingChars | None = None) -> list[tuple[str, str]]:
    """Cut ``text`` into ``(font name, run)`` pairs, each character in the first font that has it.

    Characters in no font become :data:`MISSING_MARK` (in the primary font) and are
    added to ``missing`` when given. Line breaks and tabs are kept as they are (in
    the primary font) for the caller to handle. Adjacent characters of one font form
    one run; the concatenated runs equal ``text`` except for the replaced characters.
    """
    names = register_fonts()
    runs: list[tuple[str, str]] = []
    cur_font: str | None = None
    buf: list[str] = []
    for ch in text:
        if _invisible(ch):
            continue
        if ch in "\n\r\t":
            font = cur_font or PRIMARY
        else:
            cp = ord(ch)
            font = next((n for n in names if cp in _cmaps[n]), "")
            if not font:
                if missing is not None:
                    missing.add(ch, text)
                font, ch = PRIMARY, MISSING_MARK
        if font != cur_font and buf:
            runs.append((cur_font or PRIMARY, "".join(buf)))
            buf = []
        cur_font = font
        buf.append(ch)
    if buf:
        runs.append((cur_font or PRIMARY, "".join(buf)))
    return runs


def markup(text: str, missing: MissingChars | None = None) -> str:
    """``text`` as reportlab Paragraph markup: XML-escaped, runs outside the primary font in ``<font>`` tags.

    The Paragraph's style must use :data:`PRIMARY` as its font (and ``wordWrap="CJK"``
    to break lines between CJK characters). Newlines become ``<br/>``.
    """
    parts = []
    for font, run in split_by_font(text, missing):
        run = escape(run).replace("\n", "<br/>")
        parts.append(run if font == PRIMARY else f'<font face="{font}">{run}</font>')
    return "".join(parts)


def text_width(text: str, size: float, missing: MissingChars | None = None) -> float:
    """Width in points of ``text`` set at ``size`` with the font chain."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in split_by_font(text, missing))


def draw_text(canvas: object, x: float, y: float, text: str, size: float, *, anchor: str = "left",
              missing: MissingChars | None = None) -> float:
    """Draw one line of ``text`` on a reportlab canvas with per-character fallback; return its width.

    ``anchor`` is ``left``, ``centre`` or ``right`` (x is that edge or the middle).
    """
    runs = split_by_font(text, missing)
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs)
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    for font, run in runs:
        canvas.setFont(font, size)  # type: ignore[attr-defined]
        canvas.drawString(x, y, run)  # type: ignore[attr-defined]
        x += pdfmetrics.stringWidth(run, font, size)
    return width


_a85_lock = threading.Lock()


@contextmanager
def binary_streams() -> Iterator[None]:
    """Write PDF streams binary instead of ASCII85 while building a PDF.

    reportlab ASCII85-encodes every stream by default, with a pure-Python encoder
    unless its C accelerator is installed: ~0.5 s per embedded 120 kB JPEG, which would
    make a 1,000-image catalogue take minutes, and the files 25 % larger. Binary streams
    are what every PDF reader expects anyway. The setting is reportlab-global, so it is
    restored afterwards (nested and concurrent builds keep it off until the last ends).
    """
    from reportlab import rl_config

    global _a85_depth
    with _a85_lock:
        if _a85_depth == 0:
            _a85_saved[0] = rl_config.useA85
        _a85_depth += 1
        rl_config.useA85 = 0
    try:
        yield
    finally:
        with _a85_lock:
            _a85_depth -= 1
            if _a85_depth == 0:
                rl_config.useA85 = _a85_saved[0]


_a85_depth = 0
_a85_saved: list[int] = [1]
