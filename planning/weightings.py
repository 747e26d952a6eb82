"""The priority index's saved weightings (planning.models.Weighting; method: docs/priorities.md).

Every city has at most one default weighting (a partial unique constraint): the map layer, the report
and the API use it unless another one is named (``?weighting=<slug>``); a city without one uses the
settings (``priorities.default_weights``), which ``ensure_default`` saves as its default. Planners of
the city create (or copy), change and delete weightings; a default weighting cannot be deleted, and
only the weighting's creator deletes it. Bad values are a ``ServiceError`` naming the field.
"""

import math
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from geo.errors import Conflict, Forbidden, NotFound, ServiceError
from geo.permissions import require_planner
from indicators.models import Indicator
from planning import priorities as prio
from planning.models import WEIGHT_MAX, Weighting, WeightingIndicator
from quartiere.models import Area, Level
from staff.scope import check_city

COMPONENT_FIELDS = {
    "w_indicators": "indicators",
    "w_demand": "demand",
    "w_supply": "supply",
    "w_coverage": "coverage",
}
DEFAULT_NAME = "Standard"


def weights_of(weighting: Weighting) -> prio.Weights:
    """The index's ``Weights`` of a saved weighting (categories it does not name weigh as in the
    settings)."""
    base = prio.default_weights()
    categories = {**base.categories, **{k: float(v) for k, v in (weighting.category_weights or {}).items()}}
    chosen = dict(
        WeightingIndicator.objects.filter(weighting=weighting)
        .order_by("indicator__dimension", "indicator__key")
        .values_list("indicator__key", "weight")
    )
    return prio.Weights(
        indicators=weighting.w_indicators,
        demand=weighting.w_demand,
        supply=weighting.w_supply,
        coverage=weighting.w_coverage,
        categories=categories,
        indicator_weights=chosen,
    )


def default_of(city_id: int) -> Weighting | None:
    return Weighting.objects.filter(city_id=city_id, is_default=True).first()


def find(city_id: int, slug: str) -> Weighting | None:
    return Weighting.objects.filter(city_id=city_id, slug=slug[:100]).first()


def weights_for(city_id: int, slug: str | None = None) -> prio.Weights:
    """The weights of the city's weighting ``slug`` (None: its default; the settings when it has
    none). ``NotFound`` for an unknown slug."""
    weighting = find(city_id, slug) if slug else default_of(city_id)
    if weighting is None:
        if slug:
            raise NotFound(_("This city has no weighting %(slug)s.") % {"slug": slug[:100]}, "weighting")
        return prio.default_weights()
    return weights_of(weighting)


def weightings_of(city_id: int) -> list[Weighting]:
    return list(Weighting.objects.filter(city_id=city_id).order_by("-is_default", "name", "id"))


# --- validation -------------------------------------------------------------------------------------


