"""Reads of measures and budget lines. Geometry is stored in EPSG:25832 and transformed by PostGIS
into the requested output SRID (an int from the allow-list); amounts are EUR."""

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Prefetch, QuerySet

from geo import crs
from geo.geojson import BBox, FeaturePage, feature_page, precision_for
from geo.permissions import is_planner
from geo.sql import load
from measures.models import BudgetLine, Measure, MeasureArea

APPLIES = ("located", "city", "region")


def measures_visible(user: Any) -> QuerySet[Measure]:
    """All measures for planners; published ones for everybody else."""
    measures = Measure.objects.all()
    return measures if is_planner(user) else measures.filter(published=True)


def budget_lines_visible(user: Any) -> QuerySet[BudgetLine]:
    """Budget lines of the measures ``user`` may see."""
    lines = BudgetLine.objects.select_related("measure")
    return lines if is_planner(user) else lines.filter(measure__published=True)


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
    params = {
        "area": area_id,
        "inherited": inherited,
        "all_visible": is_planner(user),
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


HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# bookkeeping, not content: the version is reported per record, ids and timestamps are the record's
HISTORY_SKIPPED = {"id", "version", "created_at", "updated_at"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _m2m_ids(rows: Any) -> list[int]:
    """The related ids of simple-history's m2m rows ([{"measure": 1, "strategicgoal": 2}, …])."""
    return sorted(v for row in rows or [] for k, v in row.items() if k != "measure")


def history_trail(
    records: list[Any],
    *,
    full: bool,
    snapshot: Callable[[Any], list[dict]],
    changes: Callable[[Any, Any], list[dict]],
) -> list[dict]:
    """The audit trail of one object from its simple-history ``records`` (oldest first), newest first:
    when (UTC), the version, the type and the changed fields. ``snapshot(record)`` lists a record's
    values as changes from nothing, ``changes(record, base)`` what changed from ``base`` to ``record``.

    ``full`` (planners): every record, each compared with the one before, with who made it.
    Otherwise the public trail (docs/history.md), which starts at publication: records before the
    object was first published are left out; the first published record lists its state (type
    ``published``, or ``created`` when it was created published); later records say what changed
    against the last *published* state, so a value only ever held while unpublished never shows; a
    record that unpublishes it is ``withdrawn``, without any values, and the records while it stays
    unpublished are left out; publishing it again is ``published``, against the last published state.
    Nobody but planners sees who made a change."""
    result = []
    shown = None  # the last record whose values the reader has seen
    withdrawn = False
    for record in records:
        kind = HISTORY_TYPES.get(record.history_type, record.history_type)
        if full:
            delta = snapshot(record) if shown is None else changes(record, shown)
            shown = record
        elif record.published:
            if shown is None:
                delta = snapshot(record)
                kind = "created" if kind == "created" else "published"
            else:
                delta = changes(record, shown)
                kind = "published" if withdrawn else kind
            shown, withdrawn = record, False
        elif shown is not None and not withdrawn:
            kind, delta, withdrawn = "withdrawn", [], True
        else:
            continue  # a draft: before publication, or while withdrawn
        result.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "type": kind,
                "user": record.history_user.get_username() if full and record.history_user else None,
                "version": record.version,
                "changes": sorted(delta, key=lambda c: c["field"]),
            }
        )
    result.reverse()
    return result


def measure_history(*, measure: Measure, user: Any, out_srid: int = crs.WGS84) -> list[dict]:
    """The audit trail of ``measure`` as ``user`` may see it (``history_trail``: planners the full
    one with who, everybody else the public one from publication on), newest first; each changed
    field with its old and new value, geometry as GeoJSON in ``out_srid``."""
    records = list(
        measure.history.annotate(
            geom_geojson=AsGeoJSON(Transform("geom", out_srid), precision=precision_for(out_srid))
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )

    def snapshot(record: Any) -> list[dict]:
        values = []
        for field in record.tracked_fields:
            if field.name in HISTORY_SKIPPED:
                continue
            value = record.geom_geojson if field.name == "geom" else getattr(record, field.attname)
            if value is not None and value != "" and value != []:
                values.append({"field": field.name, "old": None, "new": _value(field.name, value)})
        goals = _m2m_ids(record.strategic_goals.values("strategicgoal"))
        if goals:
            values.append({"field": "strategic_goals", "old": None, "new": goals})
        return values

    def changes(record: Any, base: Any) -> list[dict]:
        delta = []
        for change in record.diff_against(base, excluded_fields=HISTORY_SKIPPED).changes:
            if change.field == "geom":
                old, new = base.geom_geojson, record.geom_geojson
            elif change.field == "strategic_goals":
                old, new = _m2m_ids(change.old), _m2m_ids(change.new)
            else:
                old, new = change.old, change.new
            delta.append(
                {"field": change.field, "old": _value(change.field, old), "new": _value(change.field, new)}
            )
        return delta

    return history_trail(records, full=is_planner(user), snapshot=snapshot, changes=changes)


def _value(field: str, value: Any) -> Any:
    if field == "geom":
        return json.loads(value) if isinstance(value, str) else None
    return _plain(value)
