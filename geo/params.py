"""Parsing query parameters: every failure is a 400 that names the parameter and the reason."""

import math
from collections.abc import Mapping
from typing import Literal, overload

from rest_framework.exceptions import ValidationError

from geo import crs

# Anything beyond this is not a coordinate on Earth in any allowed CRS (metres or degrees).
MAX_ABS_COORDINATE = 1e8


def invalid(name: str, reason: str) -> ValidationError:
    return ValidationError({name: [reason]})


@overload
def number(
    params: Mapping[str, str],
    name: str,
    *,
    required: Literal[True] = True,
    lo: float | None = None,
    hi: float | None = None,
) -> float: ...
@overload
def number(
    params: Mapping[str, str], name: str, *, required: bool, lo: float | None = None, hi: float | None = None
) -> float | None: ...
def number(
    params: Mapping[str, str],
    name: str,
    *,
    required: bool = True,
    lo: float | None = None,
    hi: float | None = None,
) -> float | None:
    """A finite float from ``params[name]``, optionally within [lo, hi]."""
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise invalid(name, "This parameter is required.")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise invalid(name, f"must be a number, not {raw[:40]!r}.") from None
    if not math.isfinite(value):
        raise invalid(name, "must be a finite number.")
    if lo is not None and value < lo or hi is not None and value > hi:
        raise invalid(name, f"must be between {lo:g} and {hi:g}.")
    if abs(value) > MAX_ABS_COORDINATE:
        raise invalid(name, "is out of range.")
    return value


@overload
def integer(
    params: Mapping[str, str], name: str, *, default: int, lo: int = 0, hi: int = 2**31 - 1
) -> int: ...
@overload
def integer(
    params: Mapping[str, str], name: str, *, default: None = None, lo: int = 0, hi: int = 2**31 - 1
) -> int | None: ...
def integer(
    params: Mapping[str, str], name: str, *, default: int | None = None, lo: int = 0, hi: int = 2**31 - 1
) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    digits = text.removeprefix("-")
    # ASCII only: str.isdigit() also accepts "²", which int() rejects
    if not (digits.isascii() and digits.isdigit()):
        raise invalid(name, f"must be an integer, not {raw[:40]!r}.")
    # int() refuses strings of more than 4300 digits; anything this long is out of range anyway
    value = int(text) if len(digits) <= 20 else None
    if value is None or not lo <= value <= hi:
        raise invalid(name, f"must be between {lo} and {hi}.")
    return value


def srid(params: Mapping[str, str], name: str = "srid", default: int = crs.WGS84) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return crs.parse_srid(raw)
    except ValueError as error:
        raise invalid(name, str(error)) from None


def bbox(
    params: Mapping[str, str], name: str = "bbox", *, srid: int = crs.WGS84
) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in ``srid`` axis order x/y (lon/lat for 4326)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise invalid(name, f"needs 4 comma-separated numbers (minx,miny,maxx,maxy), got {len(parts)}.")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise invalid(name, "needs 4 comma-separated numbers (minx,miny,maxx,maxy).") from None
    if not all(math.isfinite(v) and abs(v) <= MAX_ABS_COORDINATE for v in values):
        raise invalid(name, "coordinates must be finite numbers in range.")
    minx, miny, maxx, maxy = values
    if minx > maxx or miny > maxy:
        raise invalid(name, "min must not be greater than max (minx,miny,maxx,maxy).")
    if crs.is_geographic(srid) and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise invalid(name, "longitudes must lie in [-180, 180] and latitudes in [-90, 90].")
    return minx, miny, maxx, maxy


def choice(
    params: Mapping[str, str],
    name: str,
    choices: Mapping[str, object] | list[str],
    default: str | None = None,
) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise invalid(name, f"must be one of {', '.join(choices)}; got {raw[:40]!r}.")
    return raw
