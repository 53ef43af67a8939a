"""The shortcuts of the import's per-row work give exactly what the plain code gives."""

from __future__ import annotations

import json
from decimal import Decimal

from guji.census.bulk import _scalars, created_changes, created_changes_json
from guji.census.record import (
    SCALAR_FIELDS,
    AnnotationData,
    AuthorData,
    RecordData,
    SealData,
    check,
    juan_from_title,
    make_record_data,
)
from guji.census.search_keys import folded
from guji.text.fold import fold


def _record() -> RecordData:
    return RecordData(
        census_number="210000-0101-0000001", call_number='善"1\\', title="墨子十五卷", volumes=4,
        edition_statement="明萬曆刻本", frame_height_cm=Decimal("21.5"), frame_is_half=True,
        notes="第一行\n第二行\t<&>", authors=[AuthorData("墨翟", "周", "撰"), AuthorData("佚名")],
        seals=[SealData("汲古閣", None, "卷端")], annotations=[AnnotationData("（清）黃丕烈", "跋", None)],
        parent_census_number="210000-0101-0000002", free_text={"binding"})


def test_created_changes_json_is_json_dumps_of_created_changes() -> None:
    for d in (_record(), RecordData(title="x", volumes=1), check(_record()).data):
        assert created_changes_json(d, _scalars(d)) == json.dumps(created_changes(d, _scalars(d)))


def test_make_record_data_is_the_constructor() -> None:
    values = {name: getattr(_record(), name) for name in SCALAR_FIELDS}
    assert make_record_data(values) == RecordData(**values)
    assert make_record_data({}) == RecordData()
    a, b = make_record_data({}), make_record_data({})
    a.authors.append(AuthorData("x"))
    assert b.authors == [] and a.free_text is not b.free_text
    try:
        make_record_data({"no_such_field": 1})
    except TypeError:
        pass
    else:
        raise AssertionError("an unknown field must be refused, as by RecordData(**values)")


def test_cached_folds_and_juan_counts() -> None:
    for text in ("［萬曆］金華府志三十卷", "ＡＢＣ１２", "", "x" * 500):
        assert folded(text) == fold(text)
        assert folded(text) == fold(text)
    assert juan_from_title("墨子十五卷") == juan_from_title("墨子十五卷") == 15
    assert juan_from_title("史記一百三十卷" * 40) == 130 * 40
