#!/usr/bin/env python3
"""Derive ``resources/reign/reign_periods.csv`` from the DDBC Time Authority Database.

Source (CC BY-SA 3.0, see ``resources/reign/ATTRIBUTION.md``):
``shared/data/reign_periods/ddbc_authority_time_chinese.sql`` (the SQL dump) and
``shared/data/reign_periods/chinese_reign_periods_ddbc.csv`` (a one-row-per-era
extract of the same dump, used here only as a cross-check).

Why the dump and not only the CSV: the CSV gives the Gregorian (proleptic Julian
before 1582) year of an era's *first and last day*, but an edition statement
counts *Chinese years*. An era proclaimed in the 11th or 12th lunar month starts in
January of the next Gregorian year (北宋 太平興國 began 977-01-14 but 太平興國元年 is
976), and an era that ends in the first weeks of a Gregorian year ends in the previous
Chinese year (宣統 ends 1912-02-12, yet 宣統三年 = 1911). The dump's ``t_month`` rows
carry each month's ordinal year of the era and the year's sexagenary name (干支), so
every Chinese year can be pinned to the Gregorian year whose sexagenary index
``(Y - 4) mod 60`` matches: that is the year-level convention of the catalogues.

What the script does:

1. parses the INSERT statements of the dump (dynasty, emperor, era names; months);
2. maps every (era, year-of-era) to a Gregorian year via the year's 干支 and checks
   that the years of one era are consecutive;
3. merges the rows of an era that spans a change of emperor (DDBC has one era record
   per emperor: 開寶 under 太祖 and 太宗) — rows of one dynasty with the same era name
   whose year numbering lines up (same "year 0"); this also re-joins 洪武 with its
   proleptic 洪武三十五年 (1402) after 建文 was abolished;
4. files the two eras of 忽必烈 that DDBC lists under 蒙古 (中統, and 至元 up to its
   eighth year) under 元, as catalogues do (``元至元``), keeping 蒙古 as an alias;
5. drops the rows without an era name ("（無年號）"), which a statement cannot name;
6. extends 民國 (DDBC stops in 1912) to 1912–1949, 民國 N = 1911 + N;
7. checks that the Ming and Qing era lists are complete and in order, and compares
   each era's start with the CSV extract, printing every difference;
8. writes the CSV (UTF-8, traditional characters as in DDBC, simplified forms from
   OpenCC ``t2s`` on each whole name).

Run: ``python tools/build_reign_table.py [--shared ../shared/data] [--check]``.
``--check`` rebuilds in memory and exits non-zero if the committed file differs.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "reign" / "reign_periods.csv"

STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"

ZHO_HANT = 1  # c_languages id of traditional Chinese names

# DDBC marks "proleptic" months (status P): dates in an era's name after (or before) the
# era's legitimate time, e.g. 崇禎 carried on to 1895 by Joseon users. Such months are left
# out of the spans, except for 洪武: 永樂 abolished 建文 and officially counted 洪武三十二
# to 三十五年 (1399–1402), a dating that Ming documents and editions do use.
ALLOW_PROLEPTIC = {"洪武"}

# Eras that DDBC files under 蒙古 (dynasty id 122) but catalogues date as 元.
MONGOL_TO_YUAN = {"中統", "至元"}

MING_ERAS = ["洪武", "建文", "永樂", "洪熙", "宣德", "正統", "景泰", "天順", "成化", "弘治",
             "正德", "嘉靖", "隆慶", "萬曆", "泰昌", "天啟", "崇禎"]
QING_ERAS = ["天命", "天聰", "崇德", "順治", "康熙", "雍正", "乾隆", "嘉慶", "道光", "咸豐",
             "同治", "光緒", "宣統"]

KEEP_IN_SIMPLIFIED = {"乾"}

COLUMNS = [
    "dynasty", "dynasty_aliases", "dynasty_simplified",
    "era", "era_alternates", "era_simplified", "era_alternates_simplified",
    "emperor", "start_year", "end_year", "first_year_number",
    "start_date", "end_date", "status", "ddbc_era_ids",
]


# --------------------------------------------------------------------------- SQL parsing

_TUPLE = re.compile(r"\(((?:'(?:[^'\\]|\\.)*'|[^()'])*)\)")
_VALUE = re.compile(r"'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?)|(NULL)")


def _rows(sql: str, table: str) -> list[list[object]]:
    """All value tuples of ``INSERT INTO `table` VALUES ...`` lines, values as str/int/None."""
    prefix = f"INSERT INTO `{table}` VALUES "
    out: list[list[object]] = []
    for line in sql.splitlines():
        if not line.startswith(prefix):
            continue
        for tup in _TUPLE.finditer(line, len(prefix)):
            vals: list[object] = []
            for m in _VALUE.finditer(tup.group(1)):
                if m.group(1) is not None:
                    vals.append(m.group(1).replace("\\'", "'").replace("\\\\", "\\"))
                elif m.group(2) is not None:
                    vals.append(int(m.group(2)) if "." not in m.group(2) else float(m.group(2)))
                else:
                    vals.append(None)
            out.append(vals)
    return out


# --------------------------------------------------------------------------- calendar

GREGORIAN_START_JDN = 2299161  # 1582-10-15


def jdn_to_date(jdn: int) -> tuple[int, int, int]:
    """Julian day number -> (year, month, day), proleptic Julian before 1582-10-15, Gregorian after.

    Astronomical year numbering (year 0 = 1 BC), as the DDBC dump and CSV use.
    """
    if jdn >= GREGORIAN_START_JDN:
        a = jdn + 32044
        b = (4 * a + 3) // 146097
        c = a - 146097 * b // 4
    else:
        b = 0
        c = jdn + 32082
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    day = e - (153 * m + 2) // 5 + 1
    month = m + 3 - 12 * (m // 10)
    year = 100 * b + d - 4800 + m // 10
    return year, month, day


def iso(jdn: int) -> str:
    y, m, d = jdn_to_date(jdn)
    return f"{y}-{m:02d}-{d:02d}" if y >= 0 else f"-{-y:04d}-{m:02d}-{d:02d}"


def ganzhi_index(name: str) -> int:
    """Index 0..59 of a two-character sexagenary name (甲子 = 0)."""
    s, b = STEMS.index(name[0]), BRANCHES.index(name[1])
    for n in range(60):
        if n % 10 == s and n % 12 == b:
            return n
    raise ValueError(name)


def year_ganzhi_index(year: int) -> int:
    """Sexagenary index of (astronomical) Gregorian year ``year``: (Y - 4) mod 60."""
    return (year - 4) % 60


# --------------------------------------------------------------------------- model

@dataclass
class Era:
    ids: list[int]
    dynasty: str
    dynasty_aliases: list[str]
    names: list[str]                  # primary first, then alternates (DDBC ranking order)
    emperors: list[str]
    years: dict[int, int] = field(default_factory=dict)   # ordinal year -> Gregorian year
    first_jdn: int = 0
    last_jdn: int = 0
    statuses: set[str] = field(default_factory=set)

    @property
    def base(self) -> int:
        """Gregorian year of "year 0" of the era (year N = base + N)."""
        n = min(self.years)
        return self.years[n] - n


def _t2s():
    """OpenCC t2s on the whole name (phrase level: 乾隆 stays 乾隆, 萬曆 -> 万历).

    These columns are for display; the parser matches with its own character-level
    folding of both the traditional and the simplified names.
    """
    import opencc

    conv = opencc.OpenCC("t2s")

    def t2s(name: str) -> str:
        out = conv.convert(name)
        if len(out) != len(name):
            return out
        # OpenCC reads a lone 乾 as gān (干); in reign names it is always qián, which
        # simplified writing keeps as 乾 (乾德, 乾道, 乾隆).
        return "".join(t if t in KEEP_IN_SIMPLIFIED else s for t, s in zip(name, out, strict=True))

    return t2s


def load(sql_path: Path) -> tuple[list[Era], list[str]]:
    """Read the dump and return merged eras plus a list of warnings."""
    sql = sql_path.read_text(encoding="utf-8")
    warnings: list[str] = []

    dyn_names: dict[int, list[str]] = defaultdict(list)
    for did, name, _rank, lang in sorted(_rows(sql, "t_dynasty_names"), key=lambda r: (r[0], r[2])):
        if lang == ZHO_HANT:
            dyn_names[did].append(name)
    emp_dyn = dict(_rows(sql, "t_emperor"))
    emp_names: dict[int, list[str]] = defaultdict(list)
    for eid, name, _rank, _lang in sorted(_rows(sql, "t_emperor_names"), key=lambda r: (r[0], r[2])):
        emp_names[eid].append(name)
    era_emp = dict(_rows(sql, "t_era"))
    era_names: dict[int, list[str]] = defaultdict(list)
    for era_id, name, _rank, lang in sorted(_rows(sql, "t_era_names"), key=lambda r: (r[0], r[2])):
        if lang == ZHO_HANT:  # DDBC also carries Korean (hangul) readings: not edition text
            era_names[era_id].append(name)

    # months: (id, year, month, month_name, leap, era_id, first, last, ganzhi, start_from, status, eclipse)
    per_era_year: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)
    span: dict[int, list[int]] = {}
    statuses: dict[int, set[str]] = defaultdict(set)
    allowed_p = {era_id for era_id, name, rank, lang in _rows(sql, "t_era_names")
                 if rank == 0 and name in ALLOW_PROLEPTIC}
    for row in _rows(sql, "t_month"):
        _id, year, _m, _mn, _leap, era_id, first, last, gz, _sf, status, _ecl = row
        statuses[era_id].add(status)
        if status == "P" and era_id not in allowed_p:
            continue
        prev = per_era_year[era_id].get(year)
        if prev is None or first < prev[1]:
            if prev is not None and prev[0] != gz:
                warnings.append(f"era {era_id} year {year}: two sexagenary names {prev[0]}/{gz}")
            per_era_year[era_id][year] = (gz, first)
        s = span.setdefault(era_id, [first, last])
        s[0], s[1] = min(s[0], first), max(s[1], last)

    raw: list[Era] = []
    for era_id, emp_id in era_emp.items():
        names = era_names.get(era_id) or []
        if not names:
            warnings.append(f"era {era_id}: no names, skipped")
            continue
        if names[0].startswith("（"):  # （無年號）, （失年號）, （後元）: no era name to write
            continue
        if era_id not in per_era_year:
            warnings.append(f"era {era_id} {names[0]}: only proleptic months, skipped")
            continue
        did = emp_dyn[emp_id]
        dnames = dyn_names[did]
        dynasty, aliases = dnames[0], list(dnames[1:])
        if dynasty == "蒙古" and names[0] in MONGOL_TO_YUAN:
            dynasty, aliases = "元", ["大元", "蒙古"]
        era = Era([era_id], dynasty, aliases, list(names), [emp_names[emp_id][0]])
        for year, (gz, first) in sorted(per_era_year[era_id].items()):
            g = jdn_to_date(first)[0]
            want = ganzhi_index(gz)
            for cand in (g, g - 1, g + 1):
                if year_ganzhi_index(cand) == want:
                    era.years[year] = cand
                    break
            else:
                warnings.append(f"era {era_id} {names[0]} year {year}: {gz} not near {g}")
        era.first_jdn, era.last_jdn = span[era_id]
        era.statuses = statuses[era_id]
        bases = {g - n for n, g in era.years.items()}
        if len(bases) != 1:
            warnings.append(f"era {era_id} {names[0]}: year numbering not consecutive {sorted(bases)}")
        raw.append(era)

    # Merge rows of one era across emperors: same dynasty, same primary name, same year 0.
    merged: dict[tuple[str, str, int], Era] = {}
    for era in sorted(raw, key=lambda e: e.first_jdn):
        key = (era.dynasty, era.names[0], era.base)
        if key in merged:
            m = merged[key]
            m.ids += era.ids
            for e in era.emperors:
                if e not in m.emperors:
                    m.emperors.append(e)
            for n in era.names:
                if n not in m.names:
                    m.names.append(n)
            for a in era.dynasty_aliases:
                if a not in m.dynasty_aliases:
                    m.dynasty_aliases.append(a)
            m.years.update(era.years)
            m.first_jdn, m.last_jdn = min(m.first_jdn, era.first_jdn), max(m.last_jdn, era.last_jdn)
            m.statuses |= era.statuses
        else:
            merged[key] = era
    eras = sorted(merged.values(), key=lambda e: (e.first_jdn, e.ids[0]))
    return eras, warnings


def add_minguo(eras: list[Era]) -> None:
    """DDBC stops 民國 at 1912-02-17; the census needs 民國 1–38 (1912–1949), 民國 N = 1911 + N."""
    for e in eras:
        if e.dynasty == "民國" and e.names[0] == "民國":
            e.years.update({n: 1911 + n for n in range(1, 39)})
            e.names += [n for n in ("中華民國",) if n not in e.names]
            e.statuses.add("X")  # extended beyond the DDBC record
            return
    e = Era([], "民國", [], ["民國", "中華民國"], ["民國紀元"], {n: 1911 + n for n in range(1, 39)})
    e.statuses = {"X"}
    eras.append(e)


def check_complete(eras: list[Era]) -> list[str]:
    """Problems with the Ming and Qing era sequences (missing, out of order, gaps)."""
    problems: list[str] = []
    for dyn, expected in (("明", MING_ERAS), ("清", QING_ERAS)):
        # 天命/天聰 are 後金 in DDBC; catalogues date them 清 (後金) — accept either.
        got = [e for e in eras if e.dynasty == dyn or (dyn == "清" and e.dynasty == "後金")]
        names = [e.names[0] for e in got]
        if names != expected:
            problems.append(f"{dyn}: expected {expected}, got {names}")
        for a, b in itertools.pairwise(got):
            a_end, b_start = max(a.years.values()), min(b.years.values())
            if b_start not in (a_end, a_end + 1) and a.names[0] != "洪武":
                problems.append(f"{dyn}: gap/overlap {a.names[0]} {a_end} -> {b.names[0]} {b_start}")
    return problems


def compare_csv(eras: list[Era], csv_path: Path) -> list[str]:
    """Differences between the year-level spans derived here and the CSV extract."""
    diffs: list[str] = []
    by_id = {i: e for e in eras for i in e.ids}
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            e = by_id.get(int(row["era_id"]))
            if e is None:
                continue
            name = row["era_name"].split("|")[0]
            if name != e.names[0]:
                diffs.append(f"era {row['era_id']}: name {name} vs {e.names[0]}")
            # The CSV writes BC years historically (-1 = 1 BC) but its dates astronomically
            # (0 = 1 BC); this table uses astronomical years throughout.
            csv_year = int(row["start_year"])
            csv_year = csv_year + 1 if csv_year < 0 else csv_year
            if csv_year != jdn_to_date(int(row["start_jdn"]))[0]:
                diffs.append(f"era {row['era_id']}: CSV start_year does not match its start_jdn")
    # Year-level differences that matter to a parser: era start (元年) vs start date's year.
    for e in eras:
        if not e.ids:
            continue
        start_year_of_date = jdn_to_date(e.first_jdn)[0]
        if min(e.years.values()) != start_year_of_date and min(e.years) == 1:
            diffs.append(f"{e.dynasty} {e.names[0]}: 元年 = {min(e.years.values())}, "
                         f"but first day {iso(e.first_jdn)} (CSV start_year {start_year_of_date})")
    return diffs


def render(eras: list[Era]) -> str:
    t2s = _t2s()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in eras:
        first_n = min(e.years)
        status = "".join(sorted(e.statuses))
        w.writerow([
            e.dynasty, "|".join(e.dynasty_aliases), t2s(e.dynasty),
            e.names[0], "|".join(e.names[1:]), t2s(e.names[0]), "|".join(t2s(n) for n in e.names[1:]),
            "|".join(e.emperors), e.years[first_n], max(e.years.values()), first_n,
            iso(e.first_jdn) if e.ids else "1912-01-01",
            (iso(e.last_jdn) if e.ids and "X" not in e.statuses
             else ("1949-12-31" if not e.ids or "X" in e.statuses else "")),
            status, "|".join(str(i) for i in e.ids),
        ])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--check", action="store_true", help="compare with the committed table, write nothing")
    args = ap.parse_args(argv)
    src = args.shared / "reign_periods"
    eras, warnings = load(src / "ddbc_authority_time_chinese.sql")
    add_minguo(eras)
    for wmsg in warnings:
        print("warning:", wmsg, file=sys.stderr)
    problems = check_complete(eras)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    for d in compare_csv(eras, src / "chinese_reign_periods_ddbc.csv"):
        print("note:", d, file=sys.stderr)
    text = render(eras)
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else "DIFFERS", file=sys.stderr)
        return 0 if same and not problems else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(eras)} eras)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
