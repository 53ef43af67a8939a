"""The Qt side of :mod:`guji.fonts`: the bundled fonts in Qt's database, the interface chain as the application font."""

from __future__ import annotations

from guji.fonts import FONT_FILES, INTERFACE_TEXT, font_file
from guji.gui.qt import QApplication, QFont, QFontDatabase

PRIMARY_FAMILY = INTERFACE_TEXT[0].family
FALLBACK_FAMILIES = [f.family for f in INTERFACE_TEXT[1:]]

_families: list[str] = []


def register_fonts() -> list[str]:
    """Add the bundled fonts to Qt's database (once); return the families they provide."""
    if _families:
        return list(_families)
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(font_file(name)))
        if font_id < 0:
            raise RuntimeError(f"cannot load the bundled font {name}")
        _families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_families)


def apply_app_font(app: QApplication, point_size: float = 10.5) -> QFont:
    """Make the interface chain the application font: Qt falls back family by family per character."""
    families = register_fonts()
    primary = PRIMARY_FAMILY if PRIMARY_FAMILY in families else families[0]
    font = QFont(primary)
    font.setFamilies([primary, *(f for f in FALLBACK_FAMILIES if f in families)])
    font.setPointSizeF(point_size)
    app.setFont(font)
    return font
