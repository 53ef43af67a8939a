"""Controlled vocabularies of the census (``resources/vocab/census.json``).

The vocabularies drive validation and the GUI's choice lists: 四部 classification,
bindings, edition types, author modes, dynasties, 版口/魚尾/邊欄 terms, grades, damage
grade labels, seal positions, annotation kinds, vault movement purposes. Each entry has a
stable ASCII ``code``, the traditional ``label`` as printed and a ``simplified`` label;
hierarchical vocabularies (classification 部/類/屬, edition types, 版口) nest entries
under ``children``.

Users type either script, so :func:`is_valid` and :func:`normalise` accept the code,
the traditional label, the simplified label or an alias, and compare after folding
full-width forms and traditional/simplified variants (:func:`guji.text.fold.fold`).

API: :func:`names`, :func:`choices`, :func:`entry`, :func:`is_valid`, :func:`normalise`,
:func:`dynasties`, :func:`load`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from guji.text.fold import fold

__all__ = [
    "Dynasty",
    "UnknownVocabulary",
    "VocabEntry",
    "choices",
    "dynasties",
    "entry",
    "is_valid",
    "load",
    "names",
    "normalise",
]


class UnknownVocabulary(KeyError):
    """The vocabulary name is not in census.json (a programming error, not user input)."""


@dataclass(frozen=True)
class VocabEntry:
    """One vocabulary entry.

    ``path`` holds the codes from the top of a hierarchy down to this entry
    (``("jing", "jing.li", "jing.li.zhouli")``); ``depth`` is ``len(path) - 1``.
    ``extra`` carries the vocabulary-specific fields (a dynasty's span…).
    """

    code: str
    label: str
    simplified: str
    aliases: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def parent_code(self) -> str | None:
        return self.path[-2] if len(self.path) > 1 else None


@dataclass(frozen=True)
class Dynasty:
    """A dynasty with its conventional Gregorian span (astronomical years before 1)."""

    code: str
    label: str
    simplified: str
    aliases: tuple[str, ...]
    start: int
    end: int
    table_dynasties: tuple[str, ...]
    main_sequence: bool


@dataclass
class _Vocab:
    label: str
    entries: list[VocabEntry]
    by_key: dict[str, VocabEntry]


_lock = threading.Lock()
_cache: dict[Path | None, dict[str, _Vocab]] = {}


def _default_path() -> Path:
    return Path(str(resources.files("resources") / "vocab" / "census.json"))


def _flatten(raw: list[dict[str, Any]], parent: tuple[str, ...]) -> list[VocabEntry]:
    out: list[VocabEntry] = []
    for item in raw:
        path = parent + (item["code"],)
        aliases = tuple(item.get("aliases", ())) + tuple(item.get("aliases_simplified", ()))
        extra = {k: v for k, v in item.items()
                 if k not in ("code", "label", "simplified", "aliases", "aliases_simplified", "children")}
        out.append(VocabEntry(item["code"], item["label"], item["simplified"], aliases, path, extra))
        out.extend(_flatten(item.get("children", []), path))
    return out


def load(path: Path | None = None) -> dict[str, _Vocab]:
    """Read and index census.json (cached per path; thread-safe).

    Raises ``ValueError`` when two entries of one vocabulary share a code or a folded
    label (the lookup by label would be ambiguous), ``OSError``/``json.JSONDecodeError``
    when the file is unreadable.
    """
    with _lock:
        if path in _cache:
            return _cache[path]
        data = json.loads((path or _default_path()).read_text(encoding="utf-8"))
        vocabs: dict[str, _Vocab] = {}
        for name, spec in data["vocabularies"].items():
            entries = _flatten(spec["entries"], ())
            by_key: dict[str, VocabEntry] = {}
            codes = [e.code for e in entries]
            if len(codes) != len(set(codes)):
                raise ValueError(f"vocabulary {name}: duplicate codes")
            for e in entries:
                by_key[e.code.lower()] = e
            for e in entries:
                for key in {fold(e.label), fold(e.simplified), *(fold(a) for a in e.aliases)}:
                    other = by_key.get(key)
                    if other is not None and other is not e and name != "classification":
                        raise ValueError(f"vocabulary {name}: {e.label} and {other.label} fold alike")
                    # In the classification tree a 類 name recurs under several 部
                    # (叢編, 小說類): the label lookup then keeps the first (top-most);
                    # use codes to be exact.
                    by_key.setdefault(key, e)
            vocabs[name] = _Vocab(spec.get("label", name), entries, by_key)
        _cache[path] = vocabs
        return vocabs


def _vocab(name: str) -> _Vocab:
    try:
        return load()[name]
    except KeyError:
        raise UnknownVocabulary(name) from None


def names() -> list[str]:
    """The names of all vocabularies (``"binding"``, ``"edition_type"``, …)."""
    return list(load())


def choices(name: str, *, parent: str | None = None, depth: int | None = None) -> list[VocabEntry]:
    """Entries of vocabulary ``name`` in file order (parents before their children).

    ``parent``: only the direct children of the entry with that code; ``depth``: only
    entries at that depth (0 = top level). Raises :class:`UnknownVocabulary`.
    """
    entries = _vocab(name).entries
    if parent is not None:
        entries = [e for e in entries if e.parent_code == parent]
    if depth is not None:
        entries = [e for e in entries if e.depth == depth]
    return list(entries)


def entry(name: str, value: str) -> VocabEntry | None:
    """The entry whose code, label, simplified label or alias matches ``value``, or None.

    Codes match case-insensitively; labels match after :func:`fold` (so traditional,
    simplified and full-width input all work). Raises :class:`UnknownVocabulary`.
    """
    if not isinstance(value, str):
        _vocab(name)  # an unknown vocabulary still raises
        return None
    return _entry(name, value)


@lru_cache(maxsize=65536)  # the default vocabularies never change once loaded; checks look terms up per field
def _entry(name: str, value: str) -> VocabEntry | None:
    v = _vocab(name)
    value = value.strip()
    if not value:
        return None
    return v.by_key.get(value.lower()) or v.by_key.get(fold(value))


def is_valid(name: str, value: str) -> bool:
    """True when ``value`` names an entry of vocabulary ``name`` (see :func:`entry`)."""
    return entry(name, value) is not None


def normalise(name: str, value: str) -> str:
    """The traditional label of the entry ``value`` names (``"线装"`` → ``"線裝"``).

    Raises ``ValueError`` naming the vocabulary when ``value`` is not in it.
    """
    e = entry(name, value)
    if e is None:
        raise ValueError(f"{value!r} is not in the {name} vocabulary ({_vocab(name).label})")
    return e.label


def dynasties() -> list[Dynasty]:
    """The dynasty vocabulary as :class:`Dynasty` records, in file order."""
    out = []
    for e in _vocab("dynasty").entries:
        x = e.extra
        out.append(Dynasty(e.code, e.label, e.simplified, e.aliases, int(x["start"]), int(x["end"]),
                           tuple(x.get("table_dynasties", ())), bool(x.get("main_sequence", False))))
    return out
