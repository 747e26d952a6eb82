"""Consultations in the planners' back office, ``/planung/verfahren/``: the list (open, upcoming,
closed; by city), and create and edit — area chosen (the city or a Quartier) or drawn on a map
(Leaflet-Geoman, static/participation/consultation-area.js: GeoJSON in a hidden field), time window,
categories, moderation, anonymity, generalisation, themes and target groups. Pages over
participation.consultations; the city scope comes from staff.scope."""

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo import crs
from geo.drawing import drawing_config
from geo.errors import StaleVersion
from geo.permissions import is_planner
from geo.validation import GeometryRejected, geometry_from_geojson
from measures.backoffice.forms import OfficeForm
from participation import consultations as services
from participation.backoffice import office_context
from participation.models import Category, Consultation, Moderation, Process, Status, TargetGroup
from quartiere.models import Area, Level
from quartiere.selectors import area_extent
from staff.backoffice import staff_page
from staff.scope import owner_choices

DRAW = "draw"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


planner_page = staff_page(is_planner, gettext_lazy("Consultations are set up by the planners' group."))


def cities_for(user) -> list[Area]:
    """The cities ``user`` works for (every city for staff not tied to one), the home city first
    (``staff.scope.owner_choices``: the form's default)."""
    return list(owner_choices(user).defer("geom"))


def _area_choices(cities: list[Area]) -> list:
    """ "Draw on the map", then per city: the whole city and its Quartiere (grouped by city)."""
    quartiere = Area.objects.filter(level=Level.QUARTIER, parent__in=cities).order_by("name")
    by_city: dict[int, list] = {city.pk: [] for city in cities} | {0: []}
    for quartier in quartiere:
        by_city[quartier.parent_id or 0].append((str(quartier.pk), quartier.name))
    choices: list = [(DRAW, _("the area drawn on the map"))]
    for city in cities:
        whole = (str(city.pk), _("%(city)s (the whole city)") % {"city": city.name})
        choices.append((city.name, [whole, *by_city[city.pk]]))
    return choices


class CityField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AreaField(forms.ChoiceField):
    """The offered areas are the planner's cities and their Quartiere (or "draw"); any area id is
    accepted here, and whether it may be used is the service's rule (the city's area or one of its
    Quartiere; a city the planner works for: 403 otherwise)."""

    def valid_value(self, value) -> bool:
        value = str(value)
        return value == DRAW or (value.isdigit() and len(value) < 18)


