"""Search-key folding for Chinese catalogue text.

Users type simplified or traditional, full-width or half-width, with or without the
brackets of ``［萬曆］金華府志``; search must find the record either way. Everything that
goes into a search index and every query goes through :func:`fold`, so that
``fold("萬曆") == fold("万历")`` and ``fold("ＡＢＣ１２") == "abc12"``.

Traditional → simplified is done **character by character** with OpenCC's ``t2s``
table (each character converted on its own, then cached), not phrase by phrase. Phrase
conversion depends on context (OpenCC turns a lone 乾 into 干 but keeps 乾隆), which
would make ``fold(part)`` no longer a substring of ``fold(whole)``: a one-character query
would miss the records that contain it. Character-level conversion keeps that property
for every string, at the price of a few unusual simplifications (乾 → 干) that are
harmless because both sides of the comparison get them.

OpenCC's converter is a C++ object whose thread safety is not documented, so each thread
gets its own instance (``threading.local``). The per-character cache is a plain dict:
concurrent inserts of the same key write the same value, which is safe under the GIL.

Public API:

- :func:`fold` — the search key of a text;
- :func:`gram_tokens` — a folded text as space-separated tokens for an SQLite FTS5 index
  (``unicode61`` tokenizer, one-character prefix index): CJK runs as overlapping bigrams
  plus their last character, letter/digit runs whole, so that queries of any length from
  one character up are cheap;
- :func:`fts_phrase`, :func:`fts_query` — safe FTS5 ``MATCH`` expressions for what a user typed;
- :func:`t2s_chars` — the character-level traditional → simplified conversion alone;
- :func:`pinyin_key`, :func:`stroke_key` — sort keys for catalogue indexes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

__all__ = [
    "fold",
    "fts_phrase",
    "fts_query",
    "gram_tokens",
    "pinyin_key",
    "stroke_data_available",
    "stroke_key",
    "t2s_chars",
]

_local = threading.local()


def _converter() -> opencc.OpenCC:
    """This thread's OpenCC t2s converter (created on first use)."""
    conv = getattr(_local, "t2s", None)
    if conv is None:
        conv = opencc.OpenCC("t2s")
        _local.t2s = conv
    return conv


def _keep(ch: str) -> bool:
    """True for characters that belong in a search key: letters, digits, marks.

    Punctuation (P*: brackets ［］（）【】〔〕《》「」, commas, 、。), separators and spaces
    (Z*), symbols (S*: ×, ·) and controls (C*) are dropped: catalogues write them
    inconsistently and users do not type them.
    """
    return unicodedata.category(ch)[0] in "LNM"


class _FoldTable(dict[int, str | None]):
    """``str.translate`` table that computes (and keeps) each code point's folded form.

    ``str.translate`` looks code points up with ``__getitem__``, so ``__missing__`` lets
    the table fill itself lazily: the first occurrence of a character costs an OpenCC call,
    every later one is a dict hit in C.
    """

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        if not _keep(ch):
            value: str | None = None
        elif cp < 0x80:
            value = ch
        else:
            value = _converter().convert(ch) or ch
        self[cp] = value
        return value


