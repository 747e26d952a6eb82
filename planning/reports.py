"""Reads behind the Quartier profile and the city report: a fixed number of statements per page,
whatever the number of measures (no N+1), and their shaping for the page (translated labels, the
chart's series). Amounts in EUR, surfaces in km² (EPSG:25832)."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _

from geo.sql import load
from measures.budget import BudgetFilter, budget_summary
from measures.models import Dimension, MeasureStatus
from participation.models import Category, Outcome
from planning import priorities as prio
from quartiere.models import Area, Level
from quartiere.selectors import home_city, home_city_queryset

RESPONSES_SHOWN = 20


def _rows(name: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, name), params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def quartier_by_slug(slug: str, *, city: str | None = None) -> Area | None:
    """The Quartier with ``slug``, its city selected: of the city with slug ``city`` when given (slugs
    are unique per city); else of the home city (``quartiere.selectors.home_city``), else the only one
    of that name in the other cities (None when several cities have one: the address is ambiguous)."""
    quartiere = Area.objects.select_related("parent").filter(level=Level.QUARTIER, slug=slug[:200])
    if city:
        return quartiere.filter(parent__slug=city[:200]).order_by("parent_id", "id").first()
    # one statement: the home city's first, then at most one more to tell "the only one" apart
    home = Q(parent_id__in=home_city_queryset().values("pk"))
    found = list(
        quartiere.annotate(at_home=ExpressionWrapper(home, output_field=BooleanField())).order_by(
            "-at_home", "parent_id", "id"
        )[:2]
    )
    if found and (found[0].at_home or len(found) == 1):
        return found[0]
    return None


def quartier_of_city(ags: str, slug: str) -> Area | None:
    """The Quartier ``slug`` of the city with the official key ``ags``, its city selected."""
    return (
        Area.objects.select_related("parent")
        .filter(level=Level.QUARTIER, slug=slug[:200], parent__level=Level.CITY, parent__code=ags)
        .first()
    )


def city_by_ags(ags: str) -> Area | None:
    """The city with the official key ``ags`` (without its geometry)."""
    return Area.objects.filter(level=Level.CITY, code=ags).defer("geom").first()


def default_city(key: str | None = None) -> Area | None:
    """The city named by id or slug, else the home city (``quartiere.selectors.home_city``)."""
    cities = Area.objects.filter(level=Level.CITY)
    if key:
        if key.isascii() and key.isdigit() and len(key) <= 18:
            return cities.filter(pk=int(key)).first()
        return cities.filter(slug=key[:200]).order_by("id").first()
    return home_city()


@dataclass
class Profile:
    quartier: Area
    indicators: dict[str, dict[str, Any]]  # "quartier" / "city" → values
    measures: list[dict]
    budget_by_year: list[dict]
    contributions_by_category: list[dict]
    responses: list[dict]
    priorities: list[dict]  # the Quartier's rows of the city's priority index, one per dimension


def quartier_profile(quartier: Area) -> Profile:
    """Everything the profile page shows about ``quartier`` (its city selected): four statements."""
    params = {"quartier": quartier.pk, "responses": RESPONSES_SHOWN}
    indicators = {row.pop("scope"): row for row in _rows("profile_indicators", params)}
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "profile_measures"), params)
        measures, budget = cursor.fetchone()
        cursor.execute(load(__file__, "profile_contributions"), params)
        by_category, responses = cursor.fetchone()
    if quartier.parent_id is None:
        raise ValueError(f"{quartier} has no city: it is not a Quartier")
    ranking = prio.priorities(city=quartier.parent_id, sensitivity=True)["results"]
    return Profile(
        quartier=quartier,
        indicators=indicators,
        measures=json.loads(measures),
        budget_by_year=json.loads(budget),
        contributions_by_category=json.loads(by_category),
        responses=json.loads(responses),
        priorities=[row for row in ranking if row["quartier"]["id"] == quartier.pk],
    )


def label_sensitivity(rows: list[dict]) -> None:
    """Give each weight that moves a row's rank (``sensitivity.moved_by``) a label in the page's
    language: the component's name, or the indicator's name for ``ind.<key>``."""
    from django.utils.translation import get_language

    from indicators.models import Indicator

    keys = {
        m["weight"][4:]
        for row in rows
        for m in (row.get("sensitivity") or {}).get("moved_by", [])
        if m["weight"].startswith("ind.")
    }
    language = get_language() or "de"
    names = {i.key: i.name_in(language) for i in Indicator.objects.filter(key__in=keys)} if keys else {}
    components = {
        "indicators": _("Indicators (evidence)"),
        "demand": _("Demand"),
        "supply": _("Supply"),
        "coverage": _("Coverage"),
    }
    for row in rows:
        for m in (row.get("sensitivity") or {}).get("moved_by", []):
            weight = m["weight"]
            m["label"] = (
                names.get(weight[4:], weight[4:]) if weight.startswith("ind.") else components[weight]
            )


def profile_dimension_labels() -> dict[str, str]:
    """The dimensions' translated names by key, and ``none`` for measures without a dimension."""
    return {**{d.value: str(d.label) for d in Dimension}, "none": _("no dimension")}


