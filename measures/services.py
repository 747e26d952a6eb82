"""Writes of measures and budget lines. Every rule on them is checked here, once; views, serializers
and the admin call these functions. Geometry arrives validated (geo.validation) in EPSG:25832."""

from collections.abc import Collection, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
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
from measures.models import (
    MEASURE_HISTORY,
    TAG_MAX_LENGTH,
    TAGS_MAX,
    BudgetLine,
    BudgetStatus,
    FundingSource,
    MasterPlan,
    Measure,
    MeasureArea,
    MeasureStatus,
    StrategicGoal,
)
from quartiere import linking
from quartiere.models import Area, Level
from staff.scope import check_city

MEASURE_LINKS = linking.LinkTarget.for_models(Measure, MeasureArea, fk="measure", scope="scope")

S = MeasureStatus
# The allowed status changes: one step forward, or from any unfinished status to stopped.
# done and stopped are final. Keeping the status is always allowed. A new measure may start in any
# status (measures already under way are recorded too).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    S.IDEA: frozenset({S.PLANNED, S.STOPPED}),
    S.PLANNED: frozenset({S.DECIDED, S.STOPPED}),
    S.DECIDED: frozenset({S.IN_PROGRESS, S.STOPPED}),
    S.IN_PROGRESS: frozenset({S.DONE, S.STOPPED}),
    S.DONE: frozenset(),
    S.STOPPED: frozenset(),
}

MEASURE_FIELDS = frozenset(
    {
        "city",
        "title",
        "description",
        "rationale",
        "tags",
        "status",
        "responsible_unit",
        "start_date",
        "end_date",
        "principles",
        "dimensions",
        "strategic_goals",
        "master_plan",
        "geom",
        "scope",
        "published",
    }
)
BUDGET_LINE_FIELDS = frozenset({"measure", "fiscal_year", "amount", "kind", "funding", "status", "note"})
MEASURE_RECORD = VersionedRecord(Measure, name="measure", fields=MEASURE_FIELDS, history=MEASURE_HISTORY)
BUDGET_LINE_RECORD = VersionedRecord(BudgetLine, name="budget_line", fields=BUDGET_LINE_FIELDS)


def measure_links_refresh(*, measure_ids: list[int] | None = None) -> int:
    """Recompute the area links of the measures ``measure_ids`` (None: all measures) in PostGIS,
    set-based (see quartiere.linking, docs/linking.md). Returns the number of link rows written."""
    return linking.links_refresh(MEASURE_LINKS, ids=measure_ids)


def measure_status_check(*, old: str, new: str) -> None:
    """``ValidationError`` on ``status`` unless ``old`` → ``new`` is in ``STATUS_TRANSITIONS``."""
    if new == old:
        return
    allowed = STATUS_TRANSITIONS.get(old, frozenset())
    if new not in allowed:
        if not allowed:
            reason = _("a measure that is %(old)s cannot change its status any more") % {"old": old}
        else:
            reason = _("cannot change from %(old)s to %(new)s; allowed: %(allowed)s") % {
                "old": old,
                "new": new,
                "allowed": ", ".join(sorted(allowed)),
            }
        raise ValidationError({"status": [reason]})


def city_of(record: Any, errors: dict[str, list[str]], *, region: bool = False) -> Area | None:
    """The owner of a city-owned record (a measure, a focus area), when it is an area of level city
    (``region``: or the region, the owner of a regional measure); otherwise None, and the reason in
    ``errors["city"]``."""
    city: Area | None = record.city if record.city_id else None
    if region and city is not None and city.level == Level.REGION:
        return city
    if city is None or city.level != Level.CITY:
        errors["city"] = [
            _("must be an area of level city or the region.")
            if region
            else _("must be an area of level city.")
        ]
        return None
    return city


