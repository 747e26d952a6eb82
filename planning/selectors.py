"""Reads of focus areas. Geometry is stored in EPSG:25832 and transformed by PostGIS into the requested
output SRID (an int from the allow-list). Priorities: planning.priorities; pages: planning.reports."""

from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Prefetch, QuerySet

from geo import crs
from geo.geojson import BBox, FeaturePage, feature_page, precision_for
from geo.permissions import is_planner
from geo.records.history import Linked, history_trail
from geo.sql import load
from measures.selectors import measures_visible
from planning.models import FocusArea, FocusAreaArea
from staff.scope import drafts_of, scoped


def focus_areas_visible(user: Any) -> QuerySet[FocusArea]:
    """All focus areas for planners (tied to cities: the drafts of their cities only, staff.scope);
    published ones for everybody else."""
    return scoped(FocusArea.objects.all(), user, role=is_planner(user))


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
    all_visible, own_cities = drafts_of(user, role=is_planner(user))
    params = {
        "id": focus_area_id,
        "all_visible": all_visible,
        "own_cities": own_cities,
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


# the trail shows the linked measures as ids; the public only those published now
FOCUS_AREA_TRAIL = {
    "measures": Linked("measure", public=lambda: measures_visible(None).values_list("pk", flat=True))
}


def focus_area_history(*, focus_area: FocusArea, user: Any, out_srid: int = crs.WGS84) -> list[dict]:
    """The audit trail of ``focus_area`` as ``user`` may see it (``geo.records.history.history_trail``:
    planners the full one with who, everybody else the public one from publication on), newest first;
    each changed field with its old and new value, geometry as GeoJSON in ``out_srid``. Linked
    measures that are not published now are left out of the public trail."""
    precision = precision_for(out_srid)
    return history_trail(
        focus_area, user=user, out_srid=out_srid, precision=precision, linked=FOCUS_AREA_TRAIL
    )
