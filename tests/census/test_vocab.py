"""Controlled vocabularies (guji.census.vocab, resources/vocab/census.json)."""

from __future__ import annotations

import pytest

from guji.census import vocab


def labels(name, **kw):
    return [e.label for e in vocab.choices(name, **kw)]


def test_all_vocabularies_present():
    assert set(vocab.names()) >= {
        "classification", "binding", "edition_type", "author_mode", "dynasty", "banko",
        "yuwei_count", "yuwei_colour", "yuwei_arrangement", "border", "grade", "damage_grade",
        "seal_position", "annotation_kind", "movement_purpose"}


def test_four_branches_with_their_classes():
    assert labels("classification", depth=0) == ["經部", "史部", "子部", "集部", "叢部"]
    assert "易類" in labels("classification", parent="jing")
    assert "小學類" in labels("classification", parent="jing")
    assert "方志類" in labels("classification", parent="shi")
    assert "醫家類" in labels("classification", parent="zi")
    assert "別集類" in labels("classification", parent="ji")
    assert labels("classification", parent="cong") == ["雜叢類", "輯佚類", "郡邑類", "氏族類", "獨撰類"]
    for top in vocab.choices("classification", depth=0):
        assert vocab.choices("classification", parent=top.code), top.label
    assert "府志之屬" in labels("classification", parent="shi.fangzhi")


def test_required_terms():
    assert labels("binding") == ["線裝", "包背裝", "蝴蝶裝", "經折裝", "卷軸裝", "旋風裝", "梵夾裝", "毛裝", "平裝",
                                 "精裝"]
    et = labels("edition_type")
    for t in ["寫本", "稿本", "手稿本", "清稿本", "修改稿本", "抄本", "影抄本", "彩繪本", "刻本", "初刻本",
              "重刻本", "翻刻本", "影刻本", "遞修本", "修補本", "活字本", "木活字本", "銅活字本", "泥活字本",
              "套印本", "銅版印本", "石印本", "鉛印本", "影印本", "批校題跋本", "過錄本"]:
        assert t in et
    assert labels("edition_type", parent="huoziben") == ["木活字本", "銅活字本", "泥活字本"]
    for m in ["撰", "輯", "注", "編", "纂修", "校", "評", "譯", "述", "箋", "疏", "繪"]:
        assert vocab.is_valid("author_mode", m)
    assert labels("annotation_kind") == ["批", "校", "題", "跋", "識"]
    assert [e.code for e in vocab.choices("movement_purpose")][:5] == [
        "reading", "digitisation", "restoration", "exhibition", "loan"]
    assert len(vocab.choices("grade")) == 11


def test_traditional_simplified_code_and_full_width_accepted():
    assert vocab.is_valid("binding", "線裝")
    assert vocab.is_valid("binding", "线装")
    assert vocab.is_valid("binding", "xianzhuang")
    assert vocab.is_valid("binding", "XIANZHUANG")
    assert vocab.is_valid("binding", " 线装 ")
    assert vocab.normalise("binding", "线装") == "線裝"
    assert vocab.normalise("edition_type", "铜活字本") == "銅活字本"
    assert vocab.normalise("border", "四周双边") == "四周雙邊"
    assert vocab.normalise("dynasty", "大明") == "明"
    assert vocab.normalise("dynasty", "中华民国") == "民國"
    assert vocab.normalise("grade", "1A") == "一級甲等"


def test_invalid_values():
    assert not vocab.is_valid("binding", "精裝書")
    assert not vocab.is_valid("binding", "")
    assert not vocab.is_valid("binding", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="binding"):
        vocab.normalise("binding", "塑封")
    with pytest.raises(vocab.UnknownVocabulary):
        vocab.choices("no_such_list")


def test_entries_have_codes_and_both_scripts():
    for name in vocab.names():
        for e in vocab.choices(name):
            assert e.code and e.code.isascii(), (name, e)
            assert e.label and e.simplified, (name, e)


def test_dynasties_spans():
    d = {x.label: x for x in vocab.dynasties()}
    assert (d["明"].start, d["明"].end) == (1368, 1644)
    assert (d["清"].start, d["清"].end) == (1644, 1911)
    assert (d["民國"].start, d["民國"].end) == (1912, 1949)
    assert set(d["宋"].table_dynasties) == {"北宋", "南宋"}
    assert d["明"].simplified == "明" and d["遼"].simplified == "辽"
    assert (d["周"].start, d["周"].end) == (-1046, -256) and d["後秦"].simplified == "后秦"
