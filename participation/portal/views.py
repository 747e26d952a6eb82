"""The pages of /beteiligung/: every consultation of the city and region (list with filters, map,
calendar), a process with its steps, one consultation with its formats and evaluation, and the email
subscription (subscribe, confirm, unsubscribe). A bad filter parameter is a 400 page naming it; an
unknown consultation or process a 404. No inline script: the maps fetch their data as JSON
(static/participation/portal-map.js) and set every text with textContent."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from geo.errors import NotFound
from geo.pages import BadParameter, bad_request
from measures.models import Measure
from participation import formats
from participation.models import Consultation, Phase, Process, TargetGroup
from participation.portal import selectors, subscriptions
from participation.portal.selectors import Filters
from participation.portal.throttling import SubscribeThrottle
from quartiere.models import Area, Level


def _bad_request(request, error: BadParameter) -> HttpResponse:
    return bad_request(request, error, links=[(reverse("portal:list"), _("All consultations"))])


def _filter_context(filters: Filters) -> dict:
    return {
        "filters": filters,
        "phases": Phase.choices,
        "themes": selectors.themes(),
        "target_groups": TargetGroup.choices,
        "quartiere": selectors.quartiere_choices(),
        "formats": formats.formats(),
        "processes": Process.objects.order_by("title", "id"),
    }


def _query(request) -> str:
    """The filter parameters of the request (others dropped), for the links of map, calendar, feed."""
    kept = QueryDict(mutable=True)
    for name in selectors.PAGE_NAMES.values():
        if value := request.GET.get(name, ""):
            kept[name] = value
    return kept.urlencode()


def _map_config(data_url: str) -> dict:
    return {
        "dataUrl": data_url,
        "basemapUrl": settings.BASEMAP_URL,
        "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
        "pageUrl": reverse("portal:consultation", args=["__slug__"]),
        "phases": {value: str(label) for value, label in Phase.choices},
    }


@require_safe
def consultation_list(request):
    """``/beteiligung/``: every consultation, filtered by phase, theme, target group, Quartier, format
    and process (GET parameters, in SQL)."""
    try:
        filters = selectors.parse_filters(request.GET)
    except BadParameter as error:
        return _bad_request(request, error)
    rows = selectors.rows(selectors.consultations(filters))
    query = _query(request)
    suffix = f"?{query}" if query else ""
    return render(
        request,
        "participation/portal/list.html",
        {
            **_filter_context(filters),
            "rows": rows,
            "query": suffix,
            "map_config": _map_config(reverse("portal:map-data") + suffix),
        },
    )


@require_safe
def map_data(request):
    """``/beteiligung/karte.json``: the areas of the consultations the filters select, as GeoJSON
    (EPSG:4326)."""
    try:
        filters = selectors.parse_filters(request.GET)
    except BadParameter as error:
        return JsonResponse({error.name: [error.reason]}, status=400)
    ids = list(selectors.consultations(filters).values_list("pk", flat=True))
    return HttpResponse(selectors.features(ids), content_type="application/geo+json")


@require_safe
def calendar(request):
    """``/beteiligung/kalender/``: the openings and closings by month, an agenda list."""
    try:
        filters = selectors.parse_filters(request.GET)
    except BadParameter as error:
        return _bad_request(request, error)
    events = selectors.calendar(filters)
    months = [
        (month, list(items)) for month, items in groupby(events, key=lambda e: e["at"].date().replace(day=1))
    ]
    query = _query(request)
    return render(
        request,
        "participation/portal/calendar.html",
        {
            **_filter_context(filters),
            "months": months,
            "query": f"?{query}" if query else "",
            "today": timezone.localdate(),
        },
    )


@require_safe
def process(request, slug: str):
    """``/beteiligung/prozesse/<slug>/``: a process and its consultations as steps, by date."""
    found = get_object_or_404(Process.objects.select_related("city"), slug=slug)
    return render(
        request,
        "participation/portal/process.html",
        {"process": found, "steps": selectors.process_steps(found)},
    )


def _consultation_or_404(slug: str) -> Consultation:
    consultation = Consultation.objects.select_related("city", "area", "process").filter(slug=slug).first()
    if consultation is None:
        raise Http404(_("There is no consultation with this name."))
    return consultation


@require_safe
def consultation(request, slug: str):
    """``/beteiligung/<slug>/``: one consultation — description, dates, phase, area map, process and
    its other steps, the panels of its formats and, once published, its evaluation."""
    c = _consultation_or_404(slug)
    row = selectors.rows([c])[0]
    used = [fmt for fmt in row.formats if fmt.panel]
    panels = [html for fmt in used if (html := fmt.panel(request, c))]  # type: ignore[misc]
    steps = selectors.process_steps(c.process) if c.process is not None else []
    evaluated = c.evaluation_published_at is not None
    return render(
        request,
        "participation/portal/consultation.html",
        {
            "c": c,
            "row": row,
            "panels": panels + formats.panels("consultation", request, c),
            "steps": steps,
            "closed": row.phase in (Phase.CLOSED, Phase.EVALUATED),
            "evaluated": evaluated,
            "received": selectors.received(c) if row.phase in (Phase.CLOSED, Phase.EVALUATED) else [],
            "measures": Measure.objects.filter(consultations=c, published=True).order_by("title", "id")
            if evaluated
            else [],
            "map_config": _map_config(reverse("portal:consultation-map", args=[c.slug])),
        },
    )


@require_safe
def consultation_map(request, slug: str):
    """``/beteiligung/<slug>/karte.json``: the consultation's area as GeoJSON (EPSG:4326)."""
    c = _consultation_or_404(slug)
    return HttpResponse(selectors.features([c.pk]), content_type="application/geo+json")


