"""``geo.crs.parse_srid``: only integer EPSG codes from the allow-list, whatever the client writes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import crs


@pytest.mark.parametrize(
    ("text", "srid"),
    [
        ("25832", 25832),
        (25832, 25832),
        ("EPSG:25832", 25832),
        ("epsg:3857", 3857),
        (" 31467 ", 31467),
        ("4258", 4258),
        ("25833", 25833),
        ("4326", 4326),
        ("CRS:84", 4326),
        ("crs84", 4326),
        ("OGC:CRS84", 4326),
    ],
)
def test_it_accepts_the_allowed_codes(text, srid):
    assert crs.parse_srid(text) == srid


@pytest.mark.parametrize(
    "text",
    [
        "12",
        "900913",
        "2154",
        "0",
        "",
        "EPSG:",
        "EPSG:abc",
        "4326.0",
        "-4326",
        "+4326",
        "4326 4326",
        "EPSG:EPSG:4326",
        "+proj=longlat +datum=WGS84",
        'GEOGCS["WGS 84"]',
        "/etc/passwd",
        "http://example.org/crs",
        "²",
        "٤٣٢٦",  # Arabic-Indic digits: str.isdigit() says yes
        "9" * 5000,
    ],
)
def test_it_refuses_anything_else_with_a_reason(text):
    with pytest.raises(
        ValueError, match=r"(must be an EPSG code, one of|is not supported; use one of) \[.*25832"
    ):
        crs.parse_srid(text)


@given(st.text(max_size=60))
def test_it_returns_an_allowed_code_or_raises_value_error(text):
    try:
        srid = crs.parse_srid(text)
    except ValueError as error:
        assert "25832" in str(error)
    else:
        assert srid in crs.ALLOWED_SRIDS


def test_it_stores_in_etrs89_utm32():
    assert crs.STORAGE_SRID == 25832
    assert crs.STORAGE_SRID in crs.ALLOWED_SRIDS
    assert crs.is_geographic(4326) and crs.is_geographic(4258)
    assert not crs.is_geographic(25832) and not crs.is_geographic(3857)
