"""Reads of measures and budget lines. Geometry is stored in EPSG:25832 and transformed by PostGIS
into the requested output SRID (an int from the allow-list); amounts are EUR."""

from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Prefetch, QuerySet

from geo import crs
from geo.geojson import BBox, FeaturePage, feature_page, precision_for
from geo.permissions import is_planner
from geo.records.history import Linked, history_trail
from geo.sql import load
from measures.models import BudgetLine, Measure, MeasureArea, MeasurePaper
from measures.paper_links import PAPER_ORDER
from staff.scope import drafts_of, scoped

APPLIES = ("located", "city", "region")


def measures_visible(user: Any) -> QuerySet[Measure]:
    """All measures for planners (tied to cities: the drafts of their cities only, staff.scope);
    published ones for everybody else."""
    return scoped(Measure.objects.all(), user, role=is_planner(user))


def budget_lines_visible(user: Any) -> QuerySet[BudgetLine]:
    """Budget lines of the measures ``user`` may see."""
    lines = BudgetLine.objects.select_related("measure")
    return scoped(lines, user, role=is_planner(user), city="measure__city_id", published="measure__published")


def measure_detail(*, user: Any, measure_id: int, out_srid: int = crs.WGS84) -> Measure | None:
    """One visible measure with ``geom_geojson`` (GeoJSON text in ``out_srid``), its goals and its
    area links; None when it does not exist or is hidden from ``user``."""
    return (
        measures_visible(user)
        .annotate(geom_geojson=AsGeoJSON(Transform("geom", out_srid), precision=precision_for(out_srid)))
        .prefetch_related(
            "strategic_goals",
            Prefetch(
                "area_links", MeasureArea.objects.select_related("area").order_by("level", "area__name")
            ),
            Prefetch(  # as measures.paper_links.linked_papers reads them
                "paper_links",
                MeasurePaper.objects.select_related("paper")
                .filter(paper__deleted=False)
                .order_by(*(f"paper__{field}" for field in PAPER_ORDER)),
            ),
        )
        .filter(pk=measure_id)
        .first()
    )


def measure_feature_page(
    *,
    user: Any,
    area_id: int | None = None,
    inherited: bool = False,
    city: int | None = None,
    status: str | None = None,
    dimension: str | None = None,
    action_field: int | None = None,
    published: bool | None = None,
    bbox: BBox | None = None,
    bbox_srid: int = crs.WGS84,
    out_srid: int = crs.WGS84,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Visible measures as GeoJSON features in ``out_srid``, built by PostGIS in one statement.

    Filters: ``city`` (area id), ``status``, ``dimension``, ``action_field`` (through the measure's
    strategic goals or its master plan), ``published`` (only planners see unpublished ones),
    ``bbox`` (in ``bbox_srid``; the geometry, or for a scoped measure its scope area, intersects it).
    With ``area_id``: the measures located in that area (property ``applies`` = ``located``, with
    ``share``, the part of the measure in it), and with ``inherited`` also those declared for the
    city or region above it (``applies`` = ``city`` / ``region``)."""
    all_visible, own_cities = drafts_of(user, role=is_planner(user))
    params = {
        "area": area_id,
        "inherited": inherited,
        "all_visible": all_visible,
        "own_cities": own_cities,
        "published": published,
        "city": city,
        "status": status,
        "dimension": dimension,
        "action_field": action_field,
    }
    return feature_page(
        load(__file__, "measure_features"),
        params,
        bbox=bbox,
        bbox_srid=bbox_srid,
        out_srid=out_srid,
        limit=limit,
        offset=offset,
    )


# the trail shows the linked strategic goals as ids (all public: the strategy tree is published whole)
MEASURE_TRAIL = {"strategic_goals": Linked("strategicgoal")}


def measure_history(*, measure: Measure, user: Any, out_srid: int = crs.WGS84) -> list[dict]:
    """The audit trail of ``measure`` as ``user`` may see it (``geo.records.history.history_trail``:
    planners the full one with who, everybody else the public one from publication on), newest first;
    each changed field with its old and new value, geometry as GeoJSON in ``out_srid``."""
    precision = precision_for(out_srid)
    return history_trail(measure, user=user, out_srid=out_srid, precision=precision, linked=MEASURE_TRAIL)
