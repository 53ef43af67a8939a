"""Controlled vocabularies of the restoration archive, loaded from JSON.

The shipped file is ``resources/vocab/restoration.json``.  Its codes are stable
ASCII identifiers (they are what the database stores); its labels are data, so a
centre can relabel or translate them without touching code.  A centre may also
point :func:`load_vocab` at its own file of the same shape.

Shape::

    {"format": "guji.restoration-vocab", "version": 1,
     "categories": {"<category>": {"label_zh": "...", "label_en": "...",
                                   "terms": [{"code": "...", "zh": "...", "en": "...", ...}]}}}

Extra keys on a term (``metric``, ``standard``, ``passing``…) are kept in
:attr:`Term.extra`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import resources
from restoration.errors import FieldError, RestorationError

__all__ = [
    "FORMAT",
    "REQUIRED_CATEGORIES",
    "Category",
    "RestorationVocab",
    "Term",
    "default_vocab",
    "load_vocab",
    "parse_vocab",
]

FORMAT = "guji.restoration-vocab"
SUPPORTED_VERSIONS = frozenset({1})

#: Categories the rest of the program relies on; a centre's own file must keep them.
REQUIRED_CATEGORIES: tuple[str, ...] = (
    "damage_types",
    "metrics",
    "fibres",
    "operations",
    "job_states",
    "ph_set_kinds",
    "ph_methods",
    "illuminant_observers",
    "material_kinds",
    "quality_grades",
)

# ASCII identifier: letters, digits, underscore, starting with a letter
# (illuminant codes such as "D65_10" keep their capital letter).
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_DEFAULT_PATH: Path = resources.path("vocab", "restoration.json")


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary entry: stable ``code``, display labels, and any extra attributes."""

    code: str
    zh: str
    en: str
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` ("zh" or "en"); falls back to Chinese."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True, slots=True)
class Category:
    """A named, ordered list of terms (order is the display order)."""

    name: str
    label_zh: str
    label_en: str
    terms: tuple[Term, ...]
    note: str = ""

    def codes(self) -> tuple[str, ...]:
        """The codes in display order."""
        return tuple(t.code for t in self.terms)


@dataclass(frozen=True, slots=True)
class RestorationVocab:
    """All restoration vocabularies, by category name."""

    categories: Mapping[str, Category] = field(hash=False)
    source: str = ""

    def category(self, name: str) -> Category:
        """The category ``name``; raises :class:`RestorationError` if there is none."""
        try:
            return self.categories[name]
        except KeyError:
            raise RestorationError(f"no vocabulary category {name!r} (have: {', '.join(self.categories)})") from None

    def terms(self, name: str) -> tuple[Term, ...]:
        """The terms of category ``name`` in display order."""
        return self.category(name).terms

    def codes(self, name: str) -> tuple[str, ...]:
        """The codes of category ``name`` in display order."""
        return self.category(name).codes()

    def get(self, name: str, code: str) -> Term:
        """The term ``code`` of category ``name``; raises :class:`FieldError` (field = category) if unknown."""
        for term in self.category(name).terms:
            if term.code == code:
                return term
        raise FieldError(name, f"unknown code {code!r}")

    def label(self, name: str, code: str, lang: str = "zh") -> str:
        """Display label of ``code`` in category ``name``."""
        return self.get(name, code).label(lang)


def _require_str(obj: Mapping[str, Any], key: str, where: str, *, allow_empty: bool = False) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise FieldError(key, f"{where}: '{key}' must be a non-empty text")
    return value


def parse_vocab(data: Any, *, source: str = "") -> RestorationVocab:
    """Validate decoded JSON ``data`` and build a :class:`RestorationVocab`.

    Checks the format tag and version, that every required category exists, that
    each term has an ASCII-identifier code unique within its category and
    non-empty zh/en labels, and that each damage type's ``metric`` is a code of
    the ``metrics`` category.  Raises :class:`FieldError` / :class:`RestorationError`
    with a message naming the offending place.
    """
    where0 = source or "vocabulary"
    if not isinstance(data, Mapping):
        raise RestorationError(f"{where0}: the top level must be a JSON object")
    if data.get("format") != FORMAT:
        raise FieldError("format", f"{where0}: expected format {FORMAT!r}, got {data.get('format')!r}")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise FieldError("version", f"{where0}: unsupported version {data.get('version')!r}")
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, Mapping):
        raise FieldError("categories", f"{where0}: 'categories' must be an object")

    categories: dict[str, Category] = {}
    for name, raw in raw_categories.items():
        where = f"{where0}, category {name!r}"
        if not isinstance(raw, Mapping):
            raise FieldError(name, f"{where}: must be an object")
        raw_terms = raw.get("terms")
        if not isinstance(raw_terms, list) or not raw_terms:
            raise FieldError("terms", f"{where}: 'terms' must be a non-empty list")
        seen: set[str] = set()
        terms: list[Term] = []
        for index, raw_term in enumerate(raw_terms, start=1):
            twhere = f"{where}, term {index}"
            if not isinstance(raw_term, Mapping):
                raise FieldError("terms", f"{twhere}: must be an object")
            code = _require_str(raw_term, "code", twhere)
            if not _CODE_RE.match(code):
                raise FieldError("code", f"{twhere}: code {code!r} is not an ASCII identifier")
            if code in seen:
                raise FieldError("code", f"{where}: code {code!r} appears twice")
            seen.add(code)
            zh = _require_str(raw_term, "zh", f"{twhere} ({code})")
            en = _require_str(raw_term, "en", f"{twhere} ({code})")
            extra = {k: v for k, v in raw_term.items() if k not in {"code", "zh", "en"}}
            terms.append(Term(code=code, zh=zh, en=en, extra=extra))
        categories[name] = Category(
            name=name,
            label_zh=str(raw.get("label_zh", name)),
            label_en=str(raw.get("label_en", name)),
            terms=tuple(terms),
            note=str(raw.get("note", "")),
        )

    missing = [c for c in REQUIRED_CATEGORIES if c not in categories]
    if missing:
        raise FieldError("categories", f"{where0}: missing categories {', '.join(missing)}")
    metric_codes = set(categories["metrics"].codes())
    for term in categories["damage_types"].terms:
        metric = term.extra.get("metric")
        if metric not in metric_codes:
            raise FieldError(
                "metric",
                f"{where0}: damage type {term.code!r} has metric {metric!r}; expected one of {sorted(metric_codes)}",
            )
    return RestorationVocab(categories=categories, source=source)


def load_vocab(path: Path | str | None = None) -> RestorationVocab:
    """Load and validate a vocabulary file (the shipped one when ``path`` is None).

    Raises :class:`RestorationError` if the file cannot be read or is not JSON,
    and the errors of :func:`parse_vocab` if its content is invalid.
    """
    file = Path(path) if path is not None else _DEFAULT_PATH
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RestorationError(f"cannot read vocabulary file {file}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RestorationError(f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    return parse_vocab(data, source=str(file))


@lru_cache(maxsize=1)
def default_vocab() -> RestorationVocab:
    """The shipped vocabulary, loaded once."""
    return load_vocab(None)
