"""版式/行款 parsing (guji.census.leaf_format) on real catalogue statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guji.census.leaf_format import LeafFormatError, YuWei, parse_leaf_format

DATA = Path(__file__).parent / "data" / "physical_description_examples.txt"


def statements() -> list[tuple[str, str]]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        stmt, where = line.split("\t")
        out.append((stmt, where))
    return out


# Expected fields for every line of the shared example file, in file order.
EXPECTED = [
    dict(lines_per_half_leaf=10, chars_per_line=20, banko="白口", border="四周雙邊",
         yuwei=[("單", "黑", None, None)]),
    dict(lines_per_half_leaf=10, chars_per_line=22),
    dict(lines_per_half_leaf=10, chars_per_line=22, banko="白口", border="四周雙邊"),
    dict(lines_per_half_leaf=9, chars_per_line=21, border="四周雙邊", commentary_double=True,
         frame=(25.3, 17.5, "匡郭"), other_sizes_cm=[(34.7, 22.5)], yuwei=[("雙", "花", None, "上下")]),
    dict(border="四周雙邊", yuwei=[("單", "黑", None, "上")], other_sizes_cm=[(25.7, 15.5)],
         unparsed=["10卷10冊:圖"]),
    dict(lines_per_half_leaf=10, chars_per_line=20, border="四周雙邊", commentary_double=True,
         frame=(22.5, 15.2, "半郭"), bordered_columns=True, yuwei=[("雙", "黑", "內向", "上下")]),
    dict(lines_per_half_leaf=11, chars_per_line=20, border="四周雙邊", commentary_double=True,
         frame=(19.9, 15.3, "半郭"), other_sizes_cm=[(31.0, 20.0)], yuwei=[("雙", "花", None, "上下")],
         unparsed=["34卷6冊", "線裝", "楮紙"]),
    dict(lines_per_half_leaf=13, chars_per_line=23, commentary_double=True, commentary_same=True,
         banko="黑口", border="四周雙邊", frame=(20.5, 12.4, "框")),
]


def test_example_file_kept_with_its_header():
    text = DATA.read_text(encoding="utf-8")
    assert text.startswith("# Real 版式/行款")
    assert len(statements()) == len(EXPECTED)


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_every_example_line(index):
    stmt, _ = statements()[index]
    exp = EXPECTED[index]
    lf = parse_leaf_format(stmt)
    for key in ("lines_per_half_leaf", "chars_per_line", "banko", "border", "commentary_double",
                "commentary_same", "bordered_columns"):
        assert getattr(lf, key) == exp.get(key), key
    if "frame" in exp:
        assert (lf.frame_height_cm, lf.frame_width_cm, lf.frame_label) == exp["frame"]
    else:
        assert lf.frame_height_cm is None
    assert lf.other_sizes_cm == exp.get("other_sizes_cm", [])
    assert [(y.count, y.colour, y.arrangement, y.position) for y in lf.yuwei] == exp.get("yuwei", [])
    assert lf.unparsed == exp.get("unparsed", [])
    json.dumps(lf.to_dict(), ensure_ascii=False)


def test_dimensions_quoted_in_the_example_file():
    lf = parse_leaf_format("框高21.5公分，寬15公分")
    assert (lf.frame_height_cm, lf.frame_width_cm) == (21.5, 15.0)


def test_petals_of_patterned_fishtail():
    lf = parse_leaf_format("上下3葉花紋魚尾")
    assert lf.yuwei == [YuWei("雙", "花", None, "上下", 3, "上下3葉花紋魚尾")]


@pytest.mark.parametrize(
    "text, field, value",
    [
        ("半葉九行行二十一二字", "chars_per_line_max", 22),
        ("半葉九行行二十一二字", "chars_per_line", 21),
        ("每半叶十行，每行二十字至二十二字", "chars_per_line_max", 22),
        ("行字不等", "chars_irregular", True),
        ("小字雙行字數同", "commentary_same", True),
        ("小字雙行行二十五字", "commentary_chars_per_line", 25),
        ("小字單行", "commentary_double", False),
        ("大黑口", "banko", "大黑口"),
        ("小黑口", "banko", "細黑口"),
        ("细黑口", "banko", "細黑口"),
        ("花口", "banko", "花口"),
        ("四周單邊", "border", "四周單邊"),
        ("左右双边", "border", "左右雙邊"),
        ("左右雙欄", "border", "左右雙邊"),
        ("花欄", "border", "花欄"),
        ("竹節欄", "border", "竹節欄"),
        ("無界", "bordered_columns", False),
        ("有界", "bordered_columns", True),
        ("書耳", "shu_er", True),
        ("版框 21.5 x 15 cm", "frame_height_cm", 21.5),
        ("半框 215×150mm", "frame_width_cm", 15.0),
        ("框高 21.5 X 寬 15.0", "frame_height_cm", 21.5),
        ("半框205×124", "frame_height_cm", 20.5),  # no unit, above 80: millimetres
        ("框高二十一點五", "frame_height_cm", None),  # Chinese-numeral sizes are not read
    ],
)
def test_variants(text, field, value):
    assert getattr(parse_leaf_format(text), field) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("雙對黑魚尾", ("雙", "黑", "對", None)),
        ("單白魚尾", ("單", "白", None, None)),
        ("雙順黑魚尾", ("雙", "黑", "順", None)),
        ("線魚尾", (None, "線", None, None)),
        ("三魚尾", ("三", None, None, None)),
        ("双对黑鱼尾", ("雙", "黑", "對", None)),
    ],
)
def test_fishtails(text, expected):
    (y,) = parse_leaf_format(text).yuwei
    assert (y.count, y.colour, y.arrangement, y.position) == expected


def test_unrecognised_text_is_returned_not_lost():
    lf = parse_leaf_format("朱墨套印，有圖")
    assert lf.unparsed == ["朱墨套印", "有圖"]


@pytest.mark.parametrize("bad", ["", "   ", None, 12])
def test_bad_input(bad):
    with pytest.raises(LeafFormatError):
        parse_leaf_format(bad)  # type: ignore[arg-type]
