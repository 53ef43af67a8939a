"""Registering the bundled CJK fonts, so Chinese renders on machines without any CJK font."""

from __future__ import annotations

from resources import path as resource_path

from guji.gui.qt import QApplication, QFont, QFontDatabase

FONT_FILES = ("uming.ttc", "HanaMinA.ttf")
# AR PL UMing carries CN/HK/TW faces with the same coverage; the CN face suits a
# simplified-Chinese interface and still has every traditional character.
PRIMARY_FAMILY = "AR PL UMing CN"
FALLBACK_FAMILY = "HanaMinA"

_families: list[str] = []


def register_fonts() -> list[str]:
    """Add the bundled fonts to Qt's database (once); return the families they provide."""
    if _families:
        return list(_families)
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id < 0:
            raise RuntimeError(f"cannot load the bundled font {name}")
        _families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_families)


def apply_app_font(app: QApplication, point_size: float = 10.5) -> QFont:
    """Make the bundled font the application font, with per-character fallback to Hanazono."""
    families = register_fonts()
    primary = PRIMARY_FAMILY if PRIMARY_FAMILY in families else families[0]
    font = QFont(primary)
    # Qt falls back family by family for characters the first one lacks (CJK Ext. A
    # characters of old books are in Hanazono but not in UMing).
    font.setFamilies([primary, FALLBACK_FAMILY])
    font.setPointSizeF(point_size)
    app.setFont(font)
    return font