class ConsultationForm(OfficeForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    city = CityField(label=gettext_lazy("City"), queryset=Area.objects.none(), empty_label=None)
    area = AreaField(
        label=gettext_lazy("Area"),
        help_text=gettext_lazy(
            "The city or one of its Quartiere, or an area of its own: draw it on the map below (polygon "
            "tool at the top left of the map)."
        ),
    )
    geom = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1_000_000)
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Categories of contributions"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_groups = forms.MultipleChoiceField(
        label=gettext_lazy("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    themes = forms.CharField(
        label=gettext_lazy("Themes"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("Short tags, separated by commas, e.g. climate, cycling, playgrounds."),
    )
    process = forms.ModelChoiceField(
        label=gettext_lazy("Process"),
        queryset=Process.objects.none(),
        required=False,
        empty_label=gettext_lazy("(none)"),
        help_text=gettext_lazy("Consultations of one process are shown together as its steps."),
    )
    pins = forms.BooleanField(
        label=gettext_lazy("Map pins: contributions on the map /karte/"),
        required=False,
        help_text=gettext_lazy(
            "Off for a consultation that only uses other formats (survey, budget, events)."
        ),
    )
    moderation = forms.ChoiceField(label=gettext_lazy("Moderation"), choices=Moderation.choices)
    allow_anonymous = forms.BooleanField(
        label=gettext_lazy("Anonymous contributions allowed"), required=False
    )
    generalise_m = forms.IntegerField(
        label=gettext_lazy("Generalise published locations to a grid of (m)"),
        min_value=0,
        max_value=services.GENERALISE_MAX_M,
        help_text=gettext_lazy("0 publishes the exact location."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, cities: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        # any city passes the form, the service decides (staff.scope.check_city: 403); the planner's
        # cities are the ones offered
        city: Any = self.fields["city"]
        city.queryset = Area.objects.filter(level=Level.CITY)
        city.widget.choices = [(c.pk, c.name) for c in cities]
        area: Any = self.fields["area"]
        area.choices = _area_choices(cities)
        # as with the city: any process passes the form, the service checks it is the city's
        process: Any = self.fields["process"]
        process.queryset = Process.objects.all()
        offered = Process.objects.filter(city__in=cities).select_related("city").order_by("title", "id")
        process.widget.choices = [("", _("(none)")), *((p.pk, f"{p.title} ({p.city.name})") for p in offered)]

    def clean_themes(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["themes"].split(",") if t.strip()]

    def clean_geom(self):
        """The drawn polygon (GeoJSON, EPSG:4326) in EPSG:25832, checked at the edge; None without one."""
        text = self.cleaned_data.get("geom") or ""
        if not text.strip():
            return None
        try:
            return geometry_from_geojson(
                text, field="geom", srid=crs.WGS84, types=("Polygon", "MultiPolygon")
            )
        except GeometryRejected as error:
            reason = _("The drawn area cannot be used: %(reason)s.") % {"reason": error.reason}
            raise ValidationError(reason) from None

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as ``consultation_create`` / ``consultation_update`` take them."""
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        choice = data.pop("area")
        if choice == DRAW:
            data["area"] = None
            if data.get("geom") is None:
                raise ValidationError(
                    {"area": [_("Draw the area on the map, or choose the city or a Quartier.")]}
                )
        else:
            data["geom"] = None
            data["area"] = Area.objects.filter(pk=int(choice)).first()
            if data["area"] is None:
                raise ValidationError({"area": [_("There is no such area.")]})
        return data


def _form_errors(form: ConsultationForm, error: ValidationError | None = None) -> None:
    """The reasons beside the fields; the hidden polygon has no place of its own on the page, so its
    reasons (the form's or the service's) stand beside the area."""
    if error is not None:
        if hasattr(error, "error_dict"):
            found = error.message_dict
            found.setdefault("area", []).extend(found.pop("geom", []))
            error = ValidationError({name: messages for name, messages in found.items() if messages})
        form.add_service_errors(error)
    if "geom" in form.errors:
        for message in form.errors.pop("geom"):
            form.add_error("area", message)
    form.mark()


def _map_config(request, city: Area | None, consultation: Consultation | None) -> dict:
    """The drawing map's configuration: the planners' drawing kit (geo.drawing, static/js/drawing.js)
    plus where it starts, the Quartiere to outline and the area drawn so far (GeoJSON, EPSG:4326)."""
    drawn = None
    if consultation is not None and consultation.geom is not None:
        drawn = json.loads(consultation.geom.transform(crs.WGS84, clone=True).json)
    return {
        **drawing_config(),
        "view": area_extent(area_id=city.pk) if city else None,
        "areasUrl": reverse("area-list") + f"?level=quartier&limit=1000&parent={city.pk if city else 0}",
        "drawn": drawn,
        "draw": DRAW,
        "messages": {
            "drawn": _("Area drawn: it is used when you save."),
            "cleared": _("The drawn area was removed."),
            "tooManyVertices": _("The drawing has %(n)s vertices; at most %(max)s are allowed. Simplify it."),
        },
    }


def _page(
    request, form: ConsultationForm, *, heading: str, cities: list[Area], consultation=None, status=200
):
    selected = form["city"].value()
    city = next((c for c in cities if str(c.pk) == str(selected)), cities[0] if cities else None)
    return render(
        request,
        "participation/backoffice/consultation_form.html",
        {
            **office_context(request, "consultations"),
            "form": form,
            "heading": heading,
            "consultation": consultation,
            "map_config": _map_config(request, city, consultation),
            "public_url": f"{reverse('participation:karte')}?verfahren={consultation.slug}"
            if consultation
            else "",
            "conflict": status == 412,
        },
        status=status,
    )


STALE = gettext_lazy(
    "Someone else changed this consultation since you opened it. Nothing was saved; your input is kept "
    "below. Open the current version to compare, then save again."
)


def _save(
    request, form: ConsultationForm, write: Callable[[dict], Consultation], **page: Any
) -> HttpResponse:
    if not form.is_valid():
        _form_errors(form)
        return _page(request, form, status=400, **page)
    try:
        consultation = write(form.service_values())
    except StaleVersion:
        form.add_error(None, str(STALE))
        form.mark()
        return _page(request, form, status=412, **page)
    except ValidationError as error:
        _form_errors(form, error)
        return _page(request, form, status=getattr(error, "status", 400), **page)
    return redirect(reverse("office-consultations:list") + f"?ok={consultation.pk}")


def just_saved(request, model):
    """The row a save redirected with (``?ok=<id>``), for the "was saved" note; None without one."""
    ok = request.GET.get("ok", "")
    return (
        model.objects.filter(pk=int(ok)).first() if ok.isascii() and ok.isdigit() and len(ok) < 18 else None
    )


@planner_page
def consultation_list(request):
    """``/planung/verfahren/``: the consultations of the cities the planner works for, open ones first,
    then upcoming, then closed; ``?stadt=<id>`` narrows to one city."""
    cities = cities_for(request.user)
    city_param = request.GET.get("stadt", "")
    shown = [c for c in cities if str(c.pk) == city_param] or cities
    qs = (
        Consultation.objects.filter(city__in=shown)
        .select_related("city", "area")
        .annotate(
            pending=Count("contributions", filter=Q(contributions__status=Status.PENDING)),
            published=Count("contributions", filter=Q(contributions__status=Status.PUBLISHED)),
        )
    )
    now = timezone.now()
    groups = [
        ("open", _("Open now"), qs.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "id")),
        ("upcoming", _("Upcoming"), qs.filter(opens_at__gt=now).order_by("opens_at", "id")),
        ("closed", _("Closed"), qs.filter(closes_at__lte=now).order_by("-closes_at", "id")),
    ]
    done = just_saved(request, Consultation)
    return render(
        request,
        "participation/backoffice/consultation_list.html",
        {
            **office_context(request, "consultations"),
            "groups": groups,
            "cities": cities,
            "city_param": city_param,
            "done": done,
        },
    )


@planner_page
def consultation_new(request):
    cities = cities_for(request.user)
    heading = _("New consultation")
    if request.method == "POST":
        form = ConsultationForm(request.POST, cities=cities)
        return _save(
            request,
            form,
            lambda values: services.consultation_create(user=request.user, **values),
            heading=heading,
            cities=cities,
        )
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {
        "city": cities[0].pk if cities else None,
        "area": str(cities[0].pk) if cities else DRAW,
        "opens_at": now,
        "closes_at": now + timezone.timedelta(days=28),
        "categories": list(Category.values),
        "moderation": Moderation.PRE,
        "allow_anonymous": True,
        "generalise_m": 0,
        "pins": True,
    }
    return _page(request, ConsultationForm(initial=initial, cities=cities), heading=heading, cities=cities)


@planner_page
def consultation_edit(request, pk: int):
    cities = cities_for(request.user)
    consultation = get_object_or_404(Consultation.objects.select_related("city"), pk=pk)
    if consultation.city not in cities:
        raise PermissionDenied(_("Your account works for other cities than this consultation's."))
    heading = _("Consultation “%(title)s”") % {"title": consultation.title}
    page: dict[str, Any] = {"heading": heading, "cities": cities, "consultation": consultation}
    if request.method == "POST":
        form = ConsultationForm(request.POST, cities=cities)

        def write(values: dict) -> Consultation:
            revision = form.cleaned_data.get("revision") or 0
            return services.consultation_update(
                consultation_id=pk,
                expected_revision=revision,
                user=request.user,
                slug=consultation.slug,
                **values,
            )

        return _save(request, form, write, **page)
    initial = {
        "title": consultation.title,
        "description": consultation.description,
        "city": consultation.city_id,
        "area": str(consultation.area_id) if consultation.area_id else DRAW,
        "geom": consultation.geom.transform(crs.WGS84, clone=True).json if consultation.geom else "",
        "opens_at": timezone.localtime(consultation.opens_at),
        "closes_at": timezone.localtime(consultation.closes_at),
        "categories": consultation.categories,
        "target_groups": consultation.target_groups,
        "themes": ", ".join(consultation.themes),
        "moderation": consultation.moderation,
        "allow_anonymous": consultation.allow_anonymous,
        "generalise_m": consultation.generalise_m,
        "process": consultation.process_id,
        "pins": consultation.pins,
        "revision": services.consultation_revision(consultation),
    }
    return _page(request, ConsultationForm(initial=initial, cities=cities), **page)
