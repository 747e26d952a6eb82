"""The public pages of events under /beteiligung/: the list (``veranstaltungen/``), one event with its
registration form (``veranstaltungen/<id>/``), its iCalendar file (``veranstaltungen/<id>.ics``), the
cancellation page of the secret link (``veranstaltungen/abmelden/#<id>.<token>``) and the calendar
feed of all consultations and events (``kalender.ics``). No email address ever appears in them."""

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from events import ical, selectors, services
from events.models import NAME_MAX, PEOPLE_MAX, Event, Kind
from events.throttling import RegistrationThrottle
from geo.errors import Conflict, NotFound, ServiceError
from measures.backoffice.forms import OfficeForm
from participation.views import parse_delete_code

FILTER_MAX = 100  # characters of a filter value looked at


def base_url(request) -> str:
    """Scheme and host of the links in mails and feeds: ``PUBLIC_URL``, else the request's."""
    return settings.PUBLIC_URL or f"{request.scheme}://{request.get_host()}"


def _host(request) -> str:
    return base_url(request).split("://", 1)[-1].split("/", 1)[0]


def _filters(request) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:FILTER_MAX] for name in ("kind", "quartier", "theme")}


@require_safe
def event_list(request):
    """``/beteiligung/veranstaltungen/``: upcoming events (filters ``?kind=`` and ``?quartier=``), then
    the latest past ones."""
    chosen = _filters(request)
    listing = selectors.events_listing(**chosen)
    return render(
        request,
        "events/list.html",
        {
            "listing": listing,
            "upcoming": [(e, selectors.seats_left(e)) for e in listing.upcoming],
            "kinds": Kind.choices,
            "quartiere": selectors.quartiere(),
            "chosen": chosen,
        },
    )


class RegistrationForm(OfficeForm):
    name = forms.CharField(label=gettext_lazy("Name or pseudonym"), max_length=NAME_MAX)
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("For the confirmation and your cancellation link only; never published."),
    )
    people = forms.TypedChoiceField(
        label=gettext_lazy("Number of people"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, PEOPLE_MAX + 1)],
    )
    # a field people never see (hidden by CSS, skipped by the keyboard): bots fill it in
    website = forms.CharField(required=False, max_length=200)


def _detail(
    request, event: Event, form: RegistrationForm, *, status: int = 200, refusal: Any = ""
) -> HttpResponse:
    point = selectors.lonlat(event)
    map_config = (
        {
            "lat": point[1],
            "lon": point[0],
            "label": event.place_name or event.title,
            "basemapUrl": settings.BASEMAP_URL,
            "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
        }
        if point
        else None
    )
    form.mark()
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "seats_left": selectors.seats_left(event),
            "registration_open": event.registration_open(),
            "form": form,
            "refusal": refusal,
            "registered": request.GET.get("angemeldet") == "1",
            "map_config": map_config,
            "consultation_url": reverse("participation:karte") + f"?verfahren={event.consultation.slug}",
        },
        status=status,
    )


def _event_or_404(pk: str) -> Event:
    event = selectors.event_public(int(pk))
    if event is None:
        raise Http404(_("There is no such event."))
    return event


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request, pk: str):
    """``/beteiligung/veranstaltungen/<id>/``: the event, its accessibility, its place on a map, the
    seats left and (POST) the registration: 400 for bad input, 409 when full or closed, 429 when
    throttled; nothing stored then. A success redirects here with ``?angemeldet=1``."""
    event = _event_or_404(pk)
    if request.method != "POST":
        return _detail(request, event, RegistrationForm())
    form = RegistrationForm(request.POST)
    throttle = RegistrationThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # no DRF view here
        wait = max(1, int(throttle.wait() or 1))
        response = _detail(
            request,
            event,
            form,
            status=429,
            refusal=_("Too many registrations from your connection; please try again in %(s)d seconds.")
            % {"s": wait},
        )
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        return _detail(request, event, form, status=400)
    try:
        services.registration_create(
            event_id=event.pk,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            people=form.cleaned_data["people"],
            user=request.user,
            honeypot=form.cleaned_data["website"],
            base_url=base_url(request),
        )
    except ServiceError as error:
        event = _event_or_404(pk)  # the seats as they are now
        if isinstance(error, Conflict) or not getattr(error, "field", None):
            return _detail(request, event, form, status=error.status, refusal=error.message)
        form.add_service_errors(error)
        return _detail(request, event, form, status=error.status)
    except forms.ValidationError as error:
        form.add_service_errors(error)
        return _detail(request, event, form, status=400)
    return redirect(reverse("events:detail", args=[event.pk]) + "?angemeldet=1#registration")


def _calendar_response(request, body: bytes, *, filename: str, modified) -> HttpResponse:
    """``text/calendar`` with an ETag (a hash of the body) and Last-Modified; 304 when unchanged."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    stamp = int(modified.timestamp()) if modified else None
    unchanged = get_conditional_response(request, etag=etag, last_modified=stamp)
    if unchanged is not None:
        return unchanged
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    if stamp:
        response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def event_ics(request, pk: str):
    """``/beteiligung/veranstaltungen/<id>.ics``: the event as one VEVENT."""
    event = _event_or_404(pk)
    body = ical.event_calendar(event, host=_host(request), base_url=base_url(request))
    return _calendar_response(
        request, body, filename=f"veranstaltung-{event.pk}.ics", modified=event.updated_at
    )


@require_safe
def feed(request):
    """``/beteiligung/kalender.ics``: every consultation (its opening and its last day) and every event;
    ``?quartier=<slug>`` and ``?theme=<tag>`` narrow it."""
    chosen = _filters(request)
    consultations, events = selectors.feed_items(quartier=chosen["quartier"], theme=chosen["theme"])
    body = ical.feed_calendar(
        consultations,
        events,
        host=_host(request),
        base_url=base_url(request),
        name="Quartiersatlas – Beteiligung",
    )
    return _calendar_response(
        request, body, filename="kalender.ics", modified=ical.last_modified(consultations, events)
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unregister(request):
    """``/beteiligung/veranstaltungen/abmelden/``: the page of the secret cancellation link
    ``…/abmelden/#<id>.<token>``. GET asks for confirmation (link previews must not cancel; the code
    moves from the fragment into the form by participation's script); POST cancels: 200, not valid
    404, no code 400."""
    state, status, error, event = "confirm", 200, "", None
    if request.method == "POST":
        parsed = parse_delete_code(request.POST.get("code", ""))
        if parsed is None:
            status = 400
            error = _("Code: please paste the code or the whole link from your confirmation mail.")
        else:
            try:
                event = services.registration_cancel(registration_id=parsed[0], token=parsed[1])
                state = "cancelled"
            except NotFound:
                state, status = "invalid", 404
    context: dict[str, Any] = {"state": state, "error": error, "event": event}
    response = render(request, "events/unregister.html", context, status=status)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