class _T2STable(dict[int, str]):
    """Like :class:`_FoldTable` but converts only, keeping every character."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        value = ch if cp < 0x80 else (_converter().convert(ch) or ch)
        self[cp] = value
        return value


_FOLD = _FoldTable()
_T2S = _T2STable()


def t2s_chars(text: str) -> str:
    """Traditional → simplified, one character at a time (see the module docstring).

    Contract: the result has the same number of characters as the input for all
    characters OpenCC maps one-to-one (all CJK ideographs in practice); nothing else is
    changed (no NFKC, no case folding, punctuation kept).
    """
    return text.translate(_T2S)


def fold(text: str) -> str:
    """The search key of ``text``.

    Steps, in this order: Unicode NFKC (full-width ``ＡＢＣ１２`` → ``ABC12``, compatibility
    ideographs → unified ones), lower case, traditional → simplified per character
    (OpenCC ``t2s``), and removal of everything that is not a letter, digit or mark
    (punctuation, brackets, spaces). ``fold(a)`` is a substring of ``fold(a + b)``.

    Contract: total (never raises for a ``str``), idempotent (``fold(fold(x)) == fold(x)``),
    and ``fold("") == ""``.
    """
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLD)


def _is_cjk(ch: str) -> bool:
    """True for characters that get a token of their own (ideographs, kana, hangul, 〇).

    Scripts written without spaces are tokenised per character so that any substring
    can be searched as a phrase; scripts written with spaces (Latin, digits) keep runs.
    """
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x2FDF        # radicals
        or 0x3005 <= cp <= 0x3007     # 々 〆 〇
        or 0x3040 <= cp <= 0x30FF     # kana
        or 0x3100 <= cp <= 0x31BF     # bopomofo
        or 0x3400 <= cp <= 0x4DBF     # extension A
        or 0x4E00 <= cp <= 0x9FFF     # unified ideographs
        or 0xAC00 <= cp <= 0xD7AF     # hangul syllables
        or 0xF900 <= cp <= 0xFAFF     # compatibility ideographs
        or 0x20000 <= cp <= 0x3FFFF   # extensions B–H
    )


# The ranges of _is_cjk as a character class. re.findall splits in C what a per-character
# Python loop did (a fifth of an import's time went there).
_CJK_CLASS = ("\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u31bf\u3400-\u4dbf\u4e00-\u9fff"
              "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff")
_TOKEN = re.compile(f"[{_CJK_CLASS}]|[^{_CJK_CLASS}]+")
_RUN = re.compile(f"[{_CJK_CLASS}]+|[^{_CJK_CLASS}]+")
_CJK_START = re.compile(f"[{_CJK_CLASS}]")


def _tokens(folded: str) -> list[str]:
    """One token per CJK character, runs of other characters whole."""
    return _TOKEN.findall(folded)


def gram_tokens(folded: str) -> str:
    """The index tokens of a folded text: CJK runs as overlapping bigrams plus their last character.

    ``"金华府志"`` → ``"金华 华府 府志 志"``; runs of other letters/digits stay one token
    (``"明万历10年"`` → ``"明万 万历 历 10 年"``). Indexed by an FTS5 table with a
    one-character prefix index (``prefix='1'``), every substring query becomes cheap (see
    :func:`fts_phrase`): one character is a prefix lookup (it starts a bigram or is a run's
    last character), two characters one bigram, longer ones a phrase of bigrams. Bigram
    doclists are short where single characters (十, 年, 刻) occur in most records, so
    three- and four-character phrases no longer read doclists of the whole register.

    Contract: total; ``""`` when nothing is left; the input is a :func:`fold` result.
    """
    out: list[str] = []
    for run in _RUN.findall(folded):
        if _CJK_START.match(run):
            out.extend(map(str.__add__, run, run[1:]))
            out.append(run[-1])
        else:
            out.append(run)
    return " ".join(out)


def fts_phrase(term: str) -> str | None:
    """The FTS5 phrase that finds ``term`` (one word a user typed) as a substring of
    text indexed by :func:`gram_tokens`; None when nothing searchable is left.

    A CJK run becomes its bigrams; when it is followed by other characters in the term it
    must end there in the record too, so its last character is added as the run-final
    token. A single CJK character at the end of the term is a prefix token (``"志" *``): it
    may start a bigram or end a run. Runs of letters/digits match whole tokens. Everything
    ends up inside one quoted string of folded letters and digits, so FTS5 syntax in user
    input (AND, OR, NOT, NEAR, ``*``, ``^``, ``column:``, quotes) is never interpreted.
    """
    runs = _RUN.findall(fold(term))
    if not runs:
        return None
    toks: list[str] = []
    prefix = False
    for i, run in enumerate(runs):
        last = i == len(runs) - 1
        if not _CJK_START.match(run):
            toks.append(run)
        elif len(run) == 1 and last:
            toks.append(run)
            prefix = True
        else:
            toks.extend(map(str.__add__, run, run[1:]))
            if not last:
                toks.append(run[-1])
    return '"' + " ".join(toks).replace('"', '""') + '"' + (" *" if prefix else "")


def fts_query(user_query: str) -> str:
    """A safe FTS5 ``MATCH`` expression for what the user typed: one :func:`fts_phrase` per
    whitespace-separated term, ANDed (FTS5's implicit AND between phrases):
    ``"墨子 十五"`` → ``'"墨子" "十五"'``.

    Contract: returns ``""`` when the query has nothing searchable (only spaces or
    punctuation); the caller must then not run a MATCH (FTS5 rejects an empty one).
    """
    return " ".join(p for p in (fts_phrase(t) for t in user_query.split()) if p)


@lru_cache(maxsize=4096)
def pinyin_key(text: str) -> str:
    """Sort key by Hanyu Pinyin reading, for title and author indexes.

    Punctuation and brackets are removed first (``［萬曆］金華府志`` sorts under *wan*);
    readings come from pypinyin and its phrase dictionary (a polyphone outside its phrases
    takes the commonest reading: 重刻 gives *zhong4 ke4*, not *chong2*), tone
    numbers after each syllable (``wan4 li4``), so that syllables sort before tones.
    Characters without a reading (Latin, digits) are kept lower-cased.

    Contract: total; pure function of ``text``; keys compare with plain string order.
    """
    from pypinyin import Style, lazy_pinyin

    cleaned = "".join(ch for ch in unicodedata.normalize("NFKC", text) if _keep(ch))
    # pypinyin takes a list from the errors callback (one item per character, as documented);
    # its stub allows only str.
    syllables = lazy_pinyin(cleaned, style=Style.TONE3, neutral_tone_with_five=True,
                            errors=lambda s: list(s.lower()))  # type: ignore[arg-type,return-value]
    return " ".join(syllables)


# --------------------------------------------------------------------------- stroke order

# Neither pypinyin nor any other installed package carries stroke counts. The GNU C
# Library ships a Hanzi collation "by component and stroke" derived from CNS 11643
# (Taiwan's national character standard; Open Government Data License 1.0, compatible
# with CC BY 4.0; https://github.com/chinese-opendesktop/cns11643-data). Its order sorts
# characters by stroke count first, which is what a 筆畫 index needs. We read that file
# where the system has it (Debian/Ubuntu: package ``locales``/``libc-bin``) instead of
# shipping a copy; without it, stroke_key falls back to code point order (the Unicode
# radical-stroke order) and stroke_data_available() says so.
_STROKE_FILES = (
    Path("/usr/share/i18n/locales/cns11643_stroke"),
)
_stroke_lock = threading.Lock()
_stroke_rank: dict[str, int] | None = None


def _load_stroke_rank() -> dict[str, int]:
    global _stroke_rank
    with _stroke_lock:
        if _stroke_rank is not None:
            return _stroke_rank
        rank: dict[str, int] = {}
        for path in _STROKE_FILES:
            if not path.is_file():
                continue
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                if not line.startswith("<U"):
                    continue
                cp = int(line[2:line.index(">")], 16)
                rank.setdefault(chr(cp), len(rank))
            break
        _stroke_rank = rank
        return rank


def stroke_data_available() -> bool:
    """True when the CNS 11643 stroke order was found on this system."""
    return bool(_load_stroke_rank())


def stroke_key(text: str) -> str:
    """Sort key by stroke order (筆畫), for title and author indexes.

    Each kept character (see :func:`fold`, but traditional characters are *not*
    simplified: stroke order is by the form as printed) becomes a 6-hex-digit rank:
    its position in the CNS 11643 component/stroke order when the system has it,
    otherwise ``0x100000 +`` its code point (so ranked characters come first).

    Contract: total; keys compare with plain string order; check
    :func:`stroke_data_available` before promising users a true stroke order.
    """
    rank = _load_stroke_rank()
    cleaned = unicodedata.normalize("NFKC", text).lower()
    parts = []
    for ch in cleaned:
        if not _keep(ch):
            continue
        r = rank.get(ch)
        parts.append(f"{r:06x}" if r is not None else f"{0x100000 + ord(ch):06x}")
    return "".join(parts)
