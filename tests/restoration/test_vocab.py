"""The shipped restoration vocabulary and its loader."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from restoration.errors import FieldError, RestorationError
from restoration.vocab import REQUIRED_CATEGORIES, default_vocab, load_vocab, parse_vocab

SHIPPED = Path(__file__).resolve().parents[2] / "resources" / "vocab" / "restoration.json"


def _raw() -> dict[str, Any]:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def test_shipped_vocab_loads_with_all_categories() -> None:
    vocab = default_vocab()
    for name in REQUIRED_CATEGORIES:
        assert vocab.terms(name), name


def test_damage_types_cover_the_domain_list() -> None:
    vocab = default_vocab()
    labels = {t.zh for t in vocab.terms("damage_types")}
    for zh in ["酸化", "老化/脆化", "霉蚀", "虫蛀", "鼠啮", "絮化", "粘连/书砖", "残缺", "烬毁",
               "线断", "撕裂", "水渍", "污渍", "变形"]:
        assert zh in labels, zh
    assert vocab.get("damage_types", "loss").extra["metric"] == "percent"
    assert vocab.get("damage_types", "tear").extra["metric"] == "count"
    assert vocab.label("damage_types", "mould", "en") == "Mould"


def test_operations_cover_the_domain_list() -> None:
    labels = {t.zh for t in default_vocab().terms("operations")}
    for zh in ["除尘", "去污/清洗", "揭页/揭粘", "脱酸", "加固", "补洞/补破", "托裱/托纸", "溜口", "镶衬",
               "接书脑", "压平", "折页", "齐栏", "订纸捻", "装订/换线", "加护页", "制函套"]:
        assert zh in labels, zh


def test_codes_are_ascii() -> None:
    vocab = default_vocab()
    for name in vocab.categories:
        for code in vocab.codes(name):
            assert code.isascii() and code.replace("_", "").isalnum(), code


def test_quality_grades_are_marked_as_default_not_the_standard() -> None:
    cat = default_vocab().category("quality_grades")
    assert "not retrieved" in cat.note
    assert [t.zh for t in cat.terms] == ["优", "良", "合格", "不合格"]
    assert cat.terms[-1].extra["passing"] is False


def test_unknown_code_names_the_category() -> None:
    with pytest.raises(FieldError) as info:
        default_vocab().get("fibres", "kapok")
    assert info.value.field == "fibres"
    with pytest.raises(RestorationError):
        default_vocab().category("nonexistent")


def test_duplicate_code_rejected() -> None:
    data = _raw()
    terms = data["categories"]["fibres"]["terms"]
    terms.append(copy.deepcopy(terms[0]))
    with pytest.raises(FieldError, match="appears twice"):
        parse_vocab(data)


def test_non_ascii_code_rejected() -> None:
    data = _raw()
    data["categories"]["fibres"]["terms"][0]["code"] = "竹"
    with pytest.raises(FieldError, match="ASCII"):
        parse_vocab(data)


def test_missing_category_rejected() -> None:
    data = _raw()
    del data["categories"]["operations"]
    with pytest.raises(FieldError, match="operations"):
        parse_vocab(data)


def test_damage_type_metric_must_be_known() -> None:
    data = _raw()
    data["categories"]["damage_types"]["terms"][0]["metric"] = "furlongs"
    with pytest.raises(FieldError, match="furlongs"):
        parse_vocab(data)


def test_centre_file_and_bad_files(tmp_path: Path) -> None:
    data = _raw()
    data["categories"]["quality_grades"]["terms"] = [
        {"code": "accepted", "zh": "合格", "en": "Accepted", "passing": True},
        {"code": "rejected", "zh": "不合格", "en": "Rejected", "passing": False},
    ]
    own = tmp_path / "own.json"
    own.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_vocab(own).codes("quality_grades") == ("accepted", "rejected")

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(RestorationError, match="not valid JSON"):
        load_vocab(broken)
    with pytest.raises(RestorationError, match="cannot read"):
        load_vocab(tmp_path / "missing.json")
