"""Geometry from outside, validated at the edge: GeoJSON in → a valid GEOSGeometry in EPSG:25832.

Shared by every app that takes geometry from clients. The structure (types, nesting, closed rings,
finite numbers, vertex count) is checked in Python before anything reaches a library; validity
(``ST_IsValidReason``) and the service's extent are then checked by PostGIS in one statement. Only
the checked coordinates travel on: a ``crs`` member or other text is never parsed as a spatial
reference, and only integer EPSG codes from ``geo.crs.ALLOWED_SRIDS`` reach PROJ.
"""

import json
import math
import re
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import DatabaseError, connection, transaction

from geo import crs
from geo.sql import load

SIMPLE_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
COLLECTION = "GeometryCollection"
GEOMETRY_TYPES = (*SIMPLE_TYPES, COLLECTION)

# Any coordinate beyond this is no place on Earth in an allowed CRS (metres or degrees).
MAX_ABS_COORDINATE = 1e8
# What the admin's map widget accepts for areas (a region's outline may be long); staff only.
ADMIN_MAX_VERTICES = 2_000_000

_CRS_NAME = re.compile(r"(?:EPSG:+|/EPSG/\d+/)(\d{4,6})$", re.IGNORECASE)


class GeometryRejected(ValueError):
    """The geometry in ``field`` cannot be accepted; ``reason`` says why (for the client)."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: coordinates must be numbers, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{where}: coordinate {str(value)[:20]}… is out of range") from None
    if not math.isfinite(number):
        raise ValueError(f"{where}: coordinates must be finite numbers (no NaN or Infinity)")
    if abs(number) > MAX_ABS_COORDINATE:
        raise ValueError(f"{where}: coordinate {number:g} is out of range")
    return number


class _Walker:
    """Checks the coordinate arrays of one geometry and counts its vertices."""

    def __init__(self, *, srid: int, max_vertices: int):
        self.geographic = crs.is_geographic(srid)
        self.srid = srid
        self.max_vertices = max_vertices
        self.vertices = 0

    def position(self, value: Any, where: str) -> list[float]:
        """[x, y]; an altitude is checked but dropped (geometry is stored in 2D)."""
        if not isinstance(value, list) or not 2 <= len(value) <= 3:
            raise ValueError(f"{where}: a position is an array of 2 (or 3) numbers")
        x, y, *_ = (_number(v, where) for v in value)
        if self.geographic and not (-180 <= x <= 180 and -90 <= y <= 90):
            raise ValueError(
                f"{where}: ({x:g}, {y:g}) is not a longitude/latitude in EPSG:{self.srid}; "
                "send lon/lat, or name the CRS of projected coordinates with ?srid="
            )
        self.vertices += 1
        if self.vertices > self.max_vertices:
            raise ValueError(f"has more than {self.max_vertices} vertices")
        return [x, y]

    def positions(self, value: Any, where: str, *, minimum: int) -> list[list[float]]:
        if not isinstance(value, list):
            raise ValueError(f"{where}: expected an array of positions")
        if len(value) < minimum:
            raise ValueError(f"{where}: needs at least {minimum} positions, has {len(value)}")
        return [self.position(p, where) for p in value]

    def ring(self, value: Any, where: str) -> list[list[float]]:
        ring = self.positions(value, where, minimum=4)
        if ring[0] != ring[-1]:
            raise ValueError(f"{where}: the ring is not closed (its first and last positions differ)")
        return ring

    def polygon(self, value: Any, where: str) -> list[list[list[float]]]:
        if not isinstance(value, list) or not value:
            raise ValueError(f"{where}: a polygon needs at least one ring")
        return [self.ring(r, f"{where} ring {i}") for i, r in enumerate(value)]

    def parts(self, value: Any, where: str, part) -> list:
        if not isinstance(value, list):
            raise ValueError(f"{where}: expected an array")
        return [part(p, f"{where} part {i}") for i, p in enumerate(value)]

    def coordinates(self, kind: str, value: Any, where: str) -> Any:
        if isinstance(value, list) and not value:
            raise ValueError(f"{where}: the geometry is empty")
        if kind == "Point":
            return self.position(value, where)
        if kind == "MultiPoint":
            return self.parts(value, where, self.position)
        if kind == "LineString":
            return self.positions(value, where, minimum=2)
        if kind == "MultiLineString":
            return self.parts(value, where, lambda v, w: self.positions(v, w, minimum=2))
        if kind == "Polygon":
            return self.polygon(value, where)
        return self.parts(value, where, self.polygon)  # MultiPolygon


def _declared_srid(value: Any) -> int | None:
    """The EPSG code a GeoJSON-2008 ``crs`` member names, as an int (never parsed by GDAL/PROJ)."""
    name = value.get("properties", {}).get("name") if isinstance(value, dict) else None
    if not isinstance(name, str):
        raise ValueError("the crs member is not understood; name the CRS with ?srid= instead")
    if name.upper().endswith("CRS84"):
        return crs.WGS84
    match = _CRS_NAME.search(name.strip())
    if match is None:
        raise ValueError("the crs member is not understood; name the CRS with ?srid= instead")
    return int(match.group(1))


def clean_geojson(
    value: Any,
    *,
    srid: int,
    allow_collection: bool = False,
    types: Collection[str] | None = None,
    max_vertices: int | None = None,
) -> dict:
    """The structure check alone: a clean GeoJSON geometry dict (type and 2D coordinates only, which
    ``srid`` must fit); ``ValueError`` with the reason otherwise."""
    if max_vertices is None:
        max_vertices = settings.MAX_GEOMETRY_VERTICES
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as error:
            raise ValueError(f"is not valid JSON ({str(error)[:80]})") from None
    if not isinstance(value, dict):
        raise ValueError("must be a GeoJSON geometry object")
    kind = value.get("type")
    if kind in ("Feature", "FeatureCollection"):
        raise ValueError(f"must be a GeoJSON geometry, not a {kind}")
    if kind is None:
        raise ValueError(f"needs a 'type', one of {', '.join(GEOMETRY_TYPES)}")
    if kind not in GEOMETRY_TYPES:
        raise ValueError(
            f"unknown geometry type {str(kind)[:40]!r}; expected one of {', '.join(GEOMETRY_TYPES)}"
        )
    if "crs" in value and value["crs"] is not None:
        declared = _declared_srid(value["crs"])
        if declared != srid:
            raise ValueError(
                f"the crs member names EPSG:{declared}, but the request's CRS is EPSG:{srid} (set ?srid=)"
            )
    walker = _Walker(srid=srid, max_vertices=max_vertices)
    if kind == COLLECTION:
        if not allow_collection:
            raise ValueError(
                "a GeometryCollection is not allowed here; send one (Multi)Point/LineString/Polygon"
            )
        members = value.get("geometries")
        if not isinstance(members, list):
            raise ValueError("a GeometryCollection needs a 'geometries' array")
        if not members:
            raise ValueError("the geometry is empty")
        clean = []
        for i, member in enumerate(members):
            member_kind = member.get("type") if isinstance(member, dict) else None
            if member_kind not in SIMPLE_TYPES:
                raise ValueError(f"geometry {i} of the collection must be one of {', '.join(SIMPLE_TYPES)}")
            if types is not None and member_kind not in types:
                raise ValueError(
                    f"geometry {i} of the collection is a {member_kind}; allowed: {', '.join(types)}"
                )
            coords = walker.coordinates(member_kind, member.get("coordinates"), f"geometry {i}")
            clean.append({"type": member_kind, "coordinates": coords})
        return {"type": COLLECTION, "geometries": clean}
    if types is not None and kind not in types:
        raise ValueError(f"a {kind} is not allowed here; allowed: {', '.join(types)}")
    if "coordinates" not in value:
        raise ValueError(f"a {kind} needs 'coordinates'")
    return {"type": kind, "coordinates": walker.coordinates(kind, value["coordinates"], "coordinates")}


def geometry_from_geojson(
    value: str | bytes | dict,
    *,
    field: str = "geometry",
    srid: int = crs.WGS84,
    allow_collection: bool = False,
    types: Collection[str] | None = None,
) -> GEOSGeometry:
    """The GeoJSON geometry ``value`` (text or parsed; coordinates in ``srid``, lon/lat for 4326) as
    a valid GEOSGeometry in EPSG:25832, inside the service's extent. ``GeometryRejected`` names
    ``field`` and the reason otherwise."""
    if srid not in crs.ALLOWED_SRIDS:
        raise GeometryRejected(field, f"EPSG:{srid} is not supported; use one of {sorted(crs.ALLOWED_SRIDS)}")
    try:
        clean = clean_geojson(value, srid=srid, allow_collection=allow_collection, types=types)
    except ValueError as error:
        raise GeometryRejected(field, str(error)) from None
    return _checked_in_postgis(geojson=json.dumps(clean), srid=srid, field=field)


def geometry_check(
    geom: GEOSGeometry, *, field: str = "geometry", check_extent: bool = True, max_vertices: int | None = None
) -> GEOSGeometry:
    """An already parsed geometry (e.g. from an admin map widget) through the same PostGIS checks
    (validity; the extent unless ``check_extent`` is off); returned in EPSG:25832. Its SRID must be
    an allow-listed one."""
    srid = geom.srid or crs.STORAGE_SRID
    limit = settings.MAX_GEOMETRY_VERTICES if max_vertices is None else max_vertices
    if geom.empty:
        raise GeometryRejected(field, "the geometry is empty")
    if srid not in crs.ALLOWED_SRIDS:
        raise GeometryRejected(field, f"EPSG:{srid} is not supported")
    if geom.num_coords > limit:
        raise GeometryRejected(field, f"has more than {limit} vertices")
    if not all(math.isfinite(c) and abs(c) <= MAX_ABS_COORDINATE for c in geom.extent):
        raise GeometryRejected(field, "coordinates must be finite numbers in range")
    return _checked_in_postgis(ewkb=geom.hexewkb.decode(), srid=srid, field=field, check_extent=check_extent)


def _checked_in_postgis(
    *, srid: int, field: str, geojson: str | None = None, ewkb: str | None = None, check_extent: bool = True
) -> GEOSGeometry:
    """Validity and extent of GeoJSON text or hex EWKB (both read by PostGIS, never by GDAL)."""
    params = {
        "geojson": geojson,
        "ewkb": ewkb,
        "srid": srid,
        "storage_srid": crs.STORAGE_SRID,
        "buffer": settings.EXTENT_BUFFER_M,
        "check_extent": check_extent,
    }
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(load(__file__, "validate_geometry"), params)
            src_invalid, has_extent, inside, stored_invalid, stored = cursor.fetchone()
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0][:160]
        raise GeometryRejected(field, f"cannot be read or transformed from EPSG:{srid} ({reason})") from None
    if src_invalid:
        raise GeometryRejected(field, f"invalid geometry: {src_invalid}")
    if not has_extent:
        raise GeometryRejected(field, "cannot be placed: the service has no regions yet (import areas first)")
    if not inside:
        hint = (
            "are longitude and latitude swapped?"
            if crs.is_geographic(srid)
            else f"are the coordinates really in EPSG:{srid}?"
        )
        raise GeometryRejected(
            field,
            f"lies outside the service's area (its regions, buffered by {settings.EXTENT_BUFFER_M} m); "
            + hint,
        )
    if stored_invalid:
        raise GeometryRejected(field, f"becomes invalid in EPSG:{crs.STORAGE_SRID}: {stored_invalid}")
    return GEOSGeometry(memoryview(stored))
