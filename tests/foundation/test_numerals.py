"""The one numerals module: what catalogues write is read back to the same number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guji.text.numerals import format_number, parse_number, parse_year_numeral


@pytest.mark.parametrize(("n", "text"), [
    (0, "〇"), (1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (99, "九十九"), (100, "一百"),
    (105, "一百〇五"), (115, "一百一十五"), (130, "一百三十"), (1000, "一千"), (1005, "一千〇五"),
    (1015, "一千〇一十五"), (1020, "一千〇二十"), (1200, "一千二百"), (9999, "九千九百九十九"),
])
def test_format_number(n: int, text: str) -> None:
    assert format_number(n) == text


def test_format_number_bounds() -> None:
    assert format_number(12345) == "12345"
    with pytest.raises(ValueError):
        format_number(-1)


@given(st.integers(min_value=1, max_value=9999))
def test_parse_reads_what_format_writes(n: int) -> None:
    assert parse_number(format_number(n)) == n


@given(st.integers(min_value=1, max_value=99))
def test_year_numerals_read_what_format_writes(n: int) -> None:
    assert parse_year_numeral(format_number(n)) == n


@pytest.mark.parametrize(("text", "n"), [
    ("廿四", 24), ("卅", 30), ("卌二", 42), ("兩", 2), ("一百零五", 105), ("12", 12), ("千", 1000),
])
def test_parse_number_contractions(text: str, n: int) -> None:
    assert parse_number(text) == n


@pytest.mark.parametrize("text", ["", "卷", "一x"])
def test_parse_number_refuses_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(("text", "n"), [
    ("元", 1), ("廿一", 21), ("念一", 21), ("二〇", 20), ("貳拾", 20), ("１２", 12), ("卅", 30),
])
def test_year_numerals(text: str, n: int) -> None:
    assert parse_year_numeral(text) == n


@pytest.mark.parametrize("text", ["", "〇", "一百", "二十十", "廿廿", "三廿", "零十"])
def test_year_numerals_refuse_what_is_no_year(text: str) -> None:
    with pytest.raises(ValueError):
        parse_year_numeral(text)
