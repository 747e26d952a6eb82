"""Writes of consultations (Beteiligungsverfahren): ``consultation_create`` and
``consultation_update``, called by the planners' back office (/planung/verfahren/) and the admin.
Every rule on a consultation is checked here, once:

- only planners write (``user`` None: a system write such as the demo loader), and only in the
  cities they work for (``staff.scope.check_city``, for the old city and the new one);
- the area is either an area of the hierarchy — the consultation's city or one of its Quartiere — or
  a polygon of its own (EPSG:25832, valid, inside the city), never both;
- the window closes after it opens; at least one category; known target groups; themes are short
  tags (at most ``THEMES_MAX``, each at most ``THEME_MAX`` characters, duplicates dropped);
- audited by django-simple-history (who, when, the values after it); a form carries the revision it
  showed (``consultation_revision``) and a save after someone else's raises ``StaleVersion``."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from geo.errors import Forbidden, NotFound, StaleVersion
from geo.permissions import is_planner
from geo.records.services import VersionedRecord, audited_save, check_fields, history_revision
from geo.validation import GeometryRejected, geometry_check
from participation.models import THEME_MAX, Category, Consultation, Moderation, Process, TargetGroup
from quartiere.models import Area, Level
from staff.scope import check_city

THEMES_MAX = 10
GENERALISE_MAX_M = 1000
CONSULTATION_FIELDS = frozenset(
    {
        "title",
        "slug",
        "description",
        "city",
        "area",
        "geom",
        "opens_at",
        "closes_at",
        "categories",
        "moderation",
        "allow_anonymous",
        "generalise_m",
        "themes",
        "target_groups",
        "process",
        "pins",
    }
)
CONSULTATION_RECORD = VersionedRecord(Consultation, name="consultation", fields=CONSULTATION_FIELDS)


def consultation_revision(consultation: Consultation) -> int:
    """The revision a form carries: the id of the consultation's latest historical record."""
    return history_revision(consultation)


def _check_user(user: Any) -> None:
    if user is not None and not is_planner(user):
        raise Forbidden(_("Consultations are set up by the planners' group."))


def _unique_slug(title: str, *, exclude_pk: int | None) -> str:
    base = (slugify(title) or "verfahren")[:90]
    taken = Consultation.objects.exclude(pk=exclude_pk) if exclude_pk else Consultation.objects.all()
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _themes(values: Iterable[str], errors: dict[str, list[str]]) -> list[str]:
    themes: list[str] = []
    for value in values:
        theme = " ".join(str(value).split())
        if not theme or theme.casefold() in (t.casefold() for t in themes):
            continue
        if len(theme) > THEME_MAX:
            errors["themes"] = [
                _("Each theme is a short tag of at most %(max)d characters.") % {"max": THEME_MAX}
            ]
        themes.append(theme)
    if len(themes) > THEMES_MAX:
        errors["themes"] = [_("At most %(max)d themes.") % {"max": THEMES_MAX}]
    return themes


def _area_check(consultation: Consultation, city: Area | None, errors: dict[str, list[str]]) -> None:
    """Exactly one of area and polygon; the area the city or one of its Quartiere; the polygon valid
    and inside the city (checked by PostGIS)."""
    geom = consultation.geom
    if consultation.area_id is not None and geom is not None:
        errors["area"] = [_("Choose an area or draw one, not both.")]
        return
    if consultation.area_id is None and geom is None:
        errors["area"] = [_("Choose the city or one of its Quartiere, or draw the area on the map.")]
        return
    if city is None:
        return
    if consultation.area is not None:
        area = consultation.area
        if not (area.pk == city.pk or (area.level == Level.QUARTIER and area.parent_id == city.pk)):
            errors["area"] = [_("Must be the consultation's city or one of its Quartiere.")]
        return
    assert geom is not None
    try:
        checked = geometry_check(geom, field="geom")
    except GeometryRejected as error:
        errors["geom"] = [_("The drawn area cannot be used: %(reason)s.") % {"reason": error.reason}]
        return
    if not isinstance(checked, MultiPolygon):
        errors["geom"] = [_("The drawn area must be a polygon.")]
        return
    if not Area.objects.filter(pk=city.pk, geom__covers=checked).exists():
        errors["geom"] = [_("The drawn area must lie inside %(city)s.") % {"city": city.name}]
        return
    consultation.geom = checked


def _multipolygon(geom: GEOSGeometry | None) -> MultiPolygon | None:
    """A drawn polygon as the MultiPolygon the model stores; ``ValidationError`` for any other type."""
    if geom is None or isinstance(geom, MultiPolygon):
        return geom
    if geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    raise ValidationError({"geom": [_("The drawn area must be a polygon.")]})


