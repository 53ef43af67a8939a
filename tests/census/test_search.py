"""Searching the register: folding, one-character queries, identifiers, ranking, filters, sort,
visibility, hostile input — the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from guji.app import Guji
from guji.census import search as search_mod
from guji.census.record import RecordData, SealData
from guji.census.search import SearchFilters
from guji.errors import ValidationError


def book(**kw: object) -> RecordData:
    base = dict(title="墨子十五卷", author_statement="（周）墨翟撰", edition_statement="清乾隆三十年武英殿刻本",
                volumes=4, call_number="善1001")
    base.update(kw)
    return RecordData(**base)  # type: ignore[arg-type]


@pytest.fixture
def register(any_org: dict[str, Guji]) -> dict[str, int]:
    """A small register in two institutions; returns record ids by name."""
    a, b = any_org["census_a"], any_org["census_b"]
    ids = {}
    ids["jinhua"] = a.census.register_book(book(
        title="［萬曆］金華府志三十卷", author_statement="（明）王懋德（明）陸鳳儀纂修",
        edition_statement="明萬曆六年刻本", volumes=12, call_number="ＳＢ１２３", grade="2B")).id
    ids["mozi"] = a.census.register_book(book(notes="書衣有題簽", grade="4")).id
    ids["zhenguan"] = a.census.register_book(book(
        title="貞觀政要十卷", author_statement="（唐）吳兢撰", edition_statement="明成化元年內府刻本",
        volumes=4, call_number="善2002", national_list_number="03832", grade="2A")).id
    # 墨子 only in the notes: must rank after the records with 墨子 in the title
    ids["notes_only"] = a.census.register_book(book(
        title="說文解字十五卷", author_statement="（漢）許慎撰", edition_statement="清同治十二年刻本",
        volumes=6, call_number="普3003", notes="與墨子合函", grade="4")).id
    ids["guangxu"] = b.census.register_book(book(
        title="吉林通志一百二十二卷", author_statement="（清）長順修", edition_statement="清光緒壬寅(二十八年)刊本",
        volumes=40, call_number="史4004", seals=[SealData("吉林省立圖書館藏書", None, "卷端")])).id
    ids["minguo"] = b.census.register_book(book(
        title="墨子閒詁十五卷", author_statement="（清）孫詒讓撰", edition_statement="民國二十年鉛印本",
        volumes=8, call_number="普5005")).id
    return ids


def found(app: Guji, q: str, f: SearchFilters | None = None, **kw: object) -> list[int]:
    return [r.id for r in app.search.search(q, f, **kw).rows]  # type: ignore[arg-type]


def test_traditional_and_simplified_find_the_same(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    assert found(c, "萬曆") == found(c, "万历") == [register["jinhua"]]
    assert found(c, "金华府志") == [register["jinhua"]]
    assert found(c, "光緒壬寅") == found(c, "光绪壬寅") == [register["guangxu"]]
    assert found(c, "吉林省立图书馆") == [register["guangxu"]]  # seal text


def test_full_and_half_width(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    assert found(c, "sb123") == found(c, "ＳＢ１２３") == found(c, "SB123") == [register["jinhua"]]


def test_one_character_queries(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    assert set(found(c, "墨")) == {register["mozi"], register["notes_only"], register["minguo"]}
    assert found(c, "詁") == found(c, "诂") == [register["minguo"]]
    assert found(c, "貞") == [register["zhenguan"]]


def test_census_number_call_number_and_list_number(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    jin = c.census.get_record(register["jinhua"]).census_number
    assert found(c, jin) == [register["jinhua"]]
    serial = jin.split("-")[-1]
    assert register["jinhua"] in found(c, serial)
    assert register["jinhua"] in found(c, serial.lstrip("0"))  # as printed on a label, without zeros
    assert found(c, "善2002") == [register["zhenguan"]]
    assert found(c, "03832") == [register["zhenguan"]]


def test_several_terms_all_must_match(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    assert found(c, "墨子 民國") == [register["minguo"]]
    assert found(c, "墨子 萬曆") == []


def test_title_matches_rank_before_other_fields(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    ids = found(c, "墨子")
    assert set(ids[:2]) == {register["mozi"], register["minguo"]}
    assert ids[-1] == register["notes_only"]


def test_filters(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    assert set(found(c, "", SearchFilters(dynasty="明"))) == {register["jinhua"], register["zhenguan"]}
    assert found(c, "刻本", SearchFilters(grade="2A")) == [register["zhenguan"]]
    assert set(found(c, "", SearchFilters(institution="220000-0101"))) == {register["guangxu"], register["minguo"]}
    assert found(c, "", SearchFilters(year_from=1900, year_to=1910)) == [register["guangxu"]]
    assert set(found(c, "", SearchFilters(year_from=1573, year_to=1620))) == {register["jinhua"]}
    assert found(c, "", SearchFilters(edition_type="鉛印本")) == [register["minguo"]]
    assert found(c, "", SearchFilters(state="submitted")) == []
    assert found(c, "墨子", SearchFilters(institution="210000-0999")) == []  # unknown institution: nothing


def test_sort_and_paging(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    by_year = c.search.search("", sort="year")
    years = [r.year_start for r in by_year.rows]
    assert years == sorted(years)
    desc = c.search.search("", sort="year", descending=True)
    assert next(r.id for r in desc.rows) == register["minguo"]
    numbers = [r.census_number for r in c.search.search("").rows]
    assert numbers == sorted(numbers)
    first = c.search.search("", limit=2)
    second = c.search.search("", limit=2, offset=2)
    assert first.total == second.total == 6 and not first.total_capped
    assert not {r.id for r in first.rows} & {r.id for r in second.rows}
    assert c.search.ids("", sort="title") == [r.id for r in c.search.search("", sort="title").rows]


def test_ids_and_rows(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    ids = c.search.ids("墨子", sort="rank")
    assert ids == found(c, "墨子")
    rows = c.search.rows(list(reversed(ids)))
    assert [r.id for r in rows] == list(reversed(ids))
    assert rows[0].institution_code in ("210000-0101", "220000-0101")
    assert c.search.rows([]) == []


def test_visibility(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    a, b, c = any_org["census_a"], any_org["census_b"], any_org["centre_reviewer"]
    assert set(found(b, "墨子")) == {register["minguo"]}
    assert set(b.search.ids("")) == {register["guangxu"], register["minguo"]}
    assert b.search.rows([register["jinhua"], register["minguo"]])[0].id == register["minguo"]
    assert len(b.search.rows([register["jinhua"]])) == 0
    assert set(a.search.ids("")) == {register["jinhua"], register["mozi"], register["zhenguan"], register["notes_only"]}
    assert len(c.search.ids("")) == 6
    assert b.search.search("").total == 2
    # a unit user filtering on another institution sees nothing of it
    assert found(b, "", SearchFilters(institution="210000-0101")) == []


HOSTILE = ['"', '""', 'AND', 'OR', 'NOT', '*', '墨*', 'title:墨子', '{title}: 墨', 'NEAR(墨 子)', '^墨', '墨子 AND',
           '-墨', "'", "墨'子", '%', '_', '\\', '墨%子', '（）', '　', '210000-0101-', '(', ')', ':', 'x" OR "y']


def test_fts_syntax_in_user_input_is_harmless(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    for q in HOSTILE:
        page = c.search.search(q)
        assert page.total == len(page.rows) <= 6, q
        assert c.search.ids(q, sort="rank") == [r.id for r in page.rows], q
    assert [r.id for r in c.search.search('墨*').rows] == found(c, "墨")  # the star is punctuation


def test_operators_are_searched_as_text(any_org: dict[str, Guji]) -> None:
    a = any_org["census_a"]
    rid = a.census.register_book(book(notes="AND 書 title: 跋")).id
    a.census.register_book(book(title="易經", call_number="x"))
    assert found(a, "AND") == [rid]
    assert found(a, "title:") == [rid]
    assert found(a, "%") == []


def test_wildcards_of_like_are_literal(any_org: dict[str, Guji]) -> None:
    a = any_org["census_a"]
    a.census.register_book(book(call_number="A_1"))
    b = a.census.register_book(book(call_number="AB1", title="周易"))
    assert b.id not in found(a, "a_1")


def test_bad_sort_and_bad_years_are_refused(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    c = any_org["centre_reviewer"]
    with pytest.raises(ValidationError):
        c.search.search("", sort="colour")
    with pytest.raises(ValidationError):
        c.search.ids("", SearchFilters(year_from=1900, year_to=1800))
    with pytest.raises(ValidationError):
        c.search.search("", limit=-1)


def test_huge_match_sets_rank_title_matches_first(any_org: dict[str, Guji], register: dict[str, int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the ranking threshold the page is built tier by tier (title matches first), with a capped count."""
    c = any_org["centre_reviewer"]
    exact = found(c, "墨子")
    monkeypatch.setattr(search_mod, "RANK_ALL_LIMIT", 1)
    monkeypatch.setattr(search_mod, "COUNT_CAP", 2)
    page = c.search.search("墨子")
    assert page.total_capped and page.total == 2
    ids = [r.id for r in page.rows]
    assert set(ids) == set(exact)
    assert ids[-1] == register["notes_only"]  # the notes match after every title match
    assert c.search.ids("墨子", sort="rank")[-1] == register["notes_only"]
    # paging through the tiers gives every match once
    pages = [r.id for off in range(4) for r in c.search.search("墨子", limit=1, offset=off).rows]
    assert sorted(pages) == sorted(exact)
    # with a filter
    assert found(c, "墨子", SearchFilters(institution="220000-0101")) == [register["minguo"]]