def measure_check(measure: Measure, *, old_status: str | None) -> None:
    """All rules on one (unsaved) measure; a ``ValidationError`` naming every field at fault.
    ``old_status`` is the stored status for a change (None for a new measure). Geometry must be in
    EPSG:25832. The owner (``city``) is a city, or the region for a regional measure: then the scope
    is the region or one of its cities and the geometry must lie in the region (checked in PostGIS). Sorts and
    de-duplicates principles and dimensions in place."""
    errors: dict[str, list[str]] = {}
    owner = city = city_of(measure, errors, region=True)
    geom = measure.geom
    has_geom = geom is not None
    if geom is not None and geom.empty:
        errors["geom"] = [_("the geometry is empty.")]
    elif geom is not None and geom.srid != STORAGE_SRID:
        errors["geom"] = [
            _("must be in EPSG:%(storage)d here (it is EPSG:%(srid)d).")
            % {"storage": STORAGE_SRID, "srid": geom.srid}
        ]
    if has_geom and measure.scope_id is not None:
        both = _("give either a geometry or a scope area, not both.")
        errors.setdefault("geom", []).append(both)
        errors["scope"] = [both]
    elif not has_geom and measure.scope_id is None:
        neither = _("a measure needs a geometry or, without a place, a scope area.")
        errors.setdefault("geom", []).append(neither)
        errors["scope"] = [neither]
    elif measure.scope is not None and city is not None:
        scope = measure.scope
        if city.level == Level.REGION:
            # a regional measure applies to the region or to cities of it
            if not (scope.id == city.id or (scope.level == Level.CITY and scope.parent_id == city.id)):
                errors["scope"] = [_("must be the region or one of its cities.")]
        elif not (
            scope.id == city.id
            or scope.id == city.parent_id
            or (scope.level == Level.QUARTIER and scope.parent_id == city.id)
        ):
            errors["scope"] = [_("must be the measure's city, its region or one of the city's Quartiere.")]
    if (
        owner is not None
        and owner.level == Level.REGION
        and geom is not None
        and "geom" not in errors
        and not Area.objects.filter(pk=owner.pk, geom__covers=geom).exists()
    ):
        errors["geom"] = [_("a regional measure must lie in its region %(region)s.") % {"region": owner.name}]
    if measure.start_date and measure.end_date and measure.end_date < measure.start_date:
        errors["end_date"] = [_("must not be before the start date.")]
    if old_status is not None:
        try:
            measure_status_check(old=old_status, new=measure.status)
        except ValidationError as error:
            errors.update(error.message_dict)
    measure.principles = sorted(set(measure.principles or []))
    measure.dimensions = sorted(set(measure.dimensions or []))
    measure.tags = tags_normalised(measure.tags, errors)
    check_fields(measure, errors, exclude=["city", "scope", "master_plan", "geom", "tags"])


def tags_normalised(tags: Iterable[str] | None, errors: dict[str, list[str]]) -> list[str]:
    """``tags`` without surrounding blanks, empty entries and repeats (the first spelling of a tag
    that differs only in case is kept), in their order; at most ``TAGS_MAX`` of at most
    ``TAG_MAX_LENGTH`` characters each, else the reason in ``errors["tags"]``."""
    kept: dict[str, str] = {}
    for tag in tags or []:
        text = " ".join(str(tag).split())
        if text:
            kept.setdefault(text.casefold(), text)
    found = list(kept.values())
    reasons = []
    if len(found) > TAGS_MAX:
        reasons.append(_("at most %(max)d tags; these are %(n)d.") % {"max": TAGS_MAX, "n": len(found)})
    long = [tag for tag in found if len(tag) > TAG_MAX_LENGTH]
    if long:
        reasons.append(
            _("a tag has at most %(max)d characters: %(tag)s")
            % {"max": TAG_MAX_LENGTH, "tag": long[0][:TAG_MAX_LENGTH] + "…"}
        )
    if reasons:
        errors["tags"] = reasons
    return found


@transaction.atomic
def measure_create(
    *,
    city: Area,
    title: str,
    geom: GEOSGeometry | None = None,
    scope: Area | None = None,
    status: str = MeasureStatus.IDEA,
    description: str = "",
    rationale: str = "",
    tags: Iterable[str] = (),
    responsible_unit: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    principles: Iterable[str] = (),
    dimensions: Iterable[str] = (),
    strategic_goals: Iterable[StrategicGoal] = (),
    master_plan: MasterPlan | None = None,
    published: bool = False,
    user: Any = None,
) -> Measure:
    """Create a measure located by ``geom`` (EPSG:25832, validated) or ``scope``, and link it to the
    areas it touches, in one transaction."""
    measure = Measure(
        city=city,
        title=title,
        geom=geom,
        scope=scope,
        status=status,
        description=description,
        rationale=rationale,
        tags=list(tags),
        responsible_unit=responsible_unit,
        start_date=start_date,
        end_date=end_date,
        principles=list(principles),
        dimensions=list(dimensions),
        master_plan=master_plan,
        published=published,
    )
    require_planner(user)
    check_city(user, measure.city_id, field="city")
    measure_check(measure, old_status=None)
    audited_save(
        MEASURE_RECORD, measure, user=user, created=True, related={"strategic_goals": strategic_goals}
    )
    measure_links_refresh(measure_ids=[measure.pk])
    return measure