def consultation_check(consultation: Consultation) -> None:
    """All rules on one (unsaved) consultation; a ``ValidationError`` naming every field at fault.
    Normalises in place: trimmed text, a slug from the title when none is given, sorted and
    de-duplicated categories and target groups, tidy themes, a drawn polygon as a MultiPolygon."""
    errors: dict[str, list[str]] = {}
    consultation.title = (consultation.title or "").strip()
    consultation.description = (consultation.description or "").strip()
    city: Area | None = consultation.city if consultation.city_id else None
    if city is None or city.level != Level.CITY:
        errors["city"] = [_("Must be an area of level city.")]
        city = None
    _area_check(consultation, city, errors)
    if consultation.opens_at and consultation.closes_at and consultation.closes_at <= consultation.opens_at:
        errors["closes_at"] = [_("Must be after the opening.")]
    categories = sorted(set(consultation.categories or []))
    if not categories:
        errors["categories"] = [_("Choose at least one category.")]
    elif not set(categories) <= set(Category.values):
        errors["categories"] = [_("Unknown category.")]
    consultation.categories = [c for c in Category.values if c in categories]
    groups = set(consultation.target_groups or [])
    if not groups <= set(TargetGroup.values):
        errors["target_groups"] = [_("Unknown target group.")]
    consultation.target_groups = [g for g in TargetGroup.values if g in groups]
    consultation.themes = _themes(consultation.themes or [], errors)
    if consultation.process is not None and city is not None and consultation.process.city_id != city.pk:
        errors["process"] = [_("The process must be one of the consultation's city.")]
    if consultation.generalise_m is not None and consultation.generalise_m > GENERALISE_MAX_M:
        errors["generalise_m"] = [_("At most %(max)d m.") % {"max": GENERALISE_MAX_M}]
    if not consultation.slug and consultation.title:
        consultation.slug = _unique_slug(consultation.title, exclude_pk=consultation.pk)
    # a field at fault already is not reported twice (e.g. empty categories: "cannot be blank")
    check_fields(consultation, errors, exclude=["city", "area", "geom", *errors])


@transaction.atomic
def consultation_create(
    *,
    city: Area,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    area: Area | None = None,
    geom: GEOSGeometry | None = None,
    description: str = "",
    slug: str = "",
    categories: Iterable[str] = tuple(Category.values),
    moderation: str = Moderation.PRE,
    allow_anonymous: bool = True,
    generalise_m: int = 0,
    themes: Iterable[str] = (),
    target_groups: Iterable[str] = (),
    process: Process | None = None,
    pins: bool = True,
    user: Any = None,
) -> Consultation:
    """A new consultation of ``city`` in ``area`` (the city or one of its Quartiere) or in the polygon
    ``geom`` (EPSG:25832), open from ``opens_at`` until ``closes_at``."""
    _check_user(user)
    check_city(user, city.pk if city else None, field="city")
    consultation = Consultation(
        city=city,
        title=title,
        slug=slug,
        description=description,
        area=area,
        geom=_multipolygon(geom),
        opens_at=opens_at,
        closes_at=closes_at,
        categories=list(categories),
        moderation=moderation,
        allow_anonymous=allow_anonymous,
        generalise_m=generalise_m,
        themes=list(themes),
        target_groups=list(target_groups),
        process=process,
        pins=pins,
    )
    consultation_check(consultation)
    audited_save(CONSULTATION_RECORD, consultation, user=user, created=True)
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation_id: int, expected_revision: int | None, user: Any = None, **changes: Any
) -> Consultation:
    """Change the fields in ``changes`` (``CONSULTATION_FIELDS``) under a row lock; ``StaleVersion``
    when the consultation's revision is not ``expected_revision`` (None: no check). Giving ``area``
    without ``geom`` (or the other way round) replaces the other."""
    _check_user(user)
    unknown = set(changes) - CONSULTATION_FIELDS
    if unknown:
        raise TypeError(f"unknown Consultation fields: {', '.join(sorted(unknown))}")
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound(_("There is no such consultation."))
    check_city(user, consultation.city_id)
    if expected_revision is not None:
        current = consultation_revision(consultation)
        if current != expected_revision:
            raise StaleVersion(current)
    if changes.get("area") is not None and "geom" not in changes:
        changes["geom"] = None
    if changes.get("geom") is not None and "area" not in changes:
        changes["area"] = None
    if "geom" in changes:
        changes["geom"] = _multipolygon(changes["geom"])
    for name, value in changes.items():
        setattr(consultation, name, value)
    if "city" in changes:
        city = changes["city"]
        check_city(user, city.pk if city else None, field="city")
    if "slug" in changes and not changes["slug"]:
        consultation.slug = ""
    consultation_check(consultation)
    audited_save(CONSULTATION_RECORD, consultation, user=user, created=False)
    return consultation
