"""Writes of focus areas. Every rule on them is checked here, once; the API, the workspace (through the
API), the admin and the demo call these functions. Geometry arrives validated (geo.validation) in
EPSG:25832; a Polygon is stored as a one-part MultiPolygon."""

from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from django.utils.translation import gettext as _

from geo.crs import STORAGE_SRID
from geo.permissions import require_planner
from geo.records.services import (
    VersionedRecord,
    audited_save,
    check_fields,
    versioned_delete,
    versioned_update,
)
from measures.models import Measure
from measures.services import city_of
from planning.models import FOCUS_AREA_HISTORY, FocusArea, FocusAreaArea
from quartiere import linking
from quartiere.models import Area
from staff.scope import check_city

FOCUS_AREA_LINKS = linking.LinkTarget.for_models(FocusArea, FocusAreaArea, fk="focus_area")

FOCUS_AREA_FIELDS = frozenset(
    {"city", "name", "rationale", "priority", "dimensions", "time_horizon", "measures", "geom", "published"}
)
FOCUS_AREA_RECORD = VersionedRecord(
    FocusArea, name="focus_area", fields=FOCUS_AREA_FIELDS, history=FOCUS_AREA_HISTORY
)


def focus_area_links_refresh(*, focus_area_ids: list[int] | None = None) -> int:
    """Recompute the area links (with overlap shares, m²/m²) of the given focus areas (None: all) in
    PostGIS through quartiere.linking. Returns the number of link rows written."""
    return linking.links_refresh(FOCUS_AREA_LINKS, ids=focus_area_ids)


def _as_multipolygon(geom: Any) -> Any:
    """A Polygon as a one-part MultiPolygon; anything else as it is (``focus_area_check`` judges it)."""
    if geom is not None and geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    return geom


def city_touches(city: Area, geom: GEOSGeometry) -> bool:
    """Whether ``geom`` (EPSG:25832) touches the city's area (tested by PostGIS)."""
    return Area.objects.filter(pk=city.pk, geom__intersects=geom).exists()


def focus_area_check(focus_area: FocusArea, *, measures: Iterable[Measure] | None) -> None:
    """All rules on one (unsaved) focus area; a ``ValidationError`` naming every field at fault.
    Geometry must be a MultiPolygon in EPSG:25832 touching the city; ``measures`` (None: not checked)
    must belong to its city. Sorts and de-duplicates the dimensions in place."""
    errors: dict[str, list[str]] = {}
    city = city_of(focus_area, errors)
    geom = focus_area.geom
    if geom is None or geom.empty:
        errors["geom"] = [_("a focus area needs a polygon.")]
    elif geom.geom_type != "MultiPolygon":
        errors["geom"] = [_("must be a Polygon or MultiPolygon, not a %(type)s.") % {"type": geom.geom_type}]
    elif geom.srid != STORAGE_SRID:
        errors["geom"] = [
            _("must be in EPSG:%(storage)d here (it is EPSG:%(srid)d).")
            % {"storage": STORAGE_SRID, "srid": geom.srid}
        ]
    elif city is not None and not city_touches(city, geom):
        errors["geom"] = [_("lies outside the city %(city)s.") % {"city": city.name}]
    if measures is not None and city is not None:
        foreign = sorted(m.pk for m in measures if m.city_id != city.pk)
        if foreign:
            errors["measures"] = [_("measures %(ids)s belong to another city.") % {"ids": foreign}]
    focus_area.dimensions = sorted(set(focus_area.dimensions or []))
    check_fields(focus_area, errors, exclude=["city", "geom", "measures"])


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
    require_planner(user)
    check_city(user, focus_area.city_id, field="city")
    focus_area_check(focus_area, measures=measures)
    audited_save(FOCUS_AREA_RECORD, focus_area, user=user, created=True, related={"measures": measures})
    focus_area_links_refresh(focus_area_ids=[focus_area.pk])
    return focus_area


def _check_update(user: Any):
    """The check of ``focus_area_update``: the user acts in the focus area's city (the stored one
    and, when it changes, the new one: ``Forbidden``, 403), then ``focus_area_check`` (with the stored
    measures when none are given)."""

    def check(focus_area: FocusArea, before: FocusArea, related: dict[str, list]) -> None:
        require_planner(user)
        check_city(user, before.city_id)
        check_city(user, focus_area.city_id, field="city")
        measures = related.get("measures")
        focus_area_check(
            focus_area, measures=list(focus_area.measures.all()) if measures is None else measures
        )

    return check


@transaction.atomic
def focus_area_update(
    *, focus_area_id: int, expected_versions: Collection[int] | None, user: Any = None, **changes: Any
) -> FocusArea:
    """Change the fields in ``changes`` (``FOCUS_AREA_FIELDS``; geometry in EPSG:25832) through
    ``geo.records.services.versioned_update``: under a row lock, ``StaleVersion`` unless the stored
    version is in ``expected_versions`` (None: no check); checked by ``focus_area_check`` (with the
    stored measures when none are given); bumps the version. Re-links when the geometry changed."""
    if "geom" in changes:
        changes["geom"] = _as_multipolygon(changes["geom"])
    focus_area, before = versioned_update(
        FOCUS_AREA_RECORD,
        pk=focus_area_id,
        expected_versions=expected_versions,
        user=user,
        changes=changes,
        check=_check_update(user),
    )
    if focus_area.geom.ewkb != before.geom.ewkb:
        focus_area_links_refresh(focus_area_ids=[focus_area.pk])
    return focus_area


@transaction.atomic
def focus_area_delete(
    *, focus_area_id: int, expected_versions: Collection[int] | None, user: Any = None
) -> None:
    """Delete a focus area with its area links (they cascade); checked like an update, audited."""
    rows = FocusArea.objects.select_for_update().filter(pk=focus_area_id)
    require_planner(user)
    check_city(user, rows.values_list("city_id", flat=True).get())
    versioned_delete(FOCUS_AREA_RECORD, pk=focus_area_id, expected_versions=expected_versions, user=user)
