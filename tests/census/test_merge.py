"""Three-way merge of a census record (guji.census.merge): base, mine, theirs, field by field."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from guji.app import Guji
from guji.census.merge import (
    CONFLICT,
    MERGE_FIELDS,
    MINE,
    SAME,
    THEIRS,
    changed_fields,
    comparable,
    three_way,
)
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData, check
from guji.services.versions import StaleEdit


def book(**kw: object) -> RecordData:
    values: dict[str, object] = dict(title="墨子十五卷", author_statement="（戰國）墨翟撰",
                                     edition_statement="明萬曆刻本",
                                     volumes=4, call_number="善 101", binding="線裝")
    values.update(kw)
    return RecordData(**values)  # type: ignore[arg-type]


def stored(data: RecordData) -> RecordData:
    """What the service would store and hand back for ``data``."""
    return comparable(data)


def test_fields_only_one_side_changed_are_taken_from_that_side() -> None:
    base = stored(book())
    mine = replace(base, call_number="善 101A", notes="鈐印清晰")
    theirs = replace(base, volumes=6, extant="存卷一至十")
    m = three_way(base, mine, theirs)
    outcomes = {i.name: i.outcome for i in m.items}
    assert outcomes == {"call_number": MINE, "notes": MINE, "volumes": THEIRS, "extant": THEIRS}
    assert m.conflicts == ()
    out = m.result()
    assert (out.call_number, out.notes, out.volumes, out.extant) == ("善 101A", "鈐印清晰", 6, "存卷一至十")
    assert out.title == "墨子十五卷"
    assert check(out).ok


def test_both_changed_alike_is_no_conflict_and_differently_is_one() -> None:
    base = stored(book())
    mine = replace(base, title="墨子十五卷附錄一卷", call_number="善 9")
    theirs = replace(base, title="墨子十五卷附錄一卷", call_number="善 7")
    m = three_way(base, mine, theirs)
    assert m.item("title").outcome == SAME  # type: ignore[union-attr]
    item = m.item("call_number")
    assert item is not None and item.outcome == CONFLICT and item.conflict
    assert (item.base, item.mine, item.theirs) == ("善 101", "善 9", "善 7")
    with pytest.raises(ValueError, match="call_number"):
        m.result()  # a conflict must be settled
    with pytest.raises(ValueError, match="choose"):
        m.result({"call_number": "both"})
    assert m.result({"call_number": MINE}).call_number == "善 9"
    assert m.result({"call_number": THEIRS}).call_number == "善 7"
    assert m.result({"call_number": THEIRS}).title == "墨子十五卷附錄一卷"


def test_a_choice_may_override_a_one_sided_change() -> None:
    base = stored(book())
    m = three_way(base, replace(base, notes="我的附注"), base)
    assert m.result().notes == "我的附注"
    assert m.result({"notes": THEIRS}).notes is None


def test_values_are_compared_normalised() -> None:
    """What the editor holds as text equals the stored value: "4" is 4, 线装 is 線裝, spaces do not count."""
    base = stored(book(frame_height_cm=Decimal("20.5")))
    mine = book(volumes="4", binding="线装", title=" 墨子十五卷 ", frame_height_cm="20.50")
    assert changed_fields(base, mine) == []
    m = three_way(base, mine, replace(base, notes="補"))
    assert [i.name for i in m.items] == ["notes"]
    assert changed_fields(base, book(volumes="5", frame_height_cm="20.5")) == ["volumes"]


def test_child_lists_are_whole_fields() -> None:
    base = stored(book(seals=[SealData("汪士鐘印", "汪士鐘", "卷端")]))
    mine = replace(base, seals=[SealData("汪士鐘印", "汪士鐘", "卷端"), SealData("藝芸書舍", "汪士鐘", "卷末")])
    theirs = replace(base, annotations=[AnnotationData("黃丕烈", "跋", "卷末手跋一則")])
    m = three_way(base, mine, theirs)
    assert {i.name: i.outcome for i in m.items} == {"seals": MINE, "annotations": THEIRS}
    out = m.result()
    assert [s.text for s in out.seals] == ["汪士鐘印", "藝芸書舍"]
    assert out.annotations == [AnnotationData("黃丕烈", "跋", "卷末手跋一則")]
    # both edited the seals, differently: one conflict on the whole list (rows are not guessed at)
    theirs2 = replace(base, seals=[SealData("汪士鐘讀書", "汪士鐘", "卷端")])
    m2 = three_way(base, mine, theirs2)
    assert m2.item("seals").outcome == CONFLICT  # type: ignore[union-attr]
    assert [s.text for s in m2.result({"seals": THEIRS}).seals] == ["汪士鐘讀書"]
    # the result's lists are copies: changing them leaves the inputs alone
    got = m2.result({"seals": MINE})
    got.seals[0].text = "改"
    assert mine.seals[0].text == "汪士鐘印"


def test_authors_conflict_and_both_added_same() -> None:
    base = stored(book())
    assert base.authors == [AuthorData("墨翟", "戰國", "撰")]  # derived from the statement
    mine = replace(base, authors=[AuthorData("墨翟", "周", "撰")])
    theirs = replace(base, authors=[AuthorData("墨翟", "戰國", "著")])
    m = three_way(base, mine, theirs)
    assert m.item("authors").outcome == CONFLICT  # type: ignore[union-attr]
    assert m.result({"authors": MINE}).authors == [AuthorData("墨翟", "周", "撰")]
    same = three_way(base, mine, replace(theirs, authors=[AuthorData("墨翟", "周", "撰")]))
    assert same.item("authors").outcome == SAME  # type: ignore[union-attr]


def test_dating_follows_the_chosen_edition_statement() -> None:
    base = stored(book())
    assert base.year_start is not None and base.edition_era == "萬曆"
    # they re-dated the edition; I changed something else: their dating stays
    theirs = stored(replace(base, edition_statement="明嘉靖三年刻本", edition_dynasty=None, edition_era=None,
                            edition_year_of_era=None, year_start=None, year_end=None, date_precision=None))
    assert theirs.year_start == 1524
    out = three_way(base, replace(base, notes="補"), theirs).result()
    assert (out.edition_statement, out.year_start, out.edition_era) == ("明嘉靖三年刻本", 1524, "嘉靖")
    # my statement wins: the dating is left to be derived again, and check() dates it from mine
    mine = replace(base, edition_statement="清乾隆六十年刻本")
    m = three_way(base, mine, theirs)
    assert m.item("edition_statement").outcome == CONFLICT  # type: ignore[union-attr]
    out = m.result({"edition_statement": MINE})
    assert out.year_start is None and out.edition_era is None
    again = check(out).data
    assert (again.year_start, again.edition_era) == (1795, "乾隆")


def test_grade_is_never_merged() -> None:
    """The grade changes only by confirmation: the stored one is kept whatever the editor held."""
    base = stored(book(grade="3"))
    theirs = replace(base, grade="2A")
    m = three_way(base, replace(base, notes="補"), theirs)
    assert "grade" not in MERGE_FIELDS and m.item("grade") is None
    assert m.result().grade == "2A"


def test_free_text_travels_with_its_value() -> None:
    base = stored(book())
    mine = replace(base, binding="綫裝（新）", free_text={"binding"})
    m = three_way(base, mine, base)
    out = m.result()
    assert out.binding == "綫裝（新）" and out.free_text == {"binding"}
    assert check(out).ok  # kept as free text, not an error
    # theirs chosen: a listed term, no free-text marker left behind
    theirs = replace(base, binding="包背裝")
    out = three_way(base, mine, theirs).result({"binding": THEIRS})
    assert out.binding == "包背裝" and out.free_text == set()


def test_fields_limit_what_is_merged_and_unknown_names_are_refused() -> None:
    base = stored(book())
    mine = replace(base, notes="補", edition_subtype="套印本")
    m = three_way(base, mine, base, fields=["notes", "title"])
    assert [i.name for i in m.items] == ["notes"]
    assert m.result().edition_subtype is None  # not merged: stays as stored
    with pytest.raises(ValueError, match="not record items"):
        three_way(base, mine, base, fields=["notes", "colour"])
    with pytest.raises(ValueError, match="free_text"):
        changed_fields(base, mine, fields=["free_text"])


def test_inputs_are_not_changed() -> None:
    base = book(volumes="4")
    mine = book(volumes="5")
    theirs = book(volumes="4", notes="x")
    three_way(base, mine, theirs).result()
    assert (base.volumes, mine.volumes, base.authors) == ("4", "5", [])


def test_merged_record_saves_through_the_service(any_org: dict[str, Guji]) -> None:
    """Two clerks of one institution: the second save is refused as stale, the merge keeps both changes
    (SQLite and PostgreSQL)."""
    from tests.conftest import PASSWORD

    org = any_org
    org["admin"].users.add_user("census.a2", PASSWORD, ["census"], institution="210000-0101", full_name="王二")
    me, other = org["census_a"], Guji.sign_in(org["admin"].db, "census.a2", PASSWORD)
    rid = me.census.register_book(book()).id
    loaded = me.census.get_record(rid)
    other_view = other.census.get_record(rid)
    other.census.update_record(rid, replace(other_view.data, volumes=6), expected_version=other_view.version)
    mine = replace(loaded.data, call_number="善 101A")
    with pytest.raises(StaleEdit) as err:
        me.census.update_record(rid, mine, expected_version=loaded.version)
    assert err.value.who == "王二（census.a2）" and "王二" in str(err.value)
    now = me.census.get_record(rid)
    assert now.data.call_number == "善 101"  # nothing written
    merged = three_way(loaded.data, mine, now.data).result()
    me.census.update_record(rid, merged, expected_version=now.version)
    final = me.census.get_record(rid).data
    assert (final.call_number, final.volumes) == ("善 101A", 6)
    last = me.census.history(rid)[0]
    assert last.login == "census.a" and last.changes == {"call_number": ["善 101", "善 101A"]}