# --- subscriptions -----------------------------------------------------------------------------


def _subscribe_page(request, *, status=200, errors=None, done=False, retry_after=None):
    context = {
        "themes": selectors.themes(),
        # every Quartier, also of a city without a consultation yet: a subscription waits for the first
        "quartiere": Area.objects.filter(level=Level.QUARTIER)
        .select_related("parent")
        .order_by("parent__name", "name"),
        "errors": errors or {},
        "done": done,
        "values": {
            "email": request.POST.get("email", ""),
            "quartier": request.POST.getlist("quartier"),
            "thema": request.POST.getlist("thema"),
        }
        if request.method == "POST" and not done
        else {},
        "retry_after": retry_after,
    }
    response = render(request, "participation/portal/subscribe.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """``/beteiligung/abonnieren/``: email + Quartiere + themes → a confirmation mail (double opt-in).
    Honeypot, throttled per client; the answer is the same whether the address was known or not."""
    if request.method != "POST":
        return _subscribe_page(request)
    throttle = SubscribeThrottle()
    if not throttle.allow_request(request, None):
        wait = int(throttle.wait() or 60) + 1
        return _subscribe_page(request, status=429, retry_after=wait)
    try:
        subscriptions.subscription_create(
            email=request.POST.get("email", ""),
            quartier_ids=request.POST.getlist("quartier"),
            themes=request.POST.getlist("thema"),
            honeypot=request.POST.get("website", ""),
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return _subscribe_page(request, status=400, errors=errors)
    return _subscribe_page(request, done=True)


@never_cache
@require_safe
def confirm(request, token: str):
    """``/beteiligung/abonnieren/bestaetigen/<token>/``: the link of the confirmation mail."""
    try:
        subscriptions.subscription_confirm(token=token)
    except NotFound as error:
        return render(request, "participation/portal/confirm.html", {"error": error.message}, status=404)
    return render(request, "participation/portal/confirm.html", {"error": ""})


@never_cache
@csrf_exempt  # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click"; the signed token is the secret
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """``/beteiligung/abbestellen/<token>/``: GET shows one button, POST (the button, or the mail
    program's one click) deletes the subscription. No login: the signed token names it."""
    if request.method != "POST":
        known = subscriptions.subscription_of_token(token) is not None
        return render(
            request,
            "participation/portal/unsubscribe.html",
            {"known": known, "done": False},
            status=200 if known else 404,
        )
    try:
        subscriptions.subscription_cancel(token=token)
    except NotFound:
        return render(
            request, "participation/portal/unsubscribe.html", {"known": False, "done": False}, status=404
        )
    return render(request, "participation/portal/unsubscribe.html", {"known": True, "done": True})
