"""``geo.params``: each parser returns a clean value or raises a 400 naming its parameter."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from geo import params


def refused(name: str):
    """Expect a DRF ValidationError whose detail is keyed by ``name``."""
    return pytest.raises(ValidationError, check=lambda e: set(e.detail) == {name})


class TestNumber:
    def test_it_parses_a_float(self):
        assert params.number({"lon": "9.1956"}, "lon") == 9.1956
        assert params.number({"x": " -5e2 "}, "x") == -500.0

    def test_it_requires_the_value_unless_told_otherwise(self):
        with refused("lon"):
            params.number({}, "lon")
        with refused("lon"):
            params.number({"lon": ""}, "lon")
        assert params.number({}, "lon", required=False) is None

    @pytest.mark.parametrize(
        "raw", ["abc", "9,19", "nan", "NaN", "inf", "-Infinity", "1e400", "1e300", "0x10"]
    )
    def test_it_refuses_what_is_no_finite_coordinate(self, raw):
        with refused("x"):
            params.number({"x": raw}, "x")

    @pytest.mark.parametrize("raw", ["-180.0001", "180.5", "200"])
    def test_it_keeps_to_its_bounds(self, raw):
        with refused("lon"):
            params.number({"lon": raw}, "lon", lo=-180, hi=180)
        assert params.number({"lon": "180"}, "lon", lo=-180, hi=180) == 180


class TestInteger:
    def test_it_parses_an_integer_or_gives_the_default(self):
        assert params.integer({"limit": "25"}, "limit", default=100) == 25
        assert params.integer({"limit": " 7 "}, "limit") == 7
        assert params.integer({}, "limit", default=100) == 100
        assert params.integer({"limit": ""}, "limit", default=100) == 100

    @pytest.mark.parametrize(
        "raw", ["ten", "1.5", "1e3", "--5", "+5", "5-", "²", "٣", "0x10", "1_000", "- 5"]
    )
    def test_it_refuses_what_is_no_integer(self, raw):
        with refused("limit"):
            params.integer({"limit": raw}, "limit")

    @pytest.mark.parametrize("raw", ["-1", "0", "1001", "9" * 5000, "-" + "9" * 30])
    def test_it_keeps_to_its_bounds(self, raw):
        with refused("limit"):
            params.integer({"limit": raw}, "limit", lo=1, hi=1000)


class TestSrid:
    def test_it_defaults_to_wgs84(self):
        assert params.srid({}) == 4326
        assert params.srid({"srid": ""}, default=25832) == 25832

    def test_it_accepts_an_allowed_code(self):
        assert params.srid({"srid": "EPSG:25832"}) == 25832
        assert params.srid({"crs": "31467"}, "crs") == 31467

    @pytest.mark.parametrize("raw", ["12", "900913", "EPSG:abc", "²"])
    def test_it_refuses_others(self, raw):
        with refused("srid"):
            params.srid({"srid": raw})


class TestBbox:
    def test_it_parses_four_numbers(self):
        assert params.bbox({"bbox": "9.1,48.8,9.3,48.95"}) == (9.1, 48.8, 9.3, 48.95)
        assert params.bbox({}) is None

    def test_it_allows_a_degenerate_box(self):
        assert params.bbox({"bbox": "9.2,48.9,9.2,48.9"}) == (9.2, 48.9, 9.2, 48.9)

    def test_it_takes_metres_beyond_180_in_a_projected_crs(self):
        assert params.bbox({"bbox": "514000,5416000,515000,5417000"}, srid=25832) == (
            514000,
            5416000,
            515000,
            5417000,
        )

    @pytest.mark.parametrize(
        "raw",
        [
            "1,2,3",
            "1,2,3,4,5",
            "a,b,c,d",
            "1,2,3,4,",
            "3,2,1,4",
            "1,4,3,2",
            "nan,1,2,3",
            "-inf,1,2,3",
            "1e400,1,2,3",
            "200,1,201,2",
            "1,-91,2,3",
        ],
    )
    def test_it_refuses_a_malformed_box(self, raw):
        with refused("bbox"):
            params.bbox({"bbox": raw})

    @pytest.mark.parametrize("raw", ["515000,5416000,514000,5417000", "514000,5417000,515000,5416000"])
    def test_it_refuses_min_over_max_in_a_projected_crs(self, raw):
        with refused("bbox"):
            params.bbox({"bbox": raw}, srid=25832)

    def test_it_refuses_huge_numbers_in_any_crs(self):
        with refused("bbox"):
            params.bbox({"bbox": "-1e300,-1e300,1e300,1e300"}, srid=25832)

    @given(st.text(max_size=80))
    def test_it_never_raises_anything_but_a_validation_error(self, raw):
        try:
            box = params.bbox({"bbox": raw})
        except ValidationError as error:
            assert set(error.detail) == {"bbox"}
        else:
            assert box is None or (len(box) == 4 and all(math.isfinite(v) for v in box))

    @given(
        st.lists(
            st.one_of(
                st.floats(allow_nan=True, allow_infinity=True).map(repr),
                st.integers().map(str),
                st.sampled_from(["", " ", "nan", "1e400", "-0", "1_0", "٣", "²", "\x00"]),
            ),
            min_size=0,
            max_size=6,
        ).map(",".join),
        st.sampled_from([4326, 25832, 3857]),
    )
    def test_it_never_raises_anything_but_a_validation_error_on_number_lists(self, raw, srid):
        try:
            box = params.bbox({"bbox": raw}, srid=srid)
        except ValidationError as error:
            assert set(error.detail) == {"bbox"}
        else:
            if box is not None:
                minx, miny, maxx, maxy = box
                assert minx <= maxx and miny <= maxy


@given(st.text(max_size=40), st.sampled_from(["number", "integer", "srid", "choice"]))
def test_no_parser_raises_anything_but_a_validation_error(raw, parser):
    query = {"p": raw}
    try:
        if parser == "number":
            params.number(query, "p")
        elif parser == "integer":
            params.integer(query, "p")
        elif parser == "srid":
            params.srid(query, "p")
        else:
            params.choice(query, "p", ["region", "city", "quartier"])
    except ValidationError as error:
        assert set(error.detail) == {"p"}


class TestChoice:
    def test_it_accepts_a_choice(self):
        assert params.choice({"level": "city"}, "level", ["region", "city"]) == "city"
        assert params.choice({}, "level", ["region", "city"], default="region") == "region"

    @pytest.mark.parametrize("raw", ["City", "district", "city ", "1"])
    def test_it_refuses_others_listing_the_choices(self, raw):
        with pytest.raises(ValidationError) as excinfo:
            params.choice({"level": raw}, "level", ["region", "city"])
        assert "must be one of region, city" in str(excinfo.value.detail["level"][0])
