"""The city pages: ``/staedte/`` (every city, searchable without script), ``/staedte/<ags>/`` (a city's
home: profile, Quartiere, measures, consultations, priority summary, map), its Quartier profiles
``/staedte/<ags>/quartiere/<slug>/``, its report ``/staedte/<ags>/bericht/`` and its consultations
``/staedte/<ags>/beteiligung/`` and development plans ``/staedte/<ags>/bauleitplaene/``. A city is
addressed by its AGS (quartiere.links); an unknown one is a 404 page, a malformed parameter a 400 page
naming it. ``/`` is the home city's page (canonical: its long address). The switcher's form
(templates/base.html) sends ``?ags=`` to ``/staedte/``."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Area as AreaOf
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from geo.pages import BadParameter, bad_request, page_of
from measures.budget import BudgetFilter, budget_summary
from measures.models import Measure
from participation.models import Consultation
from participation.portal import selectors as portal
from planning import priorities as prio
from planning import views
from plans import selectors as plan_selectors
from plans.codes import GROUPS as PLAN_GROUPS
from plans.models import DevelopmentPlan, PlanKind
from quartiere.links import city_url, consultations_url, is_ags, plans_url, quartier_url, report_url
from quartiere.models import Area, Level, PlaceKey
from quartiere.selectors import area_extent, counties, county_key, home_city

SEARCH_MAX = 100  # characters of ?q=
PLANS_PAGE = 100  # plans on a page of /staedte/<ags>/bauleitplaene/
CONSULTATIONS_SHOWN = 10  # on the city's home; every one on /staedte/<ags>/beteiligung/
PRIORITIES_SHOWN = 5
PLAN_HEADINGS: dict[str, Any] = {  # by kind
    PlanKind.BP: gettext_lazy("Binding land-use plans (Bebauungspläne)"),
    PlanKind.FP: gettext_lazy("Preparatory land-use plans (Flächennutzungspläne)"),
}


def _bad_request(request, error: BadParameter) -> HttpResponse:
    return bad_request(request, error, links=[(reverse("cities:index"), _("All cities"))])


def _search(request) -> str:
    """``?q=``, stripped: at most SEARCH_MAX characters."""
    q = request.GET.get("q", "").strip()
    if len(q) > SEARCH_MAX or "\x00" in q:
        raise BadParameter("q", _("a search has at most %(n)s characters.") % {"n": SEARCH_MAX})
    return q


def _city_or_404(ags: str) -> Area:
    city = (
        Area.objects.filter(level=Level.CITY, code=ags).defer("geom").annotate(surface=AreaOf("geom")).first()
    )
    if city is None:
        raise Http404(_("There is no city with this official key (AGS)."))
    return city


def _count(model, **outer) -> Coalesce:
    """A correlated count of ``model``'s rows of the outer city (no join fan-out)."""
    counted = (
        model.objects.filter(**outer).order_by().values(*outer.keys()).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted), Value(0))


@dataclass
class County:
    key: str
    name: str
    cities: list[dict[str, Any]] = field(default_factory=list)


