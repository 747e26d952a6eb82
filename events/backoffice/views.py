"""Events in the planners' back office, ``/planung/veranstaltungen/``: the list (upcoming, past) of the
cities the planner works for; create and edit (the place picked on a map or typed as lon/lat,
static/events/place-pick.js); the registrations (names and counts; email addresses only with the right
to see personal data) and their CSV; cancelling an event with a notice to every registrant. Pages over
events.services; roles and city scope are the services'."""

import csv
from typing import Any

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from events import selectors, services
from events.models import CAPACITY_MAX, Event, Kind, Registration
from events.views import base_url
from geo import crs
from geo.drawing import drawing_config
from geo.errors import ServiceError, StaleVersion
from geo.permissions import is_planner
from measures.backoffice.forms import OfficeForm
from participation.models import Consultation
from participation.permissions import can_see_personal_data
from quartiere.selectors import area_extent
from staff.backoffice import office_context, staff_page
from staff.scope import cities_of

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
planner_page = staff_page(is_planner, gettext_lazy("Events are set up by the planners' group."))


def _consultations(user):
    qs = Consultation.objects.select_related("city").order_by("-opens_at", "id")
    cities = cities_of(user)
    return qs if cities is None else qs.filter(city__in=cities)


def _events(user):
    qs = selectors.with_seats(Event.objects.select_related("consultation"))
    cities = cities_of(user)
    return qs if cities is None else qs.filter(city__in=cities)


class ConsultationField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


