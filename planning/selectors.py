"""Reads of focus areas. Geometry is stored in EPSG:25832 and transformed by PostGIS into the requested
output SRID (an int from the allow-list). Priorities: planning.priorities; pages: planning.reports."""

import json
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connection
from django.db.models import Prefetch, QuerySet

from geo import crs
from geo.permissions import is_planner
from geo.sql import load
from planning.models import FocusArea, FocusAreaArea
from quartiere.selectors import FeaturePage, precision_for


def focus_areas_visible(user: Any) -> QuerySet[FocusArea]:
    """All focus areas for planners; published ones for everybody else."""
    focus_areas = FocusArea.objects.all()
    return focus_areas if is_planner(user) else focus_areas.filter(published=True)


def focus_area_detail(*, user: Any, focus_area_id: int, out_srid: int = crs.WGS84) -> FocusArea | None:
    """One visible focus area with ``geom_geojson`` (GeoJSON text in ``out_srid``), its measures and
    its area links; None when it does not exist or is hidden from ``user``."""
    return (
        focus_areas_visible(user)
        .annotate(geom_geojson=AsGeoJSON(Transform("geom", out_srid), precision=precision_for(out_srid)))
        .prefetch_related(
            "measures",
            Prefetch(
                "area_links", FocusAreaArea.objects.select_related("area").order_by("level", "area__name")
            ),
        )
        .filter(pk=focus_area_id)
        .first()
    )


def focus_area_feature_page(
    *,
    user: Any,
    focus_area_id: int | None = None,
    city: int | None = None,
    area: int | None = None,
    priority: str | None = None,
    dimension: str | None = None,
    published: bool | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    bbox_srid: int = crs.WGS84,
    out_srid: int = crs.WGS84,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Visible focus areas as GeoJSON features in ``out_srid`` (each with its Quartiere and overlap
    shares, m²/m²), built by PostGIS in one statement; filtered by city, linked area (any level),
    priority, dimension, published (planners only see unpublished ones) and bbox (in ``bbox_srid``)."""
    minx, miny, maxx, maxy = bbox if bbox else (None, None, None, None)
    params = {
        "id": focus_area_id,
        "all_visible": is_planner(user),
        "published": published,
        "city": city,
        "area": area,
        "priority": priority,
        "dimension": dimension,
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
        "bbox_srid": bbox_srid,
        "storage_srid": crs.STORAGE_SRID,
        "out_srid": out_srid,
        "precision": precision_for(out_srid),
        "limit": limit,
        "offset": offset,
    }
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "focus_area_features"), params)
        matched, returned, features = cursor.fetchone()
    return FeaturePage(matched=matched, returned=returned, features_json=features)


HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
HISTORY_SKIPPED = {"id", "version", "created_at", "updated_at"}


def _ids(rows: Any) -> list[int]:
    """The measure ids of simple-history's m2m rows ([{"focusarea": 1, "measure": 2}, …])."""
    return sorted(v for row in rows or [] for k, v in row.items() if k == "measure")


def _plain(field: str, value: Any) -> Any:
    if field == "geom":
        return json.loads(value) if isinstance(value, str) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def focus_area_history(*, focus_area: FocusArea, show_users: bool, out_srid: int = crs.WGS84) -> list[dict]:
    """The audit trail of ``focus_area``, newest first: who (only if ``show_users``), when (UTC), the
    version and each changed field's old and new value (geometry as GeoJSON in ``out_srid``)."""
    records = list(
        focus_area.history.annotate(
            geom_geojson=AsGeoJSON(Transform("geom", out_srid), precision=precision_for(out_srid))
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    result = []
    previous = None
    for record in records:
        changes = []
        if previous is None:
            for field in record.tracked_fields:
                if field.name in HISTORY_SKIPPED:
                    continue
                value = record.geom_geojson if field.name == "geom" else getattr(record, field.attname)
                if value not in (None, "", []):
                    changes.append({"field": field.name, "old": None, "new": _plain(field.name, value)})
            measures = _ids(record.measures.values("measure"))
            if measures:
                changes.append({"field": "measures", "old": None, "new": measures})
        else:
            for change in record.diff_against(previous, excluded_fields=HISTORY_SKIPPED).changes:
                if change.field == "geom":
                    old, new = previous.geom_geojson, record.geom_geojson
                elif change.field == "measures":
                    old, new = _ids(change.old), _ids(change.new)
                else:
                    old, new = change.old, change.new
                changes.append(
                    {
                        "field": change.field,
                        "old": _plain(change.field, old),
                        "new": _plain(change.field, new),
                    }
                )
        result.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                "user": record.history_user.get_username() if show_users and record.history_user else None,
                "version": record.version,
                "changes": sorted(changes, key=lambda c: c["field"]),
            }
        )
        previous = record
    result.reverse()
    return result
