"""Reads of focus areas. Geometry is stored in EPSG:25832 and transformed by PostGIS into the requested
output SRID (an int from the allow-list). Priorities: planning.priorities; pages: planning.reports."""

import json
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Prefetch, QuerySet

from geo import crs
from geo.geojson import BBox, FeaturePage, feature_page, precision_for
from geo.permissions import is_planner
from geo.sql import load
from measures.selectors import history_trail, measures_visible
from planning.models import FocusArea, FocusAreaArea


def focus_areas_visible(user: Any) -> QuerySet[FocusArea]:
    """All focus areas for planners; published ones for everybody else."""
    focus_areas = FocusArea.objects.all()
    return focus_areas if is_planner(user) else focus_areas.filter(published=True)


def focus_area_detail(*, user: Any, focus_area_id: int, out_srid: int = crs.WGS84) -> FocusArea | None:
    """One visible focus area with ``geom_geojson`` (GeoJSON text in ``out_srid``), the linked
    measures ``user`` may see (published ones, all for planners) and its area links; None when it
    does not exist or is hidden from ``user``."""
    return (
        focus_areas_visible(user)
        .annotate(geom_geojson=AsGeoJSON(Transform("geom", out_srid), precision=precision_for(out_srid)))
        .prefetch_related(
            Prefetch("measures", measures_visible(user)),
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
    bbox: BBox | None = None,
    bbox_srid: int = crs.WGS84,
    out_srid: int = crs.WGS84,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Visible focus areas as GeoJSON features in ``out_srid`` (each with its Quartiere and overlap
    shares, m²/m²), built by PostGIS in one statement; filtered by city, linked area (any level),
    priority, dimension, published (planners only see unpublished ones) and bbox (in ``bbox_srid``)."""
    params = {
        "id": focus_area_id,
        "all_visible": is_planner(user),
        "published": published,
        "city": city,
        "area": area,
        "priority": priority,
        "dimension": dimension,
    }
    return feature_page(
        load(__file__, "focus_area_features"),
        params,
        bbox=bbox,
        bbox_srid=bbox_srid,
        out_srid=out_srid,
        limit=limit,
        offset=offset,
    )


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


def focus_area_history(*, focus_area: FocusArea, user: Any, out_srid: int = crs.WGS84) -> list[dict]:
    """The audit trail of ``focus_area`` as ``user`` may see it (measures.selectors.history_trail:
    planners the full one with who, everybody else the public one from publication on), newest first;
    each changed field with its old and new value, geometry as GeoJSON in ``out_srid``. Linked
    measures that are not published now are left out of the public trail."""
    full = is_planner(user)
    records = list(
        focus_area.history.annotate(
            geom_geojson=AsGeoJSON(Transform("geom", out_srid), precision=precision_for(out_srid))
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    public_measures = set(measures_visible(user).values_list("pk", flat=True)) if not full else None

    def measure_ids(rows: Any) -> list[int]:
        ids = _ids(rows)
        return ids if public_measures is None else [i for i in ids if i in public_measures]

    def snapshot(record: Any) -> list[dict]:
        values = []
        for field in record.tracked_fields:
            if field.name in HISTORY_SKIPPED:
                continue
            value = record.geom_geojson if field.name == "geom" else getattr(record, field.attname)
            if value not in (None, "", []):
                values.append({"field": field.name, "old": None, "new": _plain(field.name, value)})
        measures = measure_ids(record.measures.values("measure"))
        if measures:
            values.append({"field": "measures", "old": None, "new": measures})
        return values

    def changes(record: Any, base: Any) -> list[dict]:
        delta = []
        for change in record.diff_against(base, excluded_fields=HISTORY_SKIPPED).changes:
            if change.field == "geom":
                old, new = base.geom_geojson, record.geom_geojson
            elif change.field == "measures":
                old, new = measure_ids(change.old), measure_ids(change.new)
                if old == new:
                    continue  # only unpublished measures changed
            else:
                old, new = change.old, change.new
            delta.append(
                {"field": change.field, "old": _plain(change.field, old), "new": _plain(change.field, new)}
            )
        return delta

    return history_trail(records, full=full, snapshot=snapshot, changes=changes)