@require_safe
def index(request) -> HttpResponse:
    """``/staedte/``: every city by county, with how many Quartiere, published measures and
    consultations each has; ``?q=`` searches the names, ``?kreis=`` (5 digits) keeps one county. The
    switcher's ``?ags=`` goes to that city's page (``region``: to ``/region/``)."""
    ags = request.GET.get("ags", "").strip()
    if ags:
        if ags == "region":
            return HttpResponseRedirect(reverse("region:region"))
        if not is_ags(ags):
            return _bad_request(
                request, BadParameter("ags", _("an official municipality key (AGS) has eight digits."))
            )
        if not Area.objects.filter(level=Level.CITY, code=ags).exists():
            raise Http404(_("There is no city with this official key (AGS)."))
        return HttpResponseRedirect(reverse("cities:city", args=[ags]))
    try:
        q = _search(request)
        county = request.GET.get("kreis", "").strip()
        if county and not (len(county) == 5 and county.isascii() and county.isdigit()):
            raise BadParameter("kreis", _("a county key has five digits."))
    except BadParameter as error:
        return _bad_request(request, error)
    cities = Area.objects.filter(level=Level.CITY).defer("geom")
    if q:
        cities = cities.annotate(key=PlaceKey("name")).filter(
            Q(key__contains=PlaceKey(Value(q))) | Q(code__startswith=q)
        )
    if county:
        cities = cities.filter(code__startswith=county)
    cities = cities.annotate(
        n_quartiere=_count(Area, parent=OuterRef("pk")),
        n_measures=_count(Measure, city=OuterRef("pk"), published=True),
        n_consultations=_count(Consultation, city=OuterRef("pk")),
    ).order_by("name", "code")  # alphabetical within each county
    names = counties()
    groups: dict[str, County] = {}
    total = 0
    for city in cities:
        key = county_key(city.code)
        group = groups.setdefault(key, County(key, names.get(key, key or _("Other"))))
        group.cities.append(
            {
                "name": city.name,
                "url": city_url(city),
                "n_quartiere": city.n_quartiere,
                "n_measures": city.n_measures,
                "n_consultations": city.n_consultations,
            }
        )
        total += 1
    return render(
        request,
        "planning/cities/index.html",
        {
            "groups": sorted(groups.values(), key=lambda g: g.name),
            "counties": sorted(names.items(), key=lambda kv: kv[1]),
            "q": q,
            "county": county,
            "total": total,
        },
    )


def _priority_summary(city: Area) -> dict[str, Any] | None:
    """The Quartiere of highest priority (overall) and the number of gaps; None without Quartiere."""
    index = prio.priorities(city=city.pk)
    rows = [r for r in index["results"] if r["dimension"] == "all" and r["rank"] is not None]
    if not index["results"]:
        return None
    rows.sort(key=lambda r: r["rank"])
    top = [{**r, "url": quartier_url(city, r["quartier"]["slug"])} for r in rows[:PRIORITIES_SHOWN]]
    return {"top": top, "gaps": len([g for g in index["gaps"] if g["dimension"] == "all"])}


def render_city(request, city: Area | None) -> HttpResponse:
    """A city's home page, at ``/staedte/<ags>/`` and (the home city's) at ``/``."""
    quartiere = (
        list(Area.objects.filter(level=Level.QUARTIER, parent=city).defer("geom").order_by("name"))
        if city
        else []
    )
    context: dict[str, Any] = {
        "city": city,
        "quartiere": [{"name": q.name, "url": quartier_url(city, q.slug)} for q in quartiere] if city else [],
    }
    if city is not None:
        surface = getattr(city, "surface", None)
        km2 = surface.sq_m / 1e6 if surface is not None else None
        consultations = portal.rows(portal.consultations().filter(city=city)[:CONSULTATIONS_SHOWN])
        context.update(
            canonical=city_url(city),
            km2=km2,
            density=(city.population / km2) if city.population and km2 else None,
            measures=Measure.objects.filter(city=city, published=True).count(),
            budget=budget_summary(filters=BudgetFilter(city=city.pk))["total"]["total"],
            consultations=consultations,
            consultations_total=Consultation.objects.filter(city=city).count(),
            consultations_url=consultations_url(city),
            plans_total=DevelopmentPlan.objects.filter(city=city).count(),
            plans_url=plans_url(city),
            measures_url=reverse("transparency:measures") + f"?stadt={city.pk}",
            report_url=report_url(city) if quartiere else None,
            priorities=_priority_summary(city) if quartiere else None,
        )
    context["map_config"] = {
        # the city's Quartiere, or its own outline while it has none
        "areasUrl": (
            reverse("area-list") + f"?level=quartier&limit=1000&parent={city.pk}"
            if quartiere
            else reverse("area-detail", args=[city.pk])
        )
        if city
        else reverse("area-list") + "?level=quartier&limit=1000",
        "basemapUrl": settings.BASEMAP_URL,
        "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
        # where the map starts while the areas load (None: no city, the whole world)
        "view": area_extent(area_id=city.pk) if city else None,
    }
    return render(request, "planning/cities/city.html", context)


