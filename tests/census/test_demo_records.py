"""The demo record generator: deterministic, valid, realistic; seeding through the services."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from guji.app import Guji
from guji.census import vocab
from guji.census.demo_records import generate, seed_records
from guji.census.era import parse_era
from guji.census.numbers import parse_census_number
from guji.census.record import check

INSTS = ["210000-0101", "220000-0101"]


def test_same_seed_same_records_other_seed_other_records() -> None:
    a = [r.to_dict() for r in generate(200, 5, INSTS)]
    b = [r.to_dict() for r in generate(200, 5, INSTS)]
    c = [r.to_dict() for r in generate(200, 6, INSTS)]
    assert a == b
    assert a != c


def test_every_generated_record_passes_validation() -> None:
    warnings: Counter[str] = Counter()
    for d in generate(2000, 11, INSTS):
        region, unit = d.census_number.split("-")[:2]  # type: ignore[union-attr]
        checked = check(d, region_code=region, unit_code=unit)
        assert checked.errors == [], (d.title, d.edition_statement, checked.errors)
        for w in checked.warnings:
            warnings[w.field] += 1
        # the derived items the generator filled in are those check() would derive from the statements
        era = parse_era(d.edition_statement)  # type: ignore[arg-type]
        assert not era.is_ambiguous, d.edition_statement
        assert era.gregorian == (d.year_start, d.year_end), d.edition_statement
        assert checked.data.juan_count == d.juan_count
    # only pre-Qin/後秦 author dynasties are outside the dynasty list (周 is what catalogues print)
    assert set(warnings) <= {"authors"}


def test_records_look_like_a_register() -> None:
    recs = list(generate(3000, 1, INSTS))
    numbers = [r.census_number for r in recs]
    assert len(set(numbers)) == len(numbers)
    assert all(parse_census_number(n) for n in numbers)  # type: ignore[arg-type]
    # per institution, serials run from 1 without gaps
    for inst in INSTS:
        serials = sorted(int(n[-7:]) for n in numbers if n.startswith(inst))  # type: ignore[union-attr]
        assert serials == list(range(1, len(serials) + 1))
    titles = [r.title or "" for r in recs]
    assert any(re.match(r"［(萬曆|康熙|乾隆|光緒|嘉靖|民國)］.+志.+卷$", t) for t in titles)
    assert any(t.startswith(("禮記注疏", "周易注疏", "毛詩注疏")) for t in titles)
    assert any("氏宗譜" in t or "氏族譜" in t for t in titles)
    editions = [r.edition_statement or "" for r in recs]
    assert any(re.match(r"明萬曆.+年.+刻本$", e) for e in editions)
    assert any(re.match(r"清光緒(甲|乙|丙|丁|戊|己|庚|辛|壬|癸).\(.+年\)", e) for e in editions)
    assert any(re.match(r"民國.+年.*鉛印本$", e) for e in editions)
    assert any(re.match(r"1\d{3}(芝城|錫山)銅活字印本$", e) for e in editions)
    assert any(re.match(r"（[明清]）.+（[明清]）.+纂修$", r.author_statement or "") for r in recs)
    # classification codes exist and 類 sits under 部
    for r in recs[:500]:
        for code in (r.class_branch, r.class_category, r.class_subcategory):
            if code:
                assert vocab.entry("classification", code) is not None, code
    grades = Counter(r.grade for r in recs)
    assert grades["4"] > grades["2A"] + grades["2B"] + grades["2C"] > 0  # ordinary books dominate
    assert grades.get("1A", 0) + grades.get("1B", 0) < len(recs) * 0.03
    assert sum(1 for r in recs if r.seals) > len(recs) // 3
    assert sum(1 for r in recs if r.extant) > 0


def test_generate_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        list(generate(-1, 1, INSTS))
    with pytest.raises(ValueError):
        list(generate(1, 1, []))


def test_seed_records_through_the_services(org: dict[str, Guji]) -> None:
    admin = org["admin"]
    summary = seed_records(admin, ["210000-0101", "220000-0101"], count=40, seed=3)
    assert summary["records"] == 40
    page = admin.search.search("", limit=100)
    assert page.total == 40
    # no demo staff in this database: the administrator registers, nobody reviews
    assert {r.state for r in page.rows} == {"draft"}
    # audit rows were written by the service
    assert admin.census.history(page.rows[0].id)


def test_demo_database_has_records_in_every_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from guji.demo import create_demo_database

    app = create_demo_database(str(tmp_path / "demo.sqlite3"), records=60)
    rows = app.search.rows(app.search.ids(""))
    assert len(rows) == 60
    states = Counter(r.state for r in rows)
    assert states["draft"] and states["submitted"] and states["centre_approved"]
    assert {r.institution_code for r in rows} <= {"210000-9101", "210000-9201", "220000-9101"}
