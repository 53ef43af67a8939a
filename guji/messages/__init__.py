"""The message catalogue: every text a user reads, in the user's language.

Errors, warnings, command-line output and report files take their words from here
(the desktop's widget labels come from the Qt translation file). Chinese is the
default; ``GUJI_LANG=en`` or :func:`set_language` switches to English.

Each section module of this package holds the messages of one area as
``MESSAGES = {"area.name": ("中文 {param}", "English {param}")}``; the keys are
unique across sections (a test checks that, and that both languages of a message
take the same parameters)::

    raise Conflict(msg("edit.stale", who="li", when="2026-12-07 10:02"))

:func:`msg` returns a :class:`Message`, a ``str`` that remembers its key, so a test
or a program can tell which message it got without parsing the words.
"""

from __future__ import annotations

import os
import string
from importlib import import_module
from typing import Any

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
SECTIONS = ("core", "trust", "census", "images", "exchange", "export")

_language: str | None = None
_catalogue: dict[str, tuple[str, str]] | None = None


class Message(str):
    """A catalogue text in the current language; ``key`` names the message."""

    key: str

    def __new__(cls, text: str, key: str) -> Message:
        obj = super().__new__(cls, text)
        obj.key = key
        return obj


def _normalise(lang: str | None) -> str:
    lang = (lang or "").strip()
    if lang.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def language() -> str:
    """The current language: what :func:`set_language` set, else ``GUJI_LANG``, else Chinese."""
    if _language is not None:
        return _language
    return _normalise(os.environ.get("GUJI_LANG"))


def set_language(lang: str | None) -> str:
    """Switch the language of every later message; returns the language now in use."""
    global _language
    _language = _normalise(lang)
    return _language


def catalogue() -> dict[str, tuple[str, str]]:
    """Every message: key → (Chinese, English)."""
    global _catalogue
    if _catalogue is None:
        merged: dict[str, tuple[str, str]] = {}
        for name in SECTIONS:
            section: dict[str, tuple[str, str]] = import_module(f"guji.messages.{name}").MESSAGES
            clash = merged.keys() & section.keys()
            if clash:
                raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
            merged.update(section)
        _catalogue = merged
    return _catalogue


def msg(key: str, **params: Any) -> Message:
    """The message ``key`` in the current language with ``params`` filled in."""
    zh, en = catalogue()[key]
    template = en if language() == "en" else zh
    return Message(template.format(**params) if params else template, key)


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (``{who}`` → ``who``)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


__all__ = ["LANGUAGES", "Message", "catalogue", "language", "msg", "placeholders", "set_language"]
