"""Writes of focus areas. Every rule on them is checked here, once; the API, the workspace (through the
API), the admin and the demo call these functions. Geometry arrives validated (geo.validation) in
EPSG:25832; a Polygon is stored as a one-part MultiPolygon."""

from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.db import transaction

from geo.crs import STORAGE_SRID
from geo.etag import check_version
from measures.models import Measure
from planning.models import FOCUS_AREA_HISTORY, FocusArea, FocusAreaArea
from quartiere import linking
from quartiere.models import Area, Level

FOCUS_AREA_LINKS = linking.LinkTarget.for_models(FocusArea, FocusAreaArea, fk="focus_area")

FOCUS_AREA_FIELDS = frozenset(
    {"city", "name", "rationale", "priority", "dimensions", "time_horizon", "measures", "geom", "published"}
)


def focus_area_links_refresh(*, focus_area_ids: list[int] | None = None) -> int:
    """Recompute the area links (with overlap shares, m²/m²) of the given focus areas (None: all) in
    PostGIS through quartiere.linking. Returns the number of link rows written."""
    return linking.links_refresh(FOCUS_AREA_LINKS, ids=focus_area_ids)


def _as_multipolygon(geom: GEOSGeometry | None) -> GEOSGeometry | None:
    if geom is not None and geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    return geom


def focus_area_check(focus_area: FocusArea, *, measures: Iterable[Measure] | None) -> None:
    """All rules on one (unsaved) focus area; a ``ValidationError`` naming every field at fault.
    Geometry must be a (Multi)Polygon in EPSG:25832 touching the city. Sorts and de-duplicates the
    dimensions in place."""
    errors: dict[str, list[str]] = {}
    city: Area | None = focus_area.city if focus_area.city_id else None
    if city is None or city.level != Level.CITY:
        errors["city"] = ["must be an area of level city."]
    geom = focus_area.geom
    if geom is None or geom.empty:
        errors["geom"] = ["a focus area needs a polygon."]
    elif geom.geom_type != "MultiPolygon":
        errors["geom"] = [f"must be a Polygon or MultiPolygon, not a {geom.geom_type}."]
    elif geom.srid != STORAGE_SRID:
        errors["geom"] = [f"must be in EPSG:{STORAGE_SRID} here (it is EPSG:{geom.srid})."]
    elif "city" not in errors and not Area.objects.filter(pk=city.pk, geom__intersects=geom).exists():
        errors["geom"] = [f"lies outside the city {city.name}."]
    if measures is not None and city is not None:
        foreign = sorted(m.pk for m in measures if m.city_id != city.pk)
        if foreign:
            errors["measures"] = [f"measures {foreign} belong to another city."]
    focus_area.dimensions = sorted(set(focus_area.dimensions or []))
    try:
        # field validators declared on the model: lengths, choices (also inside the array)
        focus_area.full_clean(exclude=["city", "geom", "measures"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _save(focus_area: FocusArea, *, measures: Iterable[Measure] | None, user: Any, created: bool) -> None:
    """Save the row and its measures as one historical record ("+" or "~") by ``user``."""
    focus_area._history_user = user if user is not None and user.is_authenticated else None
    focus_area.skip_history_when_saving = True
    try:
        focus_area.save()
        if measures is not None:
            focus_area.measures.set(measures)
    finally:
        del focus_area.skip_history_when_saving
    FOCUS_AREA_HISTORY.create_historical_record(focus_area, "+" if created else "~")


@transaction.atomic
def focus_area_create(
    *,
    city: Area,
    name: str,
    geom: GEOSGeometry,
    rationale: str = "",
    priority: str = "medium",
    dimensions: Iterable[str] = (),
    time_horizon: str = "medium",
    measures: Iterable[Measure] = (),
    published: bool = False,
    user: Any = None,
) -> FocusArea:
    """Create a focus area (``geom`` a validated (Multi)Polygon in EPSG:25832) and link it to the
    areas it overlaps, in one transaction."""
    measures = list(measures)
    focus_area = FocusArea(
        city=city,
        name=name,
        geom=_as_multipolygon(geom),
        rationale=rationale,
        priority=priority,
        dimensions=list(dimensions),
        time_horizon=time_horizon,
        published=published,
    )
    focus_area_check(focus_area, measures=measures)
    _save(focus_area, measures=measures, user=user, created=True)
    focus_area_links_refresh(focus_area_ids=[focus_area.pk])
    return focus_area


@transaction.atomic
def focus_area_update(
    *, focus_area_id: int, expected_versions: Collection[int] | None, user: Any = None, **changes: Any
) -> FocusArea:
    """Change the fields in ``changes`` (``FOCUS_AREA_FIELDS``; geometry in EPSG:25832) under a row
    lock; ``StaleVersion`` unless the stored version is in ``expected_versions`` (None: no check).
    Bumps the version; re-links when the geometry changed."""
    unknown = set(changes) - FOCUS_AREA_FIELDS
    if unknown:
        raise TypeError(f"unknown focus area fields: {', '.join(sorted(unknown))}")
    focus_area = FocusArea.objects.select_for_update().get(pk=focus_area_id)
    check_version(focus_area.version, expected_versions)
    old_geom = focus_area.geom.ewkb
    measures = changes.pop("measures", None)
    if measures is not None:
        measures = list(measures)
    for name, value in changes.items():
        if name == "geom":
            value = _as_multipolygon(value)
        setattr(focus_area, name, list(value) if name == "dimensions" else value)
    check_measures = measures if measures is not None else list(focus_area.measures.all())
    focus_area_check(focus_area, measures=check_measures)
    focus_area.version += 1
    _save(focus_area, measures=measures, user=user, created=False)
    if focus_area.geom.ewkb != old_geom:
        focus_area_links_refresh(focus_area_ids=[focus_area.pk])
    return focus_area


@transaction.atomic
def focus_area_delete(
    *, focus_area_id: int, expected_versions: Collection[int] | None, user: Any = None
) -> None:
    """Delete a focus area with its area links (they cascade); checked like an update, audited."""
    focus_area = FocusArea.objects.select_for_update().get(pk=focus_area_id)
    check_version(focus_area.version, expected_versions)
    focus_area._history_user = user if user is not None and user.is_authenticated else None
    focus_area.delete()
