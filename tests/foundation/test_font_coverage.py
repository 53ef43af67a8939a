"""The bundled fonts carry every character the program ships: reign table, vocabularies, Chinese
translations, message catalogue and the test data, in both font chains the program draws with.

Hanazono Mincho A is bundled as a subset holding only the characters AR PL UMing lacks
(tools/subset_hanazono.py); these tests catch a subset cut too far and a full font put back.
The character maps are read with reportlab, as export/fonts.py reads them.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "resources" / "fonts"

# uming.ttc sub-fonts: 0 CN (the desktop's primary face, guji/gui/fonts.py), 1 HK and 2 TW
# (the PDF exports' chain, export/fonts.py).
CN, HK, TW = 0, 1, 2
TEXT_SUFFIXES = (".txt", ".md", ".json", ".csv", ".tsv", ".xml")


@cache
def uming(face: int) -> frozenset[int]:
    return frozenset(TTFontFile(str(FONTS / "uming.ttc"), subfontIndex=face).charToGlyph)


@cache
def hanazono() -> frozenset[int]:
    return frozenset(TTFontFile(str(FONTS / "HanaMinA.ttf")).charToGlyph)


def chains() -> dict[str, frozenset[int]]:
    """What each chain can draw: the desktop's (UMing CN, Hanazono), the exports' (UMing TW, HK, Hanazono)."""
    return {"desktop": uming(CN) | hanazono(), "export": uming(TW) | uming(HK) | hanazono()}


def shipped_text_files() -> list[Path]:
    files = [*(ROOT / "resources" / "reign").glob("*.csv"), *(ROOT / "resources" / "vocab").glob("*.json"),
             *(ROOT / "resources" / "i18n").glob("*.ts"), *(ROOT / "guji" / "messages").glob("*.py")]
    files += [p for p in (ROOT / "tests").rglob("*")
              if p.is_file() and "data" in p.relative_to(ROOT / "tests").parts and p.suffix in TEXT_SUFFIXES]
    return sorted(files)


def _drawn(ch: str) -> bool:
    """Characters a font has to draw: not line breaks, tabs, zero-width marks or variation selectors."""
    cp = ord(ch)
    return unicodedata.category(ch) not in ("Cc", "Cf") and not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def test_the_files_checked_are_there() -> None:
    rel = {p.relative_to(ROOT).as_posix() for p in shipped_text_files()}
    assert "resources/reign/reign_periods.csv" in rel and "resources/i18n/guji_zh_CN.ts" in rel
    assert "guji/messages/census.py" in rel and "tests/census/data/physical_description_examples.txt" in rel
    assert any(r.startswith("resources/vocab/") for r in rel) and any(r.startswith("tests/data/scans/") for r in rel)


@pytest.mark.parametrize("path", shipped_text_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_character_has_a_glyph_in_both_chains(path: Path) -> None:
    chars = {ch for ch in path.read_text(encoding="utf-8") if _drawn(ch)}
    missing = {name: sorted(f"{ch} U+{ord(ch):04X}" for ch in chars if ord(ch) not in cover)
               for name, cover in chains().items()}
    assert missing == {"desktop": [], "export": []}


def test_rare_characters_come_from_hanazono() -> None:
    # 㐀 (CJK Ext. A) and 䶵 are in no UMing face: the subset must keep them.
    for ch in "㐀䶵":
        assert ord(ch) in hanazono() and ord(ch) not in uming(CN) | uming(TW) | uming(HK)


def test_hanazono_is_the_subset_not_the_full_font() -> None:
    """The full Hanazono (22.8 MB) repeats ~24,000 characters UMing already draws in both chains."""
    in_both_chains = uming(CN) & (uming(TW) | uming(HK))
    overlap = hanazono() & in_both_chains
    # fontTools keeps the few characters whose glyphs the layout tables reach from kept ones.
    assert len(overlap) < 0.01 * len(hanazono()), len(overlap)
    assert (FONTS / "HanaMinA.ttf").stat().st_size < 10_000_000
