"""Reign-period (年號) dating of edition and date statements.

``parse_era("清光緒壬寅(二十八年)刊本")`` → dynasty 清, era 光緒, year 28, 壬寅, 1902.

The statement is read from its start: an optional Gregorian prefix (``1551芝城銅活字印本``),
an optional dynasty (``明``, ``（明）``, ``宋``…), an optional era name, then what dates the
year within the era:

- ``元年`` or a numeral + ``年`` (Chinese 一…九十九 with 廿/卅/卌/〇, financial forms, or
  Arabic digits) → precision ``"year"``;
- a sexagenary name (``壬寅``), optionally followed by ``年``/``歲`` → ``"year"``: the year
  of the era with that name (an era longer than 60 years can hold it twice: both are
  returned as ambiguous candidates);
- either of these followed by a parenthesis holding the other, or a Gregorian year
  (``光緒壬寅(二十八年)``, ``光緒二十八年(1902)``): they must agree;
- ``X年至Y年`` (also ``—``/``-``/``~``) → precision ``"range"``;
- ``間``/``年間`` or nothing → the whole era, precision ``"era"`` (``qualifier`` ``"間"``);
  ``初``/``中``/``末`` after the era are recorded as ``qualifier`` without narrowing.

A statement with a dynasty but no era (``明刻本``) gets precision ``"dynasty"`` and the
dynasty's conventional span. ``清末``/``明初``/``清中葉``: the qualifier is recorded and the
span is **not** narrowed (there is no agreed convention for where 清末 begins; staff
refine it by hand); ``明末清初`` gets precision ``"range"`` from the first dynasty's start to
the second's end with a note.

Years are Gregorian at year level, the catalogues' convention: a Chinese year is given
as the Gregorian year in which most of it falls (乾隆六十年 = 1795 though its last month is
in 1796). Before 1582 the calendar is the proleptic Julian one (no difference at year
level). Data: ``resources/reign/reign_periods.csv`` (derived from the DDBC Time Authority
Database, CC BY-SA 3.0; see ATTRIBUTION.md there).

An era name without a dynasty can recur (至元 twice in 元; 紹興 in 南宋 and 西遼; 太平,
建興, 永興 many times): the dynasty, then ``dynasty_hint``, then the year (an era too short
for the stated year drops out) narrow the candidates; if several remain the result is the
most likely one (a dynasty that printed books, then the longer era) with all candidates in
``ambiguous`` — callers must show them to the user.

Simplified and traditional input work alike: names are compared after character-level
traditional → simplified folding (:func:`guji.text.fold.t2s_chars`).
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from guji.census.vocab import dynasties
from guji.errors import GujiError
from guji.text.fold import t2s_chars
from guji.text.numerals import DIGIT_CHARS
from guji.text.numerals import parse_year_numeral as parse_chinese_numeral

__all__ = [
    "EraParseError",
    "EraRecord",
    "EraResult",
    "dynasty_of_year",
    "eras",
    "eras_named",
    "ganzhi_index",
    "ganzhi_of_year",
    "parse_chinese_numeral",
    "parse_era",
]

STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"

# Dynasties whose eras date printed books: preferred when an era name recurs.
_BOOK_DYNASTIES = ("清", "明", "元", "南宋", "北宋", "金", "遼", "西夏", "民國", "唐", "五代", "後金")


class EraParseError(GujiError, ValueError):
    """The statement cannot be dated. ``reason`` says why (shown to the user), ``text`` is the input."""

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(f"cannot date {text!r}: {reason}")


@dataclass(frozen=True)
class EraRecord:
    """One row of the reign table: an era of one dynasty (merged across emperors)."""

    dynasty: str
    dynasty_aliases: tuple[str, ...]
    era: str
    alternates: tuple[str, ...]
    simplified: str
    emperor: str
    start_year: int
    end_year: int
    first_year_number: int

    @property
    def length(self) -> int:
        """Number of (Chinese) years the era counts."""
        return self.end_year - self.start_year + 1

    def gregorian(self, year_of_era: int) -> int:
        """Gregorian year of year ``year_of_era`` of this era (no range check)."""
        return self.start_year + (year_of_era - self.first_year_number)

    def last_year_number(self) -> int:
        return self.first_year_number + self.length - 1


@dataclass(frozen=True)
class EraResult:
    """A dated statement. ``gregorian`` is ``(start, end)``; equal for precision ``"year"``.

    precision: ``"year"``, ``"range"`` (two years), ``"era"`` (the whole era),
    ``"dynasty"`` (the dynasty's conventional span). ``dynasty`` is the dynasty as the
    statement names it (``宋`` for ``宋淳熙``) or, if it names none, the era's;
    ``period_dynasty`` is the reign table's dynasty of the era (``南宋``). ``ganzhi`` is the
    sexagenary name of the year (stated or derived) for precision ``"year"``.
    ``ambiguous`` holds every candidate (this result included) when more than one fits.
    """

    text: str
    dynasty: str | None
    era: str | None
    year_of_era: int | None
    ganzhi: str | None
    gregorian: tuple[int, int] | None
    precision: str
    qualifier: str | None = None
    period_dynasty: str | None = None
    emperor: str | None = None
    notes: tuple[str, ...] = ()
    ambiguous: tuple[EraResult, ...] = field(default=(), compare=False)

    @property
    def is_ambiguous(self) -> bool:
        return len(self.ambiguous) > 1

    def to_json_dict(self) -> dict[str, object]:
        """``{"dynasty", "era", "year_of_era", "ganzhi", "gregorian": [start, end], "precision"}``."""
        return {
            "dynasty": self.dynasty,
            "era": self.era,
            "year_of_era": self.year_of_era,
            "ganzhi": self.ganzhi,
            "gregorian": list(self.gregorian) if self.gregorian is not None else None,
            "precision": self.precision,
        }


# --------------------------------------------------------------------------- numbers

_NUMERAL_CHARS = DIGIT_CHARS


def ganzhi_index(name: str) -> int:
    """Index 0..59 of a sexagenary name (甲子 = 0, 癸亥 = 59); ``ValueError`` if not one."""
    if len(name) != 2 or name[0] not in STEMS or name[1] not in BRANCHES:
        raise ValueError(f"not a sexagenary name: {name}")
    s, b = STEMS.index(name[0]), BRANCHES.index(name[1])
    if s % 2 != b % 2:
        raise ValueError(f"not a sexagenary name (stem and branch of different parity): {name}")
    return (6 * s - 5 * b) % 60


def ganzhi_of_year(year: int) -> str:
    """Sexagenary name of Gregorian (astronomical) year ``year``: index (Y − 4) mod 60."""
    i = (year - 4) % 60
    return STEMS[i % 10] + BRANCHES[i % 12]


# --------------------------------------------------------------------------- table

_lock = threading.Lock()
_table: tuple[list[EraRecord], dict[str, list[tuple[EraRecord, bool]]], int] | None = None


def _table_path() -> Path:
    return Path(str(resources.files("resources") / "reign" / "reign_periods.csv"))


def _split(value: str) -> tuple[str, ...]:
    """The names of one cell of the table, separated by ``|``."""
    return tuple(x for x in value.split("|") if x)


def _load() -> tuple[list[EraRecord], dict[str, list[tuple[EraRecord, bool]]], int]:
    """Read the reign table once; index folded names → [(record, matched by primary name)]."""
    global _table
    with _lock:
        if _table is not None:
            return _table
        records: list[EraRecord] = []
        index: dict[str, list[tuple[EraRecord, bool]]] = {}
        with _table_path().open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                rec = EraRecord(
                    dynasty=row["dynasty"], dynasty_aliases=_split(row["dynasty_aliases"]),
                    era=row["era"], alternates=_split(row["era_alternates"]),
                    simplified=row["era_simplified"], emperor=row["emperor"],
                    start_year=int(row["start_year"]), end_year=int(row["end_year"]),
                    first_year_number=int(row["first_year_number"]),
                )
                records.append(rec)
                primary = {t2s_chars(rec.era), t2s_chars(rec.simplified)}
                alts = {t2s_chars(n) for n in rec.alternates + _split(row["era_alternates_simplified"])}
                for key in primary:
                    index.setdefault(key, []).append((rec, True))
                for key in alts - primary:
                    index.setdefault(key, []).append((rec, False))
        longest = max(len(k) for k in index)
        _table = (records, index, longest)
        return _table


def eras() -> list[EraRecord]:
    """All rows of the reign table, in chronological order."""
    return list(_load()[0])


def eras_named(name: str) -> list[EraRecord]:
    """Rows whose era name (primary or alternate, either script) is ``name``."""
    return [r for r, _ in _load()[1].get(t2s_chars(unicodedata.normalize("NFKC", name)), [])]


# --------------------------------------------------------------------------- dynasties

@dataclass(frozen=True)
class _Dyn:
    label: str
    start: int
    end: int
    table: tuple[str, ...]
    main: bool


_dyn_cache: tuple[dict[str, _Dyn], int] | None = None


def _dynasties() -> tuple[dict[str, _Dyn], int]:
    global _dyn_cache
    if _dyn_cache is None:
        index: dict[str, _Dyn] = {}
        for d in dynasties():
            dyn = _Dyn(d.label, d.start, d.end, d.table_dynasties, d.main_sequence)
            for name in (d.label, d.simplified, *d.aliases):
                index.setdefault(t2s_chars(name), dyn)
        _dyn_cache = (index, max(len(k) for k in index))
    return _dyn_cache


def dynasty_of_year(year: int) -> str | None:
    """The main-sequence dynasty (秦 … 清, 民國; see census.json) holding Gregorian ``year``.

    At a boundary year that two conventional spans share (1127, 1368, 1644) the later
    dynasty is given; None before 秦 and after 民國's span.
    """
    index, _ = _dynasties()
    hits = sorted({d for d in index.values() if d.main and d.start <= year <= d.end},
                  key=lambda d: d.start)
    return hits[-1].label if hits else None


def _match_dynasty(s: str, pos: int) -> list[tuple[_Dyn, int]]:
    """Dynasties named at ``s[pos:]``, longest first, with the end position."""
    index, longest = _dynasties()
    out = []
    for length in range(min(longest, len(s) - pos), 0, -1):
        d = index.get(s[pos:pos + length])
        # 陳氏, 周氏, 吳氏: a one-character dynasty name followed by 氏 is a family name
        # (陳氏刻本 is a printing of the Chen family, not a 南朝陳 edition).
        if d is not None and not (length == 1 and s[pos + 1:pos + 2] == "氏"):
            out.append((d, pos + length))
    return out


def _match_era(s: str, pos: int) -> tuple[list[tuple[EraRecord, bool]], int] | None:
    """The longest era name at ``s[pos:]``: its candidate rows and the end position."""
    _, index, longest = _load()
    for length in range(min(longest, len(s) - pos), 1, -1):
        cands = index.get(s[pos:pos + length])
        if cands:
            return cands, pos + length
    return None


# --------------------------------------------------------------------------- tail grammar

_NUM = f"[{re.escape(_NUMERAL_CHARS)}]+"
_GZ = f"[{STEMS}][{BRANCHES}]"
_YEAR_RE = re.compile(rf"(元|{_NUM})年")
_GZ_RE = re.compile(rf"({_GZ})(?:年|岁)?")
_PAREN_RE = re.compile(r"[(\[]([^()\[\]]{1,12})[)\]]")
_RANGE_SEP = re.compile(r"至|到|[-–—~〜]")


@dataclass
class _YearSpec:
    number: int | None = None
    ganzhi: str | None = None
    gregorian: int | None = None


def _read_year(s: str, pos: int) -> tuple[_YearSpec, int] | None:
    """A year designation at ``s[pos:]`` (numeral年, 元年, or 干支) plus an optional
    parenthesis with another designation of the same year."""
    spec = _YearSpec()
    m = _YEAR_RE.match(s, pos)
    if m:
        spec.number = parse_chinese_numeral(m.group(1))
    else:
        m = _GZ_RE.match(s, pos)
        if not m:
            return None
        spec.ganzhi = m.group(1)
    end = m.end()
    p = _PAREN_RE.match(s, end)
    if p:
        inner = p.group(1)
        if re.fullmatch(r"\d{3,4}(?:年)?", inner):
            spec.gregorian = int(inner.rstrip("年"))
            end = p.end()
        else:
            sub = _read_year(inner.replace("即", "").replace("公元", ""), 0)
            if sub is not None:
                other = sub[0]
                if other.number is not None:
                    if spec.number is not None and spec.number != other.number:
                        raise ValueError(f"{m.group(0)} and ({inner}) are different years")
                    spec.number = other.number
                if other.ganzhi is not None:
                    if spec.ganzhi is not None and spec.ganzhi != other.ganzhi:
                        raise ValueError(f"{m.group(0)} and ({inner}) are different years")
                    spec.ganzhi = other.ganzhi
                end = p.end()
    return spec, end


def _resolve_year(rec: EraRecord, spec: _YearSpec, shown: str) -> list[int]:
    """Years of the era (numbers) fitting ``spec``; ValueError with the reason if none."""
    first, last = rec.first_year_number, rec.last_year_number()
    span = f"{rec.dynasty}{rec.era} {rec.start_year}–{rec.end_year}, {rec.length} years"
    if spec.number is not None:
        if not first <= spec.number <= last:
            raise ValueError(f"{shown}: {rec.era} has no year {spec.number} ({span})")
        numbers = [spec.number]
    else:
        numbers = list(range(first, last + 1))
    if spec.ganzhi is not None:
        want = spec.ganzhi
        fitting = [n for n in numbers if ganzhi_of_year(rec.gregorian(n)) == want]
        if not fitting:
            if spec.number is not None:
                got = ganzhi_of_year(rec.gregorian(spec.number))
                raise ValueError(f"{shown}: year {spec.number} of {rec.era} is {got}, not {want}")
            raise ValueError(f"{shown}: no {want} year in {rec.era} ({span})")
        numbers = fitting
    if spec.gregorian is not None:
        fitting = [n for n in numbers if rec.gregorian(n) == spec.gregorian]
        if not fitting:
            raise ValueError(f"{shown}: {spec.gregorian} is not that year of {rec.era} ({span})")
        numbers = fitting
    return numbers


# --------------------------------------------------------------------------- parser

_QUALIFIERS = ("中葉", "前期", "中期", "後期", "后期", "晚期", "末年", "初年", "初", "中", "末", "季")
_JIAN = ("年间", "间")


def _clean(text: str) -> str:
    """NFKC, no whitespace, all square-ish brackets as ``[]`` (round ones are ``()`` after NFKC)."""
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s)
    return s.replace("【", "[").replace("】", "]").replace("〔", "[").replace("〕", "]")


def _normalise(text: str) -> str:
    return t2s_chars(_clean(text))


def _strip_bracketed_dynasty(s: str) -> str:
    m = re.match(r"[(\[]([^()\[\]]{1,4})[)\]]", s)
    if m and any(end == len(m.group(1)) for _, end in _match_dynasty(m.group(1), 0)):
        return m.group(1) + s[m.end():]
    return s


def _prefer(rec: EraRecord) -> tuple[int, int, int]:
    book = rec.dynasty in _BOOK_DYNASTIES
    return (0 if book else 1, -rec.length, -rec.start_year)


def _date_in_era(text: str, s: str, pos: int, dyn: _Dyn | None, stated_dynasty: str | None,
                 cands: list[tuple[EraRecord, bool]], hint: str | None) -> EraResult:
    """Resolve the era candidates against the year designation after ``pos``."""
    notes: list[str] = []
    recs = [(r, p) for r, p in cands]
    if dyn is not None:
        recs = [(r, p) for r, p in recs if r.dynasty in dyn.table]
    elif hint is not None:
        hinted = _match_dynasty(_normalise(hint), 0)
        if hinted:
            table = hinted[0][0].table
            narrowed = [(r, p) for r, p in recs if r.dynasty in table]
            if narrowed:
                recs = narrowed
            else:
                notes.append(f"dynasty hint {hint} has no such era; ignored")
    if any(p for _, p in recs):
        recs = [(r, p) for r, p in recs if p]  # a primary name beats an alternate spelling
    records = [r for r, _ in recs]

    # What follows the era name.
    tail = s[pos:]
    results: list[EraResult] = []
    errors: list[str] = []
    qualifier: str | None = None
    try:
        first = _read_year(s, pos)
    except ValueError as exc:
        raise EraParseError(text, str(exc)) from None
    if first is None:
        for q in _JIAN:
            if tail.startswith(q):
                qualifier = "間"
                break
        else:
            for q in _QUALIFIERS:
                if tail.startswith(q):
                    qualifier = _normalise_qualifier(q)
                    break
        for rec in records:
            results.append(EraResult(
                text, stated_dynasty or rec.dynasty, rec.era, None, None,
                (rec.start_year, rec.end_year), "era", qualifier, rec.dynasty, rec.emperor))
    else:
        spec, end = first
        second: tuple[_YearSpec, int] | None = None
        sep = _RANGE_SEP.match(s, end)
        second_era: list[tuple[EraRecord, bool]] | None = None
        if sep:
            p2 = sep.end()
            m2 = _match_era(s, p2)
            if m2:
                second_era, p2 = m2
            try:
                second = _read_year(s, p2)
            except ValueError as exc:
                raise EraParseError(text, str(exc)) from None
        shown = records[0].era + s[pos:end] if records else s[pos:end]
        for rec in records:
            try:
                numbers = _resolve_year(rec, spec, shown)
            except ValueError as exc:
                errors.append(str(exc))
                continue
            if second is not None:
                rec2 = rec
                if second_era is not None:
                    same_dyn = [r for r, _ in second_era if r.dynasty == rec.dynasty]
                    if not same_dyn:
                        errors.append(f"the second era of the range is not of {rec.dynasty}")
                        continue
                    rec2 = same_dyn[0]
                try:
                    numbers2 = _resolve_year(rec2, second[0], s[end:second[1]])
                except ValueError as exc:
                    errors.append(str(exc))
                    continue
                y1, y2 = rec.gregorian(numbers[0]), rec2.gregorian(numbers2[-1])
                if y2 < y1:
                    errors.append(f"range runs backwards ({y1} to {y2})")
                    continue
                results.append(EraResult(
                    text, stated_dynasty or rec.dynasty, rec.era, None, None, (y1, y2), "range",
                    None, rec.dynasty, rec.emperor))
                continue
            for n in numbers:
                y = rec.gregorian(n)
                results.append(EraResult(
                    text, stated_dynasty or rec.dynasty, rec.era, n, ganzhi_of_year(y), (y, y),
                    "year", None, rec.dynasty, rec.emperor))
    if not results:
        if errors:
            raise EraParseError(text, "; ".join(dict.fromkeys(errors)))
        raise EraParseError(text, "no era of that name in the stated dynasty")
    results.sort(key=lambda r: _prefer(_record_of(r, records)))
    best = results[0]
    if len(results) > 1:
        notes.append(f"{len(results)} readings fit; choose one")
        best = replace(best, ambiguous=tuple(results), notes=tuple(notes))
    elif notes:
        best = replace(best, notes=tuple(notes))
    return best


def _record_of(result: EraResult, records: list[EraRecord]) -> EraRecord:
    for r in records:
        if r.era == result.era and r.dynasty == result.period_dynasty and r.emperor == result.emperor:
            return r
    return records[0]


def _normalise_qualifier(q: str) -> str:
    return {"后期": "後期", "末年": "末", "初年": "初", "季": "末"}.get(q, q)


def _dynasty_only(text: str, s: str, dyn: _Dyn, end: int, stated: str) -> EraResult:
    tail = s[end:]
    qualifier = None
    for q in _QUALIFIERS:
        if tail.startswith(q):
            qualifier = _normalise_qualifier(q)
            rest = tail[len(q):]
            nxt = _match_dynasty(rest, 0)
            if nxt and rest[nxt[0][1]:nxt[0][1] + 1] in ("初", "中"):
                d2, e2 = nxt[0]
                q2 = _normalise_qualifier(rest[e2:e2 + 1])
                return EraResult(
                    text, stated, None, None, None, (dyn.start, d2.end), "range",
                    f"{qualifier}{d2.label}{q2}", None, None,
                    (f"{stated}{qualifier}{d2.label}{q2}: span of both dynasties, not narrowed",))
            break
    note = (f"{stated}{qualifier}: the dynasty's span is not narrowed",) if qualifier else ()
    return EraResult(text, stated, None, None, None, (dyn.start, dyn.end), "dynasty",
                     qualifier, None, None, note)


def parse_era(text: str, *, dynasty_hint: str | None = None) -> EraResult:
    """Date an edition or date statement (see the module docstring for the grammar).

    ``dynasty_hint`` (e.g. the dynasty of the record's author) narrows a recurring era
    name when the statement names no dynasty; it is ignored when the statement names one
    or when no candidate fits it.

    Returns an :class:`EraResult`. Raises :class:`EraParseError` (a ``ValueError``) with a
    ``reason`` when the text is empty or not a ``str``, names no dynasty/era/Gregorian year
    at its start, names an era that is not of the stated dynasty, a year beyond the
    era's length, a sexagenary year the era does not contain, or contradictory years.
    """
    if not isinstance(text, str):
        raise EraParseError(repr(text), "not text")
    s = _normalise(text)
    if not s:
        raise EraParseError(text, "empty statement")

    # A Gregorian prefix, as the national database writes (1551芝城銅活字印本).
    m = re.match(r"(?:公元)?(\d{3,4})(?!\d)(?:年)?", s)
    if m:
        year = int(m.group(1))
        if not 100 <= year <= 2100:
            raise EraParseError(text, f"Gregorian year {year} out of range")
        rest = s[m.end():]
        inner: EraResult | None = None
        try:
            inner = parse_era(rest, dynasty_hint=dynasty_hint) if rest else None
        except EraParseError:
            inner = None  # the rest is publisher/edition text
        if inner is not None and inner.gregorian is not None:
            lo, hi = inner.gregorian
            if not lo <= year <= hi:
                raise EraParseError(text, f"Gregorian {year} contradicts {rest[:8]} ({lo}–{hi})")
            if inner.precision == "year":
                return replace(inner, text=text)
        dynasty = inner.dynasty if inner is not None else dynasty_of_year(year)
        return EraResult(text, dynasty, None, None, ganzhi_of_year(year), (year, year), "year",
                         None, None, None, ("Gregorian year stated",))

    s = _strip_bracketed_dynasty(s)
    contradiction: EraParseError | None = None
    # (a) dynasty + era
    for dyn, end in _match_dynasty(s, 0):
        era = _match_era(s, end)
        if era is None:
            continue
        cands, after = era
        stated = dyn.label
        if any(r.dynasty in dyn.table for r, _ in cands):
            return _date_in_era(text, s, after, dyn, stated, cands, None)
        where = ", ".join(sorted({f"{r.dynasty} {r.start_year}–{r.end_year}" for r, _ in cands}))
        contradiction = EraParseError(text, f"{cands[0][0].era} is not an era of {stated} (it is {where})")
    # (b) era alone
    era = _match_era(s, 0)
    if era is not None:
        cands, after = era
        return _date_in_era(text, s, after, None, None, cands, dynasty_hint)
    if contradiction is not None:
        raise contradiction
    # (c) dynasty alone
    for dyn, end in _match_dynasty(s, 0):
        return _dynasty_only(text, s, dyn, end, dyn.label)
    raise EraParseError(text, "no dynasty, reign period or Gregorian year at the start")
