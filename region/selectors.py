"""Reads of the region's page beside the summary: its regional measures, the map's features and the
GeoJSON download (one statement each; JSON built by PostgreSQL)."""

import json
from typing import Any

from django.db import connection

from geo.sql import load
from quartiere.models import Area, Level
from quartiere.selectors import home_city
from region import summary

REGIONAL_MEASURES_LIMIT = 500


def default_region() -> Area | None:
    """The region of the home city (quartiere.selectors.home_city), else the first region by id."""
    regions = Area.objects.filter(level=Level.REGION).defer("geom")
    city = home_city()
    if city is not None and city.parent_id is not None:
        found = regions.filter(pk=city.parent_id).first()
        if found is not None:
            return found
    return regions.order_by("id").first()


def regional_measures(
    region_id: int, *, limit: int = REGIONAL_MEASURES_LIMIT
) -> tuple[int, list[dict[str, Any]]]:
    """``(number of regional measures, the first ``limit`` of them)``: published measures owned by the
    region or touching several of its municipalities, each with ``cities`` (id, code, name, share;
    largest share first), its budget (EUR) and whether it is region-wide (sql/regional_measures.sql)."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "regional_measures"), {"region": region_id, "limit": limit})
        total, measures = cursor.fetchone()
    return total, json.loads(measures)


def map_features(region_id: int) -> str:
    """The region's municipalities with their numbers as GeoJSON features (comma-joined text, EPSG:4326,
    outlines simplified to 20 m)."""
    statement = load(__file__, "map_features").replace("{core}", summary.core_sql())
    with connection.cursor() as cursor:
        cursor.execute(statement, {"region": region_id})
        return cursor.fetchone()[0]


def download_features(region_id: int, sort: summary.Sort) -> str:
    """The region's municipalities with every number as GeoJSON features (comma-joined text, EPSG:4326,
    the stored outlines), in the order of ``sort``."""
    statement = (
        load(__file__, "download_features")
        .replace("{core}", summary.core_sql())
        .replace("{order}", sort.order_by())
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, {"region": region_id, "sort_indicator": sort.indicator})
        return cursor.fetchone()[0]
