"""Public pages: ``/massnahmen/`` (published measures, filtered, sorted, paginated), ``/massnahmen/<id>/``
(one measure with its history, budget, places, strategy and the contributions that led to it),
``/strategie/`` (the strategy tree with each goal's progress). Every bad query parameter is a 400 page
naming it; an unpublished or unknown measure is a 404. No inline script: the measure's map fetches its
data from ``/massnahmen/<id>/karte.json`` (static/planning/measure_map.js)."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from geo.pages import BadParameter, bad_request, page_of
from measures.models import ActionField, Dimension, FundingSource, LinkKind, MeasureStatus
from measures.paper_links import measure_papers
from participation import formats
from participation.models import Category, Origin, Outcome
from planning import reports
from planning.transparency import selectors
from quartiere.links import quartier_url
from quartiere.models import Area, Level

PAGE_SIZE = 20


def _bad_request(request, error: BadParameter):
    return bad_request(
        request,
        error,
        links=[
            (reverse("transparency:measures"), _("All measures")),
            (reverse("transparency:strategy"), _("Strategy")),
        ],
    )


def _choice(query, name: str, choices: list[str]) -> str | None:
    raw = query.get(name, "")
    if raw == "":
        return None
    if raw not in choices:
        raise BadParameter(name, _("it must be one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return raw


def city_of(request) -> Area:
    """The city of ``?stadt=`` (id or slug), else the first; 400 for one that does not exist, 404 when
    there is no city at all."""
    key = request.GET.get("stadt", "")
    if "\x00" in key:
        raise BadParameter("stadt", _("there is no such city."))
    city = reports.default_city(key or None)
    if city is None:
        if key:
            raise BadParameter("stadt", _("there is no such city."))
        raise Http404(_("There is no city yet."))
    return city


@dataclass(frozen=True)
class ListQuery:
    filters: selectors.MeasureFilter
    sort: str
    quartier_slug: str
    action_field_slug: str


def _list_query(request, city: Area) -> ListQuery:
    query = request.GET
    status = _choice(query, "status", MeasureStatus.values)
    dimension = _choice(query, "dimension", Dimension.values)
    sort = _choice(query, "sort", list(selectors.SORTS)) or "title"
    quartier_slug = query.get("quartier", "")
    quartier = None
    if quartier_slug:
        found = Area.objects.filter(level=Level.QUARTIER, parent=city, slug=quartier_slug[:200])
        quartier = found.values_list("pk", flat=True).first() if "\x00" not in quartier_slug else None
        if quartier is None:
            raise BadParameter(
                "quartier", _("there is no Quartier with this name in %(city)s.") % {"city": city.name}
            )
    field_slug = query.get("action_field", "")
    action_field = None
    if field_slug:
        fields = ActionField.objects.filter(slug=field_slug[:200])
        action_field = fields.values_list("pk", flat=True).first() if "\x00" not in field_slug else None
        if action_field is None:
            raise BadParameter("action_field", _("there is no action field with this name."))
    return ListQuery(
        filters=selectors.MeasureFilter(
            city=city.pk, status=status, dimension=dimension, quartier=quartier, action_field=action_field
        ),
        sort=sort,
        quartier_slug=quartier_slug if quartier else "",
        action_field_slug=field_slug if action_field else "",
    )


def _status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in MeasureStatus.choices}


def _dimension_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Dimension.choices}


def _sort_labels() -> list[tuple[str, str]]:
    return [
        ("title", _("title (A–Z)")),
        ("-title", _("title (Z–A)")),
        ("status", _("status (idea first)")),
        ("-status", _("status (done first)")),
        ("-budget", _("budget (largest first)")),
        ("budget", _("budget (smallest first)")),
        ("-updated", _("last changed (newest first)")),
        ("updated", _("last changed (oldest first)")),
    ]


@require_safe
def measure_list(request):
    """``/massnahmen/``: the city's published measures (``?stadt=``, filters ``status``, ``dimension``,
    ``quartier`` (slug), ``action_field`` (slug), ``sort`` and ``page``)."""
    try:
        city = city_of(request)
        query = _list_query(request, city)
        paged = page_of(request, selectors.published_measures(query.filters, sort=query.sort), PAGE_SIZE)
    except BadParameter as error:
        return _bad_request(request, error)
    statuses, dimensions = _status_labels(), _dimension_labels()
    rows = [
        {
            "measure": m,
            "status": statuses.get(m.status, m.status),
            "dimensions": ", ".join(dimensions.get(d, d) for d in m.dimensions),
            "quartiere": [link.area for link in m.quartier_links],
        }
        for m in paged.rows
    ]
    return render(
        request,
        "planning/transparency/measure_list.html",
        {
            "city": city,
            "rows": rows,
            "paged": paged,
            "query": query,
            "filters_active": any(
                request.GET.get(k) for k in ("status", "dimension", "quartier", "action_field")
            ),
            "statuses": MeasureStatus.choices,
            "dimensions": Dimension.choices,
            "quartiere": selectors.quartiere_of(city.pk),
            "action_fields": ActionField.objects.order_by("position", "name").only("name", "slug"),
            "sorts": _sort_labels(),
            "feed_url": reverse("transparency:city-feed") + _city_query(request, city),
        },
    )


def _city_query(request, city: Area) -> str:
    return f"?stadt={city.slug}" if request.GET.get("stadt") else ""


def _measure_or_404(pk: int) -> selectors.MeasurePage:
    page = selectors.measure_page(pk) if pk < 2**62 else None
    if page is None:
        raise Http404(_("There is no published measure with this number."))
    return page


@require_safe
def measure_detail(request, pk: int):
    """``/massnahmen/<id>/``: one published measure as the public sees it."""
    data = _measure_or_404(pk)
    measure = data.measure
    statuses, dimensions = _status_labels(), _dimension_labels()
    history = [
        {
            **entry,
            "old_label": statuses.get(entry["old"], entry["old"]) if entry["old"] else "",
            "new_label": statuses.get(entry["new"], entry["new"]) if entry["new"] else "",
        }
        for entry in data.status_history
    ]
    funding = [(source, str(label)) for source, label in FundingSource.choices]
    kinds = {value: str(label) for value, label in LinkKind.choices}
    levels = {int(level): str(level.label) for level in Level}
    outcomes = {value: str(label) for value, label in Outcome.choices}
    categories = {value: str(label) for value, label in Category.choices}
    origins = {value: str(label) for value, label in Origin.choices}
    fields: dict[int, ActionField] = {}
    for goal in data.goals:
        fields.setdefault(goal.action_field_id, goal.action_field)
    return render(
        request,
        "planning/transparency/measure_detail.html",
        {
            "m": measure,
            "data": data,
            "status": statuses.get(measure.status, measure.status),
            "dimensions": ", ".join(dimensions.get(d, d) for d in measure.dimensions),
            "history": history,
            "funding": funding,
            "years": [(row, [row.by_funding[s] for s, _label in funding]) for row in data.years],
            "funding_totals": [data.funding_totals[s] for s, _label in funding],
            "lines": [
                {
                    "line": line,
                    "kind": line.get_kind_display(),
                    "funding": line.get_funding_display(),
                    "status": line.get_status_display(),
                }
                for line in data.lines
            ],
            "links": [
                {
                    "area": link.area,
                    "level": levels.get(link.level, ""),
                    "share": link.share,
                    "kind": kinds.get(link.kind, link.kind),
                    "is_quartier": link.level == Level.QUARTIER,
                    # a regional measure may touch the Quartiere of several cities: each one's address
                    "url": quartier_url(link.area.parent, link.area.slug)
                    if link.level == Level.QUARTIER and link.area.parent
                    else None,
                }
                for link in data.links
            ],
            "action_fields": list(fields.values()),
            "contributions": [
                {
                    "c": c,
                    "category": categories.get(c.category, c.category),
                    "origin": origins.get(c.origin, c.origin),
                    "response": getattr(c, "response", None),
                    "outcome": outcomes.get(c.response.outcome, "") if hasattr(c, "response") else "",
                }
                for c in data.contributions
            ],
            "map_url": reverse("transparency:measure-map", args=[measure.pk]),
            "basemap_url": settings.BASEMAP_URL,
            "basemap_attribution": settings.BASEMAP_ATTRIBUTION,
            "feed_url": reverse("transparency:city-feed"),
            # what the formats add under it (participation.formats), e.g. the discussion
            "panels": formats.panels("measure", request, measure),
            "papers": measure_papers(measure.pk),
        },
    )


@require_safe
def measure_map_data(request, pk: int):
    """The measure's small map as JSON: ``{"measure": FeatureCollection (EPSG:4326)}`` — its geometry,
    or the outline of its declared scope."""
    measure = selectors.public_measure(pk) if pk < 2**62 else None
    if measure is None:
        raise Http404(_("There is no published measure with this number."))
    response = JsonResponse({"measure": selectors.measure_map_features(measure)})
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def strategy(request):
    """``/strategie/``: action fields → strategic goals → master plans → published measures, with each
    goal's progress (measures per status, budget in EUR)."""
    try:
        city = city_of(request)
    except BadParameter as error:
        return _bad_request(request, error)
    statuses = _status_labels()
    tree = selectors.strategy_tree(city.pk)
    fields = []
    for action_field in tree:
        goals = []
        for goal in action_field.goals.all():
            done = selectors.progress(goal.public_measures)
            done["counts"] = [(s, statuses.get(s, s), n) for s, n in done["counts"]]
            goals.append({"goal": goal, "progress": done, "measures": goal.public_measures})
        fields.append({"field": action_field, "goals": goals, "plans": action_field.plans})
    return render(
        request,
        "planning/transparency/strategy.html",
        {
            "city": city,
            "fields": fields,
            "status_labels": statuses,
            "feed_url": reverse("transparency:city-feed") + _city_query(request, city),
        },
    )
