"""Census numbers PPPPPP-UUUU-NNNNNNN (guji.census.numbers)."""

from __future__ import annotations

import pytest

from guji.census.numbers import (
    CensusNumber,
    CensusNumberError,
    format_census_number,
    parse_census_number,
    validate_region_code,
    validate_serial,
    validate_unit_code,
)


def test_parse_real_examples():
    n = parse_census_number("110000-0101-0010283")
    assert n == CensusNumber("110000", "0101", "0010283")
    assert str(n) == "110000-0101-0010283"
    assert n.province_prefix == "11"
    assert str(parse_census_number("110000-0101-0013797")) == "110000-0101-0013797"


@pytest.mark.parametrize(
    "text",
    [
        "１１００００－０１０１－００１０２８３",  # full-width digits and hyphen
        " 110000 - 0101 - 0010283 ",
        "110000\u20140101\u20130010283",  # em dash, en dash
        "110000\u22120101\uFE630010283",  # minus sign, small hyphen
        "110000-0101-\n0010283",
    ],
)
def test_parse_tolerates_full_width_dashes_and_spaces(text):
    assert str(parse_census_number(text)) == "110000-0101-0010283"


@pytest.mark.parametrize(
    "text, field, fragment",
    [
        ("", "census_number", "empty"),
        ("1100000101001028", "census_number", "three parts"),
        ("110000-0101", "census_number", "three parts"),
        ("110000-0101-0010283-1", "census_number", "three parts"),
        ("11000-0101-0010283", "region", "exactly 6 digits"),
        ("990000-0101-0010283", "region", "not a GB/T 2260 province prefix"),
        ("100000-0101-0010283", "region", "province prefix"),
        ("11000A-0101-0010283", "region", "digits"),
        ("110000-101-0010283", "unit", "exactly 4 digits"),
        ("110000-0000-0010283", "unit", "0000"),
        ("110000-01O1-0010283", "unit", "digits"),
        ("110000-0101-10283", "serial", "exactly 7 digits"),
        ("110000-0101-0000000", "serial", "0000000"),
        ("110000-0101-", "serial", "empty"),
        ("110000-0101-００１０２８Ｘ", "serial", "digits"),
        ("110000-0101-٠٠١٠٢٨٣", "serial", "digits"),  # Arabic-Indic digits are not accepted
    ],
)
def test_parse_errors_name_the_field(text, field, fragment):
    with pytest.raises(CensusNumberError) as exc:
        parse_census_number(text)
    assert exc.value.field == field
    assert fragment in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_parse_rejects_non_text():
    with pytest.raises(CensusNumberError) as exc:
        parse_census_number(1100000101)  # type: ignore[arg-type]
    assert exc.value.field == "census_number"


@pytest.mark.parametrize(
    "code",
    ["110000", "120000", "150000", "210000", "220000", "230000", "310000", "370000", "410000",
     "460000", "500000", "540000", "610000", "650000", "710000", "810000", "820000", "220100"],
)
def test_valid_region_codes(code):
    assert validate_region_code(code) == code


@pytest.mark.parametrize("code", ["160000", "240000", "380000", "470000", "550000", "660000",
                                  "700000", "720000", "800000", "830000", "000000", "1100000", ""])
def test_invalid_region_codes(code):
    with pytest.raises(CensusNumberError) as exc:
        validate_region_code(code)
    assert exc.value.field == "region"


def test_unit_and_serial():
    assert validate_unit_code("０１０１") == "0101"
    assert validate_serial(283) == "0000283"
    assert validate_serial("0010283") == "0010283"
    for bad in (0, 10_000_000, -1, True):
        with pytest.raises(CensusNumberError) as exc:
            validate_serial(bad)  # type: ignore[arg-type]
        assert exc.value.field == "serial"
    with pytest.raises(CensusNumberError) as exc:
        validate_unit_code(101)  # type: ignore[arg-type]
    assert exc.value.field == "unit"


def test_format():
    assert format_census_number("220000", "0301", 12) == "220000-0301-0000012"
    assert format_census_number("２２００００", "0301", "0000012") == "220000-0301-0000012"
    with pytest.raises(CensusNumberError) as exc:
        format_census_number("220000", "301", 12)
    assert exc.value.field == "unit"


def test_round_trip_and_ordering():
    a = parse_census_number("110000-0101-0010283")
    b = parse_census_number("110000-0101-0013797")
    assert a < b
    assert parse_census_number(str(a)) == a
