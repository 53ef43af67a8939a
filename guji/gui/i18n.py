"""Interface language: Chinese by default, English available.

The interface strings are written in English in the code and translated by
``resources/i18n/guji_zh_CN.ts`` (Qt Linguist format, maintained with
``pylupdate6``). The .ts file is compiled when the program starts: PyQt6 ships
no ``lrelease``, and reading the XML directly keeps the translation editable
with Qt Linguist without an extra build tool.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from guji.gui.qt import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from resources import path as resource_path

LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"


def load_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) → translation for every finished message of a .ts file."""
    out: dict[tuple[str, str], str] = {}
    # The file is ours and shipped with the program, never user input.
    root = ElementTree.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            src = msg.findtext("source")
            tr = msg.find("translation")
            if src is None or tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            if tr.text:
                out[(name, src)] = tr.text
    return out


class TsTranslator(QTranslator):
    """A QTranslator answering from a .ts file loaded at start."""

    def __init__(self, messages: dict[tuple[str, str], str]):
        super().__init__()
        self._messages = messages
        # Fallback by source text alone, for strings shared between classes.
        self._by_source = {src: tr for (_ctx, src), tr in messages.items()}

    def translate(self, context, source_text, disambiguation=None, n=-1):
        if source_text is None:
            return None
        hit = self._messages.get((context or "", source_text))
        if hit is None:
            hit = self._by_source.get(source_text)
        return hit

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return not self._messages


_installed: list[QTranslator] = []


def install(language: str = DEFAULT_LANGUAGE) -> str:
    """Install the translators for ``language`` on the running application; return the language used.

    The translators are kept referenced for the program's lifetime: Qt does not
    own them, and a collected translator silently stops translating.
    """
    app = QCoreApplication.instance()
    assert app is not None
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English))
        return language
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qt_tr = QTranslator()
    if qt_tr.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                  QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_tr)
        _installed.append(qt_tr)
    ts = resource_path("i18n", f"guji_{language}.ts")
    if ts.exists():
        ours = TsTranslator(load_ts(ts))
        app.installTranslator(ours)
        _installed.append(ours)
    return language