def test_same_results_on_both_databases(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    """Run on SQLite and PostgreSQL (any_org): the expected lists are the same literal values."""
    c = any_org["centre_reviewer"]
    names = {v: k for k, v in register.items()}
    assert [names[i] for i in found(c, "墨子")][2:] == ["notes_only"]
    assert [names[i] for i in found(c, "萬曆")] == ["jinhua"]
    assert [names[i] for i in c.search.ids("刻本")] == ["jinhua", "mozi", "zhenguan", "notes_only", "guangxu"]
    assert c.search.search("刻").total == 5


def _expected(app: Guji, ids: list[int], f: SearchFilters) -> set[int]:
    """Which of the records ``ids`` a filter must keep, worked out from their stored fields."""
    out = set()
    for rid in ids:
        v = app.census.get_record(rid)
        d = v.data
        checks = [
            f.dynasty is None or d.edition_dynasty == f.dynasty,
            f.edition_type is None or d.edition_type == f.edition_type,
            f.grade is None or d.grade == f.grade,
            f.damage_grade is None or d.damage_grade == f.damage_grade,
            f.state is None or v.state == f.state,
            f.institution is None or v.institution_code == f.institution,
            f.year_from is None or ((d.year_end if d.year_end is not None else d.year_start) is not None
            and (d.year_end if d.year_end is not None else d.year_start) >= f.year_from),  # type: ignore[operator]
            f.year_to is None or (d.year_start is not None and d.year_start <= f.year_to),
        ]
        if all(checks):
            out.add(rid)
    return out


def test_filters_find_what_the_records_say(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    """Each filter (facet tokens: inside FTS5 on SQLite, elements of search_grams on PostgreSQL;
    year bounds checked on the record) finds exactly the records whose fields say so — also
    without a query, and after the index was rebuilt from the stored records."""
    c = any_org["centre_reviewer"]
    every = c.search.ids("刻")  # 刻 is in every edition statement but the 鉛印本 and the 刊本
    filters = [SearchFilters(grade="2A"), SearchFilters(grade="4"), SearchFilters(institution="210000-0101"),
               SearchFilters(institution="220000-0101"), SearchFilters(dynasty="明"), SearchFilters(dynasty="清"),
               SearchFilters(edition_type="刻本"), SearchFilters(state="draft"), SearchFilters(state="submitted"),
               SearchFilters(year_from=1500, year_to=1910), SearchFilters(year_from=1578, year_to=1578),
               SearchFilters(year_from=1579, year_to=1764), SearchFilters(year_from=1766),
               SearchFilters(year_to=1600), SearchFilters(year_from=-500, year_to=2000),
               SearchFilters(dynasty="清", grade="4", year_from=1700)]
    everything = c.search.ids("")
    for rebuilt in (False, True):
        if rebuilt:
            from guji.census import search_index

            with any_org["admin"].db.write_session() as s:  # maintenance: the owner's connection
                search_index.rebuild(s.connection())
        for f in filters:
            assert set(found(c, "刻", f, limit=100)) == _expected(c, every, f), f
            assert c.search.search("刻", f).total == len(_expected(c, every, f)), f
            assert set(c.search.ids("", f)) == _expected(c, everything, f), f
        assert set(found(c, "刻本", SearchFilters(grade="2A"))) == {register["zhenguan"]}


def test_filters_follow_review_grading_and_damage(any_org: dict[str, Guji], register: dict[str, int]) -> None:
    """State, grade and damage grade are search facets: every action that changes them keeps them in step."""
    a, rev, c = any_org["census_a"], any_org["reviewer_a"], any_org["centre_reviewer"]
    mozi = register["mozi"]
    assert mozi in found(c, "墨子", SearchFilters(state="draft"))
    a.review.submit_for_review(mozi)
    assert mozi not in found(c, "墨子", SearchFilters(state="draft"))
    assert found(c, "墨子", SearchFilters(state="submitted")) == [mozi]
    rev.review.approve(mozi)
    assert found(c, "墨子", SearchFilters(state="unit_approved")) == [mozi]
    jinhua = register["jinhua"]
    assert found(c, "金華", SearchFilters(grade="2B")) == [jinhua]
    a.census.confirm_grade(jinhua, "3A")
    assert found(c, "金華", SearchFilters(grade="2B")) == []
    assert found(c, "金華", SearchFilters(grade="3A")) == [jinhua]
    with a.db.write_session() as s:  # the restoration service's call, in its transaction
        a.census.set_damage_grade(s, jinhua, "techan", note="test")
    assert found(c, "金華", SearchFilters(damage_grade="techan")) == [jinhua]
    # an edit that changes the dating moves the record between year facets
    d = a.census.get_record(jinhua).data
    d.edition_statement, d.year_start, d.year_end = "清乾隆三十年刻本", None, None
    d.edition_dynasty = d.edition_era = d.edition_year_of_era = d.edition_ganzhi = d.date_precision = None
    a.census.update_record(jinhua, d)
    assert found(c, "金華", SearchFilters(year_from=1765, year_to=1765)) == [jinhua]
    assert found(c, "金華", SearchFilters(year_from=1573, year_to=1620)) == []


def test_cli_census_search(org: dict[str, Guji], monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from guji.cli.main import main
    from tests.conftest import PASSWORD

    a = org["census_a"]
    a.census.register_book(book(title="［萬曆］金華府志三十卷", edition_statement="明萬曆六年刻本", call_number="善7"))
    a.census.register_book(book())
    url = str(a.db.url.database)
    monkeypatch.setenv("GUJI_PASSWORD", PASSWORD)
    base = ["--db", url, "--user", "centre.reviewer", "census", "search"]
    assert main(base + ["万历", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 1 and out["rows"][0]["title"] == "［萬曆］金華府志三十卷"
    assert main(base + ["", "--dynasty", "清", "--limit", "5"]) == 0
    captured = capsys.readouterr()
    assert "墨子十五卷" in captured.out and "1–1 of 1 records" in captured.err
    assert main(base + ["nothing-here"]) == 0
    assert "0 records" in capsys.readouterr().err
    # bad input: one line of error, exit 1
    assert main(base + ["墨", "--year-from", "1900", "--year-to", "1800"]) == 1
    assert "end year" in capsys.readouterr().err
    assert main(base + ["墨", "--limit", "-3"]) == 1
    assert main(base + ["墨", "--institution", "nonsense"]) == 1


def test_window_order_pages_every_match_once(any_org: dict[str, Guji], register: dict[str, int],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Huge match sets on PostgreSQL take title matches first within a window; paging stays exact."""
    c = any_org["centre_reviewer"]
    exact = sorted(c.search.ids("刻"))
    monkeypatch.setattr(search_mod, "RANK_ALL_LIMIT", 1)
    monkeypatch.setattr(search_mod, "WINDOW", 2)
    ordered = c.search.ids("刻", sort="rank")
    assert sorted(ordered) == exact
    pages = [r.id for off in range(6) for r in c.search.search("刻", limit=1, offset=off).rows]
    assert pages == ordered
    pages2 = [r.id for off in range(0, 6, 2) for r in c.search.search("刻", limit=2, offset=off).rows]
    assert pages2 == ordered
