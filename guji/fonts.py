"""The bundled fonts and which face sets which kind of text: one answer for the screen and for print.

The program carries its own CJK fonts so that Chinese renders on a machine with none
installed. Two files in ``resources/fonts``:

- AR PL UMing (``uming.ttc``), a collection of four faces of one design: 0 CN, 1 HK, 2 TW,
  3 TW MBE. The faces differ in glyph shapes (a character printed in mainland or Taiwan
  style) and the HK face has ~2,300 more characters (HKSCS).
- Hanazono Mincho A (``HanaMinA.ttf``, subset to what UMing lacks): CJK Ext. A and other
  rare characters of old books.

A *chain* is the order in which faces are tried for each character; the first face that has
the character sets it. Two kinds of text, two chains:

- :data:`RECORD_TEXT` — catalogue text as recorded (titles, authors, editions: traditional
  characters as entered): TW shapes first, then HK, then Hanazono. The printed catalogues
  and labels use it.
- :data:`INTERFACE_TEXT` — the program's own words in simplified Chinese and the mixed text
  of working documents (the desktop, the restoration archive): CN shapes first, then HK,
  then Hanazono.

A character no face has is printed as :data:`MISSING_MARK` (〓, the mark typesetting uses
for a character the type case lacks) and reported. This module knows no toolkit: the Qt
adapter is ``guji.gui.fonts``, the reportlab one ``export.fonts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from resources import path as resource_path

__all__ = [
    "ALL_FACES",
    "FONT_FILES",
    "HANAZONO",
    "INTERFACE_TEXT",
    "MISSING_MARK",
    "RECORD_TEXT",
    "UMING_CN",
    "UMING_HK",
    "UMING_TW",
    "Face",
    "face_path",
    "font_file",
]


@dataclass(frozen=True)
class Face:
    """One face of a bundled font file."""

    file: str  # file name in resources/fonts
    index: int  # face in a collection (0 for a single font)
    family: str  # the family name the font declares (what Qt lists)
    pdf_name: str  # the name it is registered under with reportlab


UMING_CN = Face("uming.ttc", 0, "AR PL UMing CN", "GujiUMingCN")
UMING_HK = Face("uming.ttc", 1, "AR PL UMing HK", "GujiUMingHK")
UMING_TW = Face("uming.ttc", 2, "AR PL UMing TW", "GujiUMingTW")
HANAZONO = Face("HanaMinA.ttf", 0, "HanaMinA", "GujiHanaMinA")

RECORD_TEXT: tuple[Face, ...] = (UMING_TW, UMING_HK, HANAZONO)
INTERFACE_TEXT: tuple[Face, ...] = (UMING_CN, UMING_HK, HANAZONO)

ALL_FACES: tuple[Face, ...] = (UMING_CN, UMING_HK, UMING_TW, HANAZONO)
FONT_FILES: tuple[str, ...] = tuple(dict.fromkeys(f.file for f in ALL_FACES))

MISSING_MARK = "〓"


def font_file(name: str) -> Path:
    """The bundled font file ``name`` (one of :data:`FONT_FILES`) inside the installed resources."""
    return Path(resource_path("fonts", name))


def face_path(face: Face) -> Path:
    """The file of ``face`` inside the installed resources."""
    return font_file(face.file)