def profile_label(profile: Profile, labels: dict[str, str]) -> None:
    """Give the profile's rows their translated labels (``labels``: ``profile_dimension_labels()``):
    a measure's status and dimensions, a category, a response's outcome and category and its date as
    a date (the template writes it in the page's language), a priority row's dimension."""
    statuses = dict(MeasureStatus.choices)
    categories = dict(Category.choices)
    outcomes = dict(Outcome.choices)
    for measure in profile.measures:
        measure["status_label"] = statuses.get(measure["status"], measure["status"])
        measure["dimension_labels"] = ", ".join(str(labels.get(d, d)) for d in measure["dimensions"])
    for row in profile.contributions_by_category:
        row["label"] = categories.get(row["category"], row["category"])
    for row in profile.responses:
        row["outcome_label"] = outcomes.get(row["outcome"], row["outcome"])
        row["category_label"] = categories.get(row["category"], row["category"])
        row["date"] = dt.date.fromisoformat(row["date"]) if row["date"] else None  # ISO text in the JSON
    label_sensitivity(profile.priorities)
    for row in profile.priorities:
        row["dimension_label"] = _("overall") if row["dimension"] == "all" else labels[row["dimension"]]


def profile_budget_chart(budget_by_year: list[dict], labels: dict[str, str]) -> dict[str, Any]:
    """The profile's budget chart for ``static/planning/charts.js``: per fiscal year, the Quartier's
    share of the budget (EUR) in one series per dimension that has any (``none``: measures without
    a dimension), titled in the page's language."""
    years = sorted({row["year"] for row in budget_by_year})
    series = []
    for key in [*Dimension.values, "none"]:
        rows = [row for row in budget_by_year if row["dimension"] == key]
        if rows:
            values = [sum(float(row["amount"]) for row in rows if row["year"] == year) for year in years]
            series.append({"key": key, "label": labels[key], "values": values})
    return {
        "years": years,
        "series": series,
        "currency": "EUR",
        "title": _("Budget per fiscal year by dimension (EUR, the Quartier's share)"),
    }


@dataclass
class Report:
    city: Area
    priorities: list[dict]
    gaps: list[dict]
    budget_by_year: dict
    budget_by_dimension: dict
    budget_by_funding: dict
    weighting: Any = None  # the planning.models.Weighting shown (None: the settings' weights)
    weights: Any = None  # its priorities.Weights


def city_report(city: Area, weighting: Any = None) -> Report:
    """The city report: the priority index (with ``weighting``, default: the city's default one) with
    its sensitivity and gaps, and budget sums by year, dimension and funding source (measures.budget,
    the rule of docs/budget.md)."""
    from planning import weightings

    weighting = weighting or weightings.default_of(city.pk)
    weights = weightings.weights_of(weighting) if weighting else prio.default_weights()
    index = prio.priorities(city=city.pk, weights=weights, sensitivity=True)
    filters = BudgetFilter(city=city.pk)
    return Report(
        city=city,
        weighting=weighting,
        weights=weights,
        priorities=index["results"],
        gaps=index["gaps"],
        budget_by_year=budget_summary(filters=filters, group_by="year"),
        budget_by_dimension=budget_summary(filters=filters, group_by="dimension"),
        budget_by_funding=budget_summary(filters=filters, group_by="funding"),
    )


def city_report_priorities(city: Area, *, sensitivity: bool = False) -> list[dict]:
    """The city's priority rows (all dimensions, the city's default weighting) for the maps and, with
    ``sensitivity`` (the rank range under ±20 % weights, about twice the cost), the downloads."""
    return prio.priorities(city=city.pk, sensitivity=sensitivity)["results"]


def rank_range(row: dict) -> tuple[int | None, int | None]:
    """The best and worst rank of a priority row when each weight moves ±20 % (None without them)."""
    sensitivity = row.get("sensitivity") or {}
    return sensitivity.get("best"), sensitivity.get("worst")


def wide_priorities(rows: list[dict]) -> dict[int, dict[str, Any]]:
    """The priority rows by Quartier id as flat attributes: the 'all' components and, per dimension,
    score, rank and gap (for the map layer of the report and the GeoJSON/GeoPackage export)."""
    wide: dict[int, dict[str, Any]] = {}
    for row in rows:
        q = row["quartier"]
        attrs = wide.setdefault(
            q["id"], {"name": q["name"], "slug": q["slug"], "population": q["population"]}
        )
        d = row["dimension"]
        attrs[f"score_{d}"] = row["score"]
        attrs[f"rank_{d}"] = row["rank"]
        best, worst = rank_range(row)
        attrs[f"rank_best_{d}"] = best
        attrs[f"rank_worst_{d}"] = worst
        attrs[f"gap_{d}"] = row["gap"]
        if d == "all":
            c = row["components"]
            attrs.update(
                # the indicators of the weighting without a value here: no score, no rank
                missing=",".join(row.get("missing") or []),
                need_indicators=(c.get("indicators") or {}).get("need"),
            )
            attrs.update(
                contributions=c["demand"]["contributions"],
                demand_per_1000=c["demand"]["per_1000"],
                measures=c["supply"]["measures"],
                budget_eur=c["supply"]["budget_eur"],
                budget_per_inhabitant=c["supply"]["budget_per_inhabitant"],
                coverage=c["coverage"]["share"],
            )
    return wide