def _check_measure_update(user: Any):
    """The check of ``measure_update``: the user acts in the measure's city (the stored one and, when
    it changes, the new one: ``Forbidden``, 403), then ``measure_check``."""

    def check(measure: Measure, before: Measure, _related: dict) -> None:
        require_planner(user)
        check_city(user, before.city_id)
        check_city(user, measure.city_id, field="city")
        measure_check(measure, old_status=before.status)

    return check


def _locked_city(model: Any, pk: int, city_path: str) -> int | None:
    """The city id of the row ``pk`` of ``model`` (through ``city_path``), the row locked for this
    transaction; ``DoesNotExist`` when there is none (as the versioned writes raise it)."""
    rows = model._default_manager.select_for_update(of=("self",)).filter(pk=pk)
    city_id: int | None = rows.values_list(city_path, flat=True).get()
    return city_id


def _place(measure: Measure) -> tuple:
    return (measure.geom.ewkb if measure.geom else None, measure.scope_id)


@transaction.atomic
def measure_update(
    *, measure_id: int, expected_versions: Collection[int] | None, user: Any = None, **changes: Any
) -> Measure:
    """Change the fields given in ``changes`` (names from ``MEASURE_FIELDS``; geometry in EPSG:25832)
    through ``geo.records.services.versioned_update``: under a row lock, ``StaleVersion`` unless its
    version is in ``expected_versions`` (None: no check); checked by ``measure_check``; bumps the
    version. Re-links the measure when geometry or scope changed."""
    measure, before = versioned_update(
        MEASURE_RECORD,
        pk=measure_id,
        expected_versions=expected_versions,
        user=user,
        changes=changes,
        check=_check_measure_update(user),
    )
    if _place(measure) != _place(before):
        measure_links_refresh(measure_ids=[measure.pk])
    return measure


@transaction.atomic
def measure_delete(*, measure_id: int, expected_versions: Collection[int] | None, user: Any = None) -> None:
    """Delete a measure with its budget lines and area links (they cascade); checked like an update."""
    require_planner(user)
    check_city(user, _locked_city(Measure, measure_id, "city_id"))
    versioned_delete(MEASURE_RECORD, pk=measure_id, expected_versions=expected_versions, user=user)


def _budget_line_check(line: BudgetLine) -> None:
    # amount ≥ 0, fiscal year in range, known kinds: the validators declared on the model
    check_fields(line, {}, exclude=["measure"])


@transaction.atomic
def budget_line_create(
    *,
    measure: Measure,
    fiscal_year: int,
    amount: Decimal,
    kind: str,
    funding: str = FundingSource.OWN,
    status: str = BudgetStatus.PLANNED,
    note: str = "",
    user: Any = None,
) -> BudgetLine:
    """Add an amount (EUR) for ``measure`` in ``fiscal_year``."""
    line = BudgetLine(
        measure=measure,
        fiscal_year=fiscal_year,
        amount=amount,
        kind=kind,
        funding=funding,
        status=status,
        note=note,
    )
    require_planner(user)
    check_city(user, measure.city_id, field="measure")
    _budget_line_check(line)
    audited_save(BUDGET_LINE_RECORD, line, user=user, created=True)
    return line


@transaction.atomic
def budget_line_update(
    *, budget_line_id: int, expected_versions: Collection[int] | None, user: Any = None, **changes: Any
) -> BudgetLine:
    """Change the fields in ``changes`` (``BUDGET_LINE_FIELDS``) under a row lock, checked against
    ``expected_versions`` like ``measure_update``; bumps the version."""
    line, _before = versioned_update(
        BUDGET_LINE_RECORD,
        pk=budget_line_id,
        expected_versions=expected_versions,
        user=user,
        changes=changes,
        check=_check_budget_line_update(user),
    )
    return line


def _check_budget_line_update(user: Any):
    """The check of ``budget_line_update``: the user acts in the city of the line's measure (the
    stored one and, when the line moves, the new one), then ``_budget_line_check``."""

    def check(line: BudgetLine, before: BudgetLine, _related: dict) -> None:
        require_planner(user)
        stored = Measure.objects.filter(pk=before.measure_id).values_list("city_id", flat=True).first()
        check_city(user, stored)
        if line.measure_id != before.measure_id:
            check_city(user, line.measure.city_id, field="measure")
        _budget_line_check(line)

    return check


@transaction.atomic
def budget_line_delete(
    *, budget_line_id: int, expected_versions: Collection[int] | None, user: Any = None
) -> None:
    require_planner(user)
    check_city(user, _locked_city(BudgetLine, budget_line_id, "measure__city_id"))
    versioned_delete(BUDGET_LINE_RECORD, pk=budget_line_id, expected_versions=expected_versions, user=user)