def _moment(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class EventForm(OfficeForm):
    consultation = ConsultationField(label=gettext_lazy("Consultation"), queryset=Consultation.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    starts_at = _moment(gettext_lazy("Starts at"))
    ends_at = _moment(gettext_lazy("Ends at"))
    place_name = forms.CharField(label=gettext_lazy("Place"), required=False, max_length=200)
    address = forms.CharField(label=gettext_lazy("Address"), required=False, max_length=300)
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=gettext_lazy("WGS84 degrees; or click the place on the map."),
    )
    lat = forms.FloatField(label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90)
    online_url = forms.URLField(
        label=gettext_lazy("Online link"), required=False, max_length=500, assume_scheme="https"
    )
    step_free = forms.BooleanField(label=gettext_lazy("Step-free access"), required=False)
    hearing_loop = forms.BooleanField(label=gettext_lazy("Hearing loop"), required=False)
    sign_language = forms.BooleanField(label=gettext_lazy("Sign language interpreting"), required=False)
    childcare = forms.BooleanField(label=gettext_lazy("Childcare"), required=False)
    accessibility_note = forms.CharField(
        label=gettext_lazy("Accessibility, further information"), required=False, max_length=1000
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Places"),
        required=False,
        min_value=1,
        max_value=CAPACITY_MAX,
        help_text=gettext_lazy("Empty: no registration needed."),
    )
    registration_closes_at = forms.DateTimeField(
        label=gettext_lazy("Registration closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["consultation"]
        # any consultation passes the form, the service decides (staff.scope: 403); the planner's are offered
        field.queryset = Consultation.objects.all()
        field.widget.choices = [(c.pk, f"{c.title} ({c.city.name})") for c in _consultations(user)]

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            self.add_error("lat", _("Give both longitude and latitude, or neither."))
        return data

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        lon, lat = data.pop("lon"), data.pop("lat")
        data["geom"] = Point(lon, lat, srid=crs.WGS84) if lon is not None and lat is not None else None
        return data


def _map_config(event: Event | None, user) -> dict:
    city = (
        event.city_id if event else next(iter(_consultations(user).values_list("city_id", flat=True)), None)
    )
    return {
        **drawing_config(),
        "view": area_extent(area_id=city) if city else None,
        "messages": {"picked": _("Place chosen on the map: %(lat)s, %(lon)s.")},
    }


def _page(request, form: EventForm, *, heading: str, event: Event | None = None, status: int = 200):
    form.mark()
    registrations = list(event.registrations.all()) if event else []
    return render(
        request,
        "events/backoffice/event_form.html",
        {
            **office_context(request, "events"),
            "form": form,
            "heading": heading,
            "event": event,
            "registrations": registrations,
            "people": sum(r.people for r in registrations),
            "show_email": can_see_personal_data(request.user),
            "map_config": _map_config(event, request.user),
            "conflict": status == 412,
        },
        status=status,
    )


def _save(request, form: EventForm, write, **page: Any) -> HttpResponse:
    if not form.is_valid():
        return _page(request, form, status=400, **page)
    try:
        event = write(form.service_values())
    except StaleVersion:
        form.add_error(
            None, _("Someone else changed this event since you opened it. Nothing was saved; open it again.")
        )
        return _page(request, form, status=412, **page)
    except ValidationError as error:
        form.add_service_errors(error)
        return _page(request, form, status=getattr(error, "status", 400), **page)
    return redirect(reverse("events_office:list") + f"?ok={event.pk}")


@planner_page
def event_list(request):
    """``/planung/veranstaltungen/``: upcoming events of the planner's cities, then past ones."""
    now = timezone.now()
    events = _events(request.user)
    ok = request.GET.get("ok", "")
    return render(
        request,
        "events/backoffice/event_list.html",
        {
            **office_context(request, "events"),
            "upcoming": events.filter(ends_at__gt=now).order_by("starts_at", "id"),
            "past": events.filter(ends_at__lte=now).order_by("-starts_at", "id")[:50],
            "done": Event.objects.filter(pk=int(ok)).first() if ok.isdigit() and len(ok) < 18 else None,
        },
    )


@planner_page
def event_new(request):
    heading = _("New event")
    if request.method == "POST":
        form = EventForm(request.POST, user=request.user)
        return _save(request, form, lambda v: services.event_create(user=request.user, **v), heading=heading)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timezone.timedelta(days=7)
    initial = {"starts_at": start, "ends_at": start + timezone.timedelta(hours=2), "kind": Kind.MEETING}
    return _page(request, EventForm(initial=initial, user=request.user), heading=heading)


def _own(request, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("consultation", "city"), pk=pk)
    cities = cities_of(request.user)
    if cities is not None and event.city_id not in cities:
        raise PermissionDenied(_("Your account works for other cities than this event's."))
    return event


@planner_page
def event_edit(request, pk: int):
    event = _own(request, pk)
    heading = _("Event “%(title)s”") % {"title": event.title}
    if request.method == "POST":
        form = EventForm(request.POST, user=request.user)

        def write(values: dict) -> Event:
            return services.event_update(
                event_id=pk,
                expected_revision=form.cleaned_data.get("revision") or 0,
                user=request.user,
                **values,
            )

        return _save(request, form, write, heading=heading, event=event)
    point = selectors.lonlat(event)
    initial = {
        **{name: getattr(event, name) for name in services.EVENT_FIELDS if name != "geom"},
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "registration_closes_at": timezone.localtime(event.registration_closes_at)
        if event.registration_closes_at
        else None,
        "consultation": event.consultation_id,
        "lon": point[0] if point else None,
        "lat": point[1] if point else None,
        "revision": services.event_revision(event),
    }
    return _page(request, EventForm(initial=initial, user=request.user), heading=heading, event=event)


@planner_page
@require_POST
def event_cancel(request, pk: int):
    """Cancel the event and email every registrant (``note`` is quoted in the mail and on the page)."""
    event = _own(request, pk)
    try:
        services.event_cancel(
            event_id=event.pk,
            note=request.POST.get("note", "")[:1000],
            user=request.user,
            base_url=base_url(request),
        )
    except ServiceError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
    return redirect(reverse("events_office:list") + f"?ok={event.pk}")


@planner_page
def registrations_csv(request, pk: int):
    """The event's registrations as CSV (name, people, registered at; the email address only for staff
    with the right to see personal data)."""
    event = _own(request, pk)
    show_email = can_see_personal_data(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="anmeldungen-{event.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["name", "people", "registered_at", *(["email"] if show_email else [])])
    for r in Registration.objects.filter(event=event).order_by("created_at", "id"):
        # a leading = + - @ would be a formula in a spreadsheet: text stays text
        name = "'" + r.name if r.name[:1] in "=+-@\t\r" else r.name
        row = [name, r.people, timezone.localtime(r.created_at).isoformat(timespec="minutes")]
        writer.writerow(row + ([r.email] if show_email else []))
    return response