def _weight(field: str, value: Any, *, positive: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ServiceError(_("Give a number."), field) from None
    if not math.isfinite(number) or number < 0 or number > WEIGHT_MAX:
        raise ServiceError(_("A weight lies between 0 and %(max)s.") % {"max": f"{WEIGHT_MAX:g}"}, field)
    return number


def _check(weighting: Weighting, indicator_weights: dict[str, float]) -> None:
    """Reject a weighting with which no Quartier could get a score (all weights 0)."""
    chosen = any(w > 0 for w in indicator_weights.values())
    total = weighting.w_demand + weighting.w_supply + weighting.w_coverage
    if total + (weighting.w_indicators if chosen else 0) <= 0:
        raise ServiceError(
            _(
                "At least one component (the indicators with an indicator chosen, demand, supply, "
                "coverage) needs a weight above 0."
            ),
            "w_demand",
        )


def _unique_slug(city_id: int, name: str) -> str:
    base = slugify(name)[:90] or "gewichtung"
    slug, n = base, 1
    while Weighting.objects.filter(city_id=city_id, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(weighting: Weighting, values: dict[str, Any]) -> dict[str, float] | None:
    """Set the fields named in ``values`` on ``weighting``; the indicator weights (by key) are
    returned to be written after it is saved (None: unchanged)."""
    unknown = set(values) - {"name", "description", "categories", "indicator_weights", *COMPONENT_FIELDS}
    if unknown:
        raise TypeError(f"unknown Weighting fields: {', '.join(sorted(unknown))}")
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name:
            raise ServiceError(_("Give the weighting a name."), "name")
        if len(name) > 100:
            raise ServiceError(_("At most 100 characters."), "name")
        if Weighting.objects.filter(city_id=weighting.city_id, name=name).exclude(pk=weighting.pk).exists():
            raise ServiceError(_("The city has a weighting of this name already."), "name")
        weighting.name = name
    if "description" in values:
        description = str(values["description"] or "")
        if len(description) > 2000:
            raise ServiceError(_("At most 2,000 characters."), "description")
        weighting.description = description
    for field in COMPONENT_FIELDS:
        if field in values:
            setattr(weighting, field, _weight(field, values[field]))
    if "categories" in values:
        from participation.models import Category

        categories = {}
        for key, value in dict(values["categories"]).items():
            if key not in Category.values:
                raise ServiceError(_("There is no category %(key)s.") % {"key": str(key)[:30]}, "categories")
            categories[key] = _weight(f"category.{key}", value)
        weighting.category_weights = categories
    chosen = None
    if "indicator_weights" in values:
        raw = dict(values["indicator_weights"])
        known = set(Indicator.objects.filter(key__in=list(raw)).values_list("key", flat=True))
        chosen = {}
        for key, value in raw.items():
            if key not in known:
                raise ServiceError(
                    _("There is no indicator %(key)s.") % {"key": str(key)[:60]}, f"ind.{key}"[:70]
                )
            weight = _weight(f"ind.{key}", value)
            if weight > 0:
                chosen[key] = weight
    return chosen


def _write_indicators(weighting: Weighting, chosen: dict[str, float]) -> None:
    WeightingIndicator.objects.filter(weighting=weighting).delete()
    ids = dict(Indicator.objects.filter(key__in=list(chosen)).values_list("key", "id"))
    WeightingIndicator.objects.bulk_create(
        [WeightingIndicator(weighting=weighting, indicator_id=ids[k], weight=w) for k, w in chosen.items()]
    )


def _current_indicators(weighting: Weighting) -> dict[str, float]:
    if weighting.pk is None:
        return {}
    return dict(
        WeightingIndicator.objects.filter(weighting=weighting).values_list("indicator__key", "weight")
    )


def _changed(weighting: Weighting) -> None:
    if weighting.is_default:
        from planning import snapshot

        snapshot.schedule(weighting.city_id)


def _city(city: Area | int) -> Area:
    area = city if isinstance(city, Area) else Area.objects.filter(pk=city).first()
    if area is None or area.level != Level.CITY:
        raise ServiceError(_("Choose a city."), "city")
    return area


# --- writes -----------------------------------------------------------------------------------------


@transaction.atomic
def weighting_create(
    *, city: Area | int, user: Any = None, copy_from: Weighting | None = None, **values: Any
) -> Weighting:
    """A new weighting of ``city`` (a copy of ``copy_from`` — of the same city — with ``values``
    changed, else the settings' weights with ``values``); not the default."""
    require_planner(user)
    area = _city(city)
    check_city(user, area.pk, field="city")
    if copy_from is not None and copy_from.city_id != area.pk:
        raise ServiceError(_("Copy a weighting of the same city."), "copy_from")
    base = weights_of(copy_from) if copy_from is not None else prio.default_weights()
    weighting = Weighting(
        city=area,
        created_by=user if user is not None and user.is_authenticated else None,
        w_indicators=base.indicators,
        w_demand=base.demand,
        w_supply=base.supply,
        w_coverage=base.coverage,
        category_weights=dict(base.categories),
        description=copy_from.description if copy_from is not None else "",
    )
    chosen = _apply(weighting, {"name": values.pop("name", ""), **values})
    indicators = chosen if chosen is not None else dict(base.indicator_weights)
    _check(weighting, indicators)
    weighting.slug = _unique_slug(area.pk, weighting.name)
    weighting.save()
    _write_indicators(weighting, indicators)
    return weighting


def _locked(weighting_id: int) -> Weighting:
    weighting = Weighting.objects.select_for_update().filter(pk=weighting_id).first()
    if weighting is None:
        raise NotFound(_("There is no such weighting."))
    return weighting


@transaction.atomic
def weighting_update(*, weighting_id: int, user: Any = None, **values: Any) -> Weighting:
    """Change the fields in ``values`` (name, description, w_*, categories, indicator_weights by
    key — those not named are dropped from the weighting)."""
    require_planner(user)
    weighting = _locked(weighting_id)
    check_city(user, weighting.city_id)
    chosen = _apply(weighting, values)
    _check(weighting, chosen if chosen is not None else _current_indicators(weighting))
    weighting.save()
    if chosen is not None:
        _write_indicators(weighting, chosen)
    _changed(weighting)
    return weighting


@transaction.atomic
def weighting_make_default(*, weighting_id: int, user: Any = None) -> Weighting:
    require_planner(user)
    weighting = _locked(weighting_id)
    check_city(user, weighting.city_id)
    if not weighting.is_default:
        Weighting.objects.filter(city_id=weighting.city_id, is_default=True).update(is_default=False)
        weighting.is_default = True
        weighting.save(update_fields=["is_default", "updated_at"])
        _changed(weighting)
    return weighting


@transaction.atomic
def weighting_delete(*, weighting_id: int, user: Any = None) -> None:
    """Delete a weighting that is not the city's default; its creator does (or a superuser, or a
    system write)."""
    require_planner(user)
    weighting = _locked(weighting_id)
    check_city(user, weighting.city_id)
    if weighting.is_default:
        raise Conflict(_("The default weighting cannot be deleted: make another one the default first."))
    if user is not None and not user.is_superuser and weighting.created_by_id != user.pk:
        raise Forbidden(_("Only its creator deletes a weighting."))
    weighting.delete()


@transaction.atomic
def ensure_default(
    city: Area | int, *, indicators: dict[str, float] | None = None, name: str = DEFAULT_NAME
) -> Weighting:
    """The city's default weighting; when it has none, one is saved with the settings' weights (so the
    index is what it was without one) and ``indicators`` (key → weight; keys not in the catalogue are
    skipped). A system write."""
    area = _city(city)
    existing = Weighting.objects.select_for_update().filter(city=area, is_default=True).first()
    if existing is not None:
        return existing
    known = set(Indicator.objects.filter(key__in=list(indicators or {})).values_list("key", flat=True))
    chosen = {k: w for k, w in (indicators or {}).items() if k in known and w > 0}
    base = prio.default_weights()
    weighting = Weighting.objects.create(
        city=area,
        name=name,
        slug=_unique_slug(area.pk, name),
        description=_("The city's default weighting."),
        is_default=True,
        w_indicators=base.indicators,
        w_demand=base.demand,
        w_supply=base.supply,
        w_coverage=base.coverage,
        category_weights=dict(base.categories),
    )
    _write_indicators(weighting, chosen)
    _changed(weighting)
    return weighting


def weighting_components(weights: prio.Weights) -> dict[str, float]:
    """The component weights that apply: the indicators' only with an indicator chosen."""
    chosen = any(w > 0 for w in weights.indicator_weights.values())
    return {
        **({"indicators": weights.indicators} if chosen else {}),
        "demand": weights.demand,
        "supply": weights.supply,
        "coverage": weights.coverage,
    }
