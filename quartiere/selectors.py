"""Reads of the area hierarchy. Geometry is stored in EPSG:25832; output SRIDs come from the allow-list."""

from contextlib import nullcontext
from typing import TypedDict

from django.db import DataError, InternalError, transaction

from geo import crs
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.geojson import BBox, FeaturePage, feature_page, precision_for
from geo.sql import load
from quartiere.models import Level


def home_city_queryset():
    """The home city as a query of at most one row (to use as a subquery): ``settings.HOME_CITY`` (an
    AGS) when set, else the city that got Quartiere first (the parent of the first Quartier by id: a
    region's municipalities are imported in one go, in the file's order, so the cities' own ids say
    nothing about which came first for the deployment), else the first city."""
    from django.conf import settings
    from django.db.models import Case, Subquery, Value, When

    from quartiere.models import Area

    cities = Area.objects.filter(level=Level.CITY).defer("geom")
    if settings.HOME_CITY:
        return cities.filter(code=settings.HOME_CITY)[:1]
    first_parent = Subquery(Area.objects.filter(level=Level.QUARTIER).order_by("id").values("parent_id")[:1])
    got_quartiere_first = Case(When(pk=first_parent, then=Value(0)), default=Value(1))
    return cities.order_by(got_quartiere_first, "id")[:1]


def home_city():
    """The city the short, city-less public addresses (``/``, ``/quartiere/<slug>/``, ``/bericht/``)
    belong to (``home_city_queryset``); None without cities. Stable when more cities are imported
    later. One statement."""
    return home_city_queryset().first()


# The counties (Kreise) by the first five digits of their municipalities' AGS: the groups of the city
# list and the switcher. Those of Verband Region Stuttgart (the demo); another county shows its key.
COUNTIES = {
    "08111": "Stuttgart",
    "08115": "Landkreis Böblingen",
    "08116": "Landkreis Esslingen",
    "08117": "Landkreis Göppingen",
    "08118": "Landkreis Ludwigsburg",
    "08119": "Rems-Murr-Kreis",
}


def counties() -> dict[str, str]:
    """County key (5 digits) → name, for the counties known by name."""
    return dict(COUNTIES)


def county_key(code: str) -> str:
    """The county key of an AGS (its first five digits); '' for a code that is no AGS."""
    return code[:5] if len(code) == 8 and code.isascii() and code.isdigit() else ""


class SwitcherGroup(TypedDict):
    name: str
    cities: list[tuple[str, str]]  # (AGS, name)


def switcher_entries() -> tuple[tuple[str, str] | None, list[SwitcherGroup]]:
    """What the city switcher lists (one statement, no geometry): the region (code, name) if there is
    one, and the cities with an AGS grouped by county (by county name, then city name)."""
    from quartiere.models import Area

    region = None
    groups: dict[str, SwitcherGroup] = {}
    rows = Area.objects.filter(level__in=[Level.REGION, Level.CITY]).order_by("level", "name", "code")
    for level, code, name in rows.values_list("level", "code", "name"):
        if level == Level.REGION:
            region = region or (code, name)
            continue
        key = county_key(code)
        if not key:
            continue
        group = groups.setdefault(key, {"name": COUNTIES.get(key, key), "cities": []})
        group["cities"].append((code, name))
    return region, sorted(groups.values(), key=lambda g: g["name"])


class PointOutOfRange(ValueError):
    """The point cannot be transformed into the storage CRS."""


def area_feature_page(
    *,
    area_id: int | None = None,
    level: Level | None = None,
    parent: int | None = None,
    bbox: BBox | None = None,
    bbox_srid: int = crs.WGS84,
    out_srid: int = crs.WGS84,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Areas as GeoJSON features in ``out_srid``, filtered by level, parent and bbox (in ``bbox_srid``,
    intersecting). One statement; the FeatureCollection is built by PostGIS."""
    return feature_page(
        load(__file__, "areas_page"),
        {"id": area_id, "level": int(level) if level else None, "parent": parent},
        bbox=bbox,
        bbox_srid=bbox_srid,
        out_srid=out_srid,
        limit=limit,
        offset=offset,
    )


def area_feature(*, area_id: int, out_srid: int = crs.WGS84) -> str | None:
    """One area as a GeoJSON Feature (text) in ``out_srid``, or None."""
    page = area_feature_page(area_id=area_id, out_srid=out_srid, limit=1)
    return page.features_json or None


def area_locate_json(*, x: float, y: float, srid: int = crs.WGS84) -> str:
    """The areas containing the point (x/y in ``srid``; lon/lat for 4326) as the JSON text
    ``{"areas": [{id, level, code, name, slug, parent, population}, ...]}``, one per level, region
    first. One statement; PostGIS builds the JSON."""
    # A failed transform must not abort a surrounding transaction, hence the savepoint there; in
    # autocommit (an API request) the statement needs no BEGIN/COMMIT round trips of its own.
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    try:
        with transaction.atomic() if in_transaction else nullcontext(), connection.cursor() as cursor:
            cursor.execute(
                load(__file__, "locate"), {"x": x, "y": y, "srid": srid, "storage_srid": crs.STORAGE_SRID}
            )
            return cursor.fetchone()[0]
    except (DataError, InternalError) as error:
        raise PointOutOfRange(str(error).splitlines()[0]) from error


# How far (m) a child may cross its parent's line unnoticed: official boundaries generalised for small
# scales (BKG VG250) and Quartiere drawn on another source disagree by up to ≈10 m along the line.
STICKING_OUT_DISTANCE_M = 20.0


def areas_sticking_out(*, tolerance: float, distance: float = STICKING_OUT_DISTANCE_M) -> list[dict]:
    """Children with more than ``tolerance`` (share of their area, m²/m²) farther than ``distance``
    metres outside their parent. The share counts only that far part, so a Quartier shifted along a
    jagged city line by generalisation noise passes, whatever its size, and one that really reaches
    into the next city does not."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "check_areas"), {"tolerance": tolerance, "distance": distance})
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class Extent(TypedDict):
    bounds: list[list[float]]  # [[south, west], [north, east]]
    centre: list[float]  # [lat, lon]


def area_extent(*, area_id: int) -> Extent | None:
    """Where a map of the area starts: ``{"bounds": [[south, west], [north, east]], "centre": [lat,
    lon]}`` in EPSG:4326 degrees, in Leaflet's latitude-first order (``centre`` is the middle of the
    bounds, so a map centred there at the fitting zoom shows what fitting the bounds shows). None when
    there is no such area. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "area_extent"),
            {"id": area_id, "out_srid": crs.WGS84, "precision": precision_for(crs.WGS84)},
        )
        row = cursor.fetchone()
    if row is None:
        return None
    west, south, east, north = row
    return {
        "bounds": [[south, west], [north, east]],
        "centre": [round((south + north) / 2, 7), round((west + east) / 2, 7)],
    }