@require_safe
def home(request):
    """``/``: the home city's page (``quartiere.selectors.home_city``); canonical: its long address."""
    city = home_city()
    if city is not None:
        city = _city_or_404(city.code) if is_ags(city.code) else city
    return render_city(request, city)


@require_safe
def city(request, ags: str):
    """``/staedte/<ags>/``: the city's home."""
    return render_city(request, _city_or_404(ags))


@require_safe
def quartier(request, ags: str, slug: str):
    """``/staedte/<ags>/quartiere/<slug>/``: a Quartier profile within its city."""
    found = views.city_quartier_or_404(ags, slug)
    return views.render_profile(
        request,
        found,
        map_script=reverse("cities:quartier-map", args=[ags, slug]),
        map_data=reverse("cities:quartier-map-data", args=[ags, slug]),
    )


@require_safe
def quartier_map_js(request, ags: str, slug: str):
    return views.profile_map_js_of(views.city_quartier_or_404(ags, slug))


@require_safe
def quartier_map_data(request, ags: str, slug: str):
    return views.profile_map_data_of(views.city_quartier_or_404(ags, slug))


@require_safe
def report(request, ags: str):
    """``/staedte/<ags>/bericht/``: the city's report."""
    found = _city_or_404(ags)
    return views.render_report(
        request,
        found,
        map_script=reverse("cities:report-maps", args=[ags]),
        map_data=reverse("cities:report-maps-data", args=[ags]),
        downloads=[(fmt, reverse("cities:report-download", args=[ags, fmt])) for fmt in views.REPORT_FORMATS],
    )


@require_safe
def report_maps_js(request, ags: str):
    return views.report_maps_js_of(_city_or_404(ags))


@require_safe
def report_maps_data(request, ags: str):
    return views.report_maps_data_of(_city_or_404(ags))


@require_safe
def report_download(request, ags: str, fmt: str):
    if fmt not in views.REPORT_FORMATS:
        raise Http404
    return views.report_download_of(_city_or_404(ags), fmt)


@require_safe
def consultations(request, ags: str):
    """``/staedte/<ags>/beteiligung/``: every consultation of the city, newest opening first."""
    found = _city_or_404(ags)
    return render(
        request,
        "planning/cities/consultations.html",
        {
            "city": found,
            "city_url": city_url(found),
            "rows": portal.rows(portal.consultations().filter(city=found)),
        },
    )


@require_safe
def plans(request, ags: str):
    """``/staedte/<ags>/bauleitplaene/``: the city's development plans from its XPlanGML files, by kind
    and number, each with its legal status, dates and the Quartiere it touches. ``?q=`` keeps the plans
    whose number or name contains it, ``?rechtsstand=`` those of one status group (plans.codes.GROUPS);
    a bad value is a 400 page naming the parameter."""
    found = _city_or_404(ags)
    try:
        q = _search(request)
        status = request.GET.get("rechtsstand", "").strip()
        if status and status not in PLAN_GROUPS:
            raise BadParameter("rechtsstand", _("one of %(values)s.") % {"values": ", ".join(PLAN_GROUPS)})
        paged = page_of(request, plan_selectors.city_plans(found.pk, text=q, status_group=status), PLANS_PAGE)
    except BadParameter as error:
        return _bad_request(request, error)
    rows = plan_selectors.with_quartiere(found.pk, paged.rows)
    filtered = bool(q or status)
    total = DevelopmentPlan.objects.filter(city=found).count() if filtered else paged.paginator.count
    for row in rows:
        for quartier in row["quartiere"]:
            quartier["url"] = quartier_url(found, quartier["slug"])
    groups = [
        {"kind": kind, "heading": PLAN_HEADINGS[kind], "plans": [row for row in rows if row["kind"] == kind]}
        for kind in PlanKind.values
    ]
    return render(
        request,
        "planning/cities/plans.html",
        {
            "city": found,
            "city_url": city_url(found),
            "total": total,
            "shown": paged.paginator.count,
            "paged": paged,
            "filtered": filtered,
            "q": q,
            "status": status,
            "statuses": list(PLAN_GROUPS.items()),
            "groups": [group for group in groups if group["plans"]],
        },
    )
