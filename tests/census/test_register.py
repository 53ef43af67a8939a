"""Registering and editing records: validation, numbers, permissions, audit, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from guji.app import Guji
from guji.census.models import CensusRecord, RecordSeal
from guji.census.record import AnnotationData, AuthorData, RecordData, SealData
from guji.errors import Conflict, NotFound, PermissionDenied, ValidationError
from guji.models import AuditEntry
from guji.services.versions import StaleEdit


def book(**kw: object) -> RecordData:
    base = dict(title="墨子十五卷", author_statement="（周）墨翟撰", edition_statement="清乾隆三十年武英殿刻本",
                volumes=4, call_number="善1001")
    base.update(kw)
    return RecordData(**base)  # type: ignore[arg-type]


def counts(app: Guji) -> tuple[int, int, int]:
    with app.db.read_session() as s:
        return (s.scalar(select(func.count()).select_from(CensusRecord)) or 0,
                s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
                s.scalar(select(func.count()).select_from(RecordSeal)) or 0)


def test_register_fills_derived_items(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    r = app.census.register_book(book(
        title="［萬曆］金華府志三十卷", author_statement="（明）王懋德（明）陸鳳儀纂修", edition_statement="明萬曆刻本",
        volumes=12, extant="存卷十六至十九", layout_statement="半葉十行行二十字，白口，四周雙邊，單黑魚尾",
        seals=[SealData("天一閣", "范欽", "卷端")], annotations=[AnnotationData("黃丕烈", "跋", "卷末手跋")]))
    assert r.census_number == "210000-0101-0000001"
    v = app.census.get_record(r.id)
    d = v.data
    assert (d.edition_dynasty, d.edition_era, d.year_start, d.year_end, d.date_precision) == (
        "明", "萬曆", 1573, 1620, "era")
    assert d.juan_count == 30 and d.edition_type == "刻本"
    assert [(a.dynasty, a.name, a.mode) for a in d.authors] == [("明", "王懋德", "纂修"), ("明", "陸鳳儀", "纂修")]
    assert (d.lines_per_half_leaf, d.chars_per_line, d.banko, d.border) == (10, 20, "白口", "四周雙邊")
    assert d.title == "［萬曆］金華府志三十卷"  # stored as entered
    assert v.state == "draft" and v.institution_code == "210000-0101"


def test_serials_run_on_and_keep_imported_numbers(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    assert app.census.register_book(book()).census_number == "210000-0101-0000001"
    assert app.census.register_book(book(census_number="210000-0101-0010283")).census_number == "210000-0101-0010283"
    assert app.census.register_book(book(call_number="x")).census_number == "210000-0101-0010284"
    assert app.census.next_census_number() == "210000-0101-0010285"


def test_deleted_numbers_are_never_reused(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    a = app.census.register_book(book())
    b = app.census.register_book(book(call_number="2"))
    app.census.delete_record(b.id)
    app.census.delete_record(a.id)
    assert app.census.register_book(book()).census_number == "210000-0101-0000003"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"title": ""}, "title", "required"),
        ({"edition_statement": None}, "edition_statement", "required"),
        ({"volumes": 0}, "volumes", "positive"),
        ({"volumes": -2}, "volumes", "positive"),
        ({"volumes": "三冊?"}, "volumes", "whole number"),
        ({"volumes": 2.5}, "volumes", "whole number"),
        ({"extant": "存卷十六至十九"}, "extant", "15 juan"),
        ({"frame_height_cm": "70"}, "frame_height_cm", "plausible"),
        ({"frame_width_cm": "4.9"}, "frame_width_cm", "plausible"),
        ({"binding": "麻布裝"}, "binding", "not in the list"),
        ({"grade": "五級"}, "grade", "not a known"),
        ({"census_number": "210000-0101-12"}, "census_number", ""),
        ({"census_number": "220000-0101-0000001"}, "census_number", "not to the holding institution"),
        ({"national_list_number": "3832"}, "national_list_number", "5 digits"),
        ({"seals": [SealData("")]}, "seals", "no text"),
        ({"authors": [AuthorData("")]}, "authors", "no name"),
        ({"class_branch": "jing", "class_category": "shi.dili"}, "class_category", "does not belong"),
        ({"call_number": "善" * 101}, "call_number", "too long: 101 characters, at most 100"),
        ({"publisher": "堂" * 201}, "publisher", "at most 200"),
        ({"seals": [SealData("印" * 201)]}, "seals", "seal 1: text is too long"),
        ({"authors": [AuthorData("王", "明" * 21)]}, "authors", "dynasty is too long"),
    ],
)
def test_invalid_records_are_refused_and_nothing_is_written(org: dict[str, Guji], changes: dict[str, object],
                                                            field: str, message: str) -> None:
    app = org["census_a"]
    before = counts(app)
    with pytest.raises(ValidationError) as err:
        app.census.register_book(book(**changes))
    assert field in err.value.fields
    assert message in str(err.value)
    assert counts(app) == before


def test_free_text_override_is_a_warning(org: dict[str, Guji]) -> None:
    r = org["census_a"].census.register_book(book(binding="麻布裝", free_text={"binding"}))
    assert any(w.field == "binding" for w in r.warnings)
    assert org["census_a"].census.get_record(r.id).data.binding == "麻布裝"


def test_vocabulary_accepts_simplified_and_stores_traditional(org: dict[str, Guji]) -> None:
    r = org["census_a"].census.register_book(book(binding="线装", border="四周双边"))
    d = org["census_a"].census.get_record(r.id).data
    assert (d.binding, d.border) == ("線裝", "四周雙邊")


def test_full_width_and_text_numbers(org: dict[str, Guji]) -> None:
    r = org["census_a"].census.register_book(book(volumes="４", frame_height_cm="２１.５", census_number="２１００００"
                                                                                                         "－０１０１－"
                                                                                                         "００００００５"))
    d = org["census_a"].census.get_record(r.id).data
    assert d.volumes == 4 and d.frame_height_cm == Decimal("21.5") and d.census_number == "210000-0101-0000005"


def test_duplicate_census_number_refused(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    app.census.register_book(book(census_number="210000-0101-0000007"))
    before = counts(app)
    with pytest.raises(ValidationError, match="already registered"):
        app.census.register_book(book(census_number="210000-0101-0000007", title="別書"))
    assert counts(app) == before


def test_likely_duplicate_is_warned_not_refused(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    first = app.census.register_book(book())
    second = app.census.register_book(book(title="墨子 十五卷", call_number="善1002"))  # same folded title + edition
    assert any("likely duplicate" in w.message and first.census_number in w.message for w in second.warnings)


def test_census_staff_edit_only_their_own_institution(org: dict[str, Guji]) -> None:
    r = org["census_a"].census.register_book(book())
    before = counts(org["admin"])
    with pytest.raises(PermissionDenied):
        org["census_b"].census.register_book(book(), institution="210000-0101")
    with pytest.raises(PermissionDenied):
        org["census_b"].census.update_record(r.id, book(title="改"))
    with pytest.raises(PermissionDenied):
        org["census_b"].census.delete_record(r.id)
    for role in ("reviewer_a", "restorer_a", "centre_reviewer"):
        with pytest.raises(PermissionDenied):
            org[role].census.register_book(book(), institution="210000-0101")
    assert counts(org["admin"]) == before
    assert org["census_a"].census.get_record(r.id).data.title == "墨子十五卷"


def test_units_do_not_see_each_others_records(org: dict[str, Guji]) -> None:
    r = org["census_a"].census.register_book(book())
    with pytest.raises(PermissionDenied):
        org["census_b"].census.get_record(r.id)
    assert org["centre_reviewer"].census.get_record(r.id).census_number == r.census_number
    assert org["census_b"].search.search("墨子").total == 0
    assert org["centre_reviewer"].search.search("墨子").total == 1


def test_update_is_audited_field_by_field(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    r = app.census.register_book(book())
    v = app.census.get_record(r.id)
    data = v.data
    data.volumes = 6
    data.seals = [SealData("汲古閣", "毛晉")]
    app.census.update_record(r.id, data, expected_version=v.version)
    row = app.census.history(r.id)[0]
    assert row.action == "update" and row.login == "census.a"
    assert row.changes["volumes"] == [4, 6]
    assert row.changes["seals"] == [[], [{"text": "汲古閣", "owner": "毛晉", "position": None}]]
    assert set(row.changes) == {"volumes", "seals"}


def test_stale_edit_is_refused(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    r = app.census.register_book(book())
    v = app.census.get_record(r.id)
    org["census_a"].census.update_record(r.id, book(volumes=5), expected_version=v.version)
    with pytest.raises(StaleEdit) as err:
        app.census.update_record(r.id, book(volumes=9), expected_version=v.version)
    # The message says who changed the record and when; nothing was written.
    assert err.value.key == "edit.stale" and "census.a" in str(err.value)
    assert err.value.who is not None and err.value.when is not None
    assert err.value.current_version > v.version
    assert app.census.get_record(r.id).data.volumes == 5


def test_invalid_update_leaves_the_record_as_it_was(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    r = app.census.register_book(book(seals=[SealData("天一閣")]))
    before = counts(app)
    with pytest.raises(ValidationError):
        app.census.update_record(r.id, book(volumes=0, seals=[]))
    assert counts(app) == before
    assert app.census.get_record(r.id).data.seals[0].text == "天一閣"


def test_parent_and_child_links(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    parent = app.census.register_book(book(title="津逮秘書十五集", edition_statement="明崇禎毛氏汲古閣刻"
                                                                                     "本", volumes=100))
    child = app.census.register_book(book(title="詩品三卷", parent_census_number=parent.census_number))
    assert app.census.get_record(parent.id).children == ((child.id, child.census_number, "詩品三卷"),)
    assert app.census.get_record(child.id).data.parent_census_number == parent.census_number
    with pytest.raises(ValidationError, match="no record"):
        app.census.register_book(book(parent_census_number="210000-0101-0999999"))
    with pytest.raises(Conflict, match="子目"):
        app.census.delete_record(parent.id)


def test_grade_is_suggested_then_confirmed(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    r = app.census.register_book(book(edition_statement="明成化元年內府刻本"))
    suggestion = app.census.suggest_grade(r.id)
    assert suggestion.confirmed is False
    assert suggestion.level == 2
    assert app.census.get_record(r.id).data.grade is None  # never stored by itself
    app.census.confirm_grade(r.id, "2A")
    assert app.census.get_record(r.id).data.grade == "2A"
    assert app.census.history(r.id)[0].action == "confirm_grade"


def test_missing_record(org: dict[str, Guji]) -> None:
    with pytest.raises(NotFound):
        org["census_a"].census.get_record(99999)


def test_text_is_stored_as_entered_and_found_folded(org: dict[str, Guji]) -> None:
    app = org["census_a"]
    app.census.register_book(book(title="［萬曆］金華府志三十卷", edition_statement="明萬曆刻本"))
    assert app.search.search("万历").rows[0].title == "［萬曆］金華府志三十卷"
    assert app.search.search("金华府").total == 1
    assert app.search.search("ＢＯＯＫ").total == 0


def test_too_long_values_are_field_errors_on_both_databases(any_org: dict[str, Guji]) -> None:
    """PostgreSQL refuses text longer than its column, SQLite keeps it: both refuse it as a field error first."""
    app = any_org["census_a"]
    before = counts(app)
    with pytest.raises(ValidationError) as err:
        app.census.register_book(book(call_number="善" * 101, seals=[SealData("印" * 201)]))
    assert set(err.value.fields) == {"call_number", "seals"}
    assert counts(app) == before


def test_history_of_a_record_is_not_that_of_a_deleted_one_with_its_id(any_org: dict[str, Guji]) -> None:
    """SQLite hands the id of a deleted newest record to the next one: its history starts at its own creation."""
    app = any_org["census_a"]
    old = app.census.register_book(book(title="舊題十卷"))
    app.census.delete_record(old.id)
    new = app.census.register_book(book(title="新題十卷"))
    actions = [h.action for h in app.census.history(new.id)]
    assert actions == ["create"]
    assert app.census.history(new.id)[0].changes["title"][1] == "新題十卷"
    if app.db.is_sqlite:
        assert new.id == old.id  # the case this guards against
