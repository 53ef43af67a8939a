"""The bundled fonts for reportlab, with per-character font fallback.

Which face sets which kind of text is decided once, in :mod:`guji.fonts` (the chains
:data:`~guji.fonts.RECORD_TEXT` and :data:`~guji.fonts.INTERFACE_TEXT`); this module is its
reportlab side. reportlab draws a string in one font and has no glyph fallback: a character
the font lacks comes out as an empty box (.notdef) without any warning. Old books use rare
characters (CJK Ext. A and beyond), so every string printed goes through
:func:`split_by_font`, which cuts it into runs by the first face of the chain that has each
character. A character no face has is printed as 〓 and reported, so the user sees a warning
listing it instead of a silent box.

The files are TrueType (glyf outlines); reportlab embeds only the subset of glyphs used.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from guji.fonts import ALL_FACES, MISSING_MARK, RECORD_TEXT, Face, face_path

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "FONT_CHAIN",
    "MISSING_MARK",
    "PRIMARY",
    "MissingChars",
    "binary_streams",
    "draw_text",
    "has_glyph",
    "markup",
    "register_fonts",
    "split_by_font",
    "text_width",
]

# (reportlab name, file, sub-font index), in the fallback order of record text.
FONT_CHAIN: tuple[tuple[str, str, int], ...] = tuple((f.pdf_name, f.file, f.index) for f in RECORD_TEXT)
PRIMARY = RECORD_TEXT[0].pdf_name

_lock = threading.Lock()
_cmaps: dict[str, frozenset[int] | set[int]] = {}


def register_fonts() -> tuple[str, ...]:
    """Register every bundled face with reportlab (once per process); return the record-text chain's names.

    Raises ``OSError`` when a bundled font file is missing (a broken installation).
    """
    with _lock:
        if not _cmaps:
            for face in ALL_FACES:
                font = TTFont(face.pdf_name, str(face_path(face)), subfontIndex=face.index)
                pdfmetrics.registerFont(font)
                _cmaps[face.pdf_name] = frozenset(font.face.charToGlyph)
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


def split_by_font(text: str, missing: MissingChars | None = None,
                  chain: tuple[Face, ...] = RECORD_TEXT) -> list[tuple[str, str]]:
    """Cut ``text`` into ``(font name, run)`` pairs, each character in the first face of ``chain`` that has it.

    Characters in no face become :data:`MISSING_MARK` (in the chain's first face) and are
    added to ``missing`` when given. Line breaks and tabs are kept as they are (in
    the primary font) for the caller to handle. Adjacent characters of one font form
    one run; the concatenated runs equal ``text`` except for the replaced characters.
    """
    register_fonts()
    names = [f.pdf_name for f in chain]
    primary = names[0]
    runs: list[tuple[str, str]] = []
    cur_font: str | None = None
    buf: list[str] = []
    for ch in text:
        if _invisible(ch):
            continue
        if ch in "\n\r\t":
            font = cur_font or primary
        else:
            cp = ord(ch)
            font = next((n for n in names if cp in _cmaps[n]), "")
            if not font:
                if missing is not None:
                    missing.add(ch, text)
                font, ch = primary, MISSING_MARK
        if font != cur_font and buf:
            runs.append((cur_font or primary, "".join(buf)))
            buf = []
        cur_font = font
        buf.append(ch)
    if buf:
        runs.append((cur_font or primary, "".join(buf)))
    return runs


def markup(text: str, missing: MissingChars | None = None, chain: tuple[Face, ...] = RECORD_TEXT) -> str:
    """``text`` as reportlab Paragraph markup: XML-escaped, runs outside the chain's first face in ``<font>`` tags.

    The Paragraph's style must use the chain's first face (:data:`PRIMARY` for record text)
    as its font (and ``wordWrap="CJK"`` to break lines between CJK characters). Newlines
    become ``<br/>``.
    """
    primary = chain[0].pdf_name
    parts = []
    for font, run in split_by_font(text, missing, chain):
        run = escape(run).replace("\n", "<br/>")
        parts.append(run if font == primary else f'<font face="{font}">{run}</font>')
    return "".join(parts)


def text_width(text: str, size: float, missing: MissingChars | None = None,
               chain: tuple[Face, ...] = RECORD_TEXT) -> float:
    """Width in points of ``text`` set at ``size`` with the font chain."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in split_by_font(text, missing, chain))


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, *, anchor: str = "left",
              missing: MissingChars | None = None, chain: tuple[Face, ...] = RECORD_TEXT) -> float:
    """Draw one line of ``text`` on a reportlab canvas with per-character fallback; return its width.

    ``anchor`` is ``left``, ``centre`` or ``right`` (x is that edge or the middle).
    """
    runs = split_by_font(text, missing, chain)
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs)
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
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
