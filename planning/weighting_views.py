"""The priority index's weightings in the planners' back office, ``/planung/gewichtungen/``: the list of
a city's weightings (the cities the planner works for), a new one (a copy of an existing one), the
form of its component, category and indicator weights (the catalogue's indicators grouped by
dimension; a weight above 0 chooses the indicator), "make default" and delete. Pages over
planning.weightings; roles and city scope are the services'."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from geo.permissions import is_planner
from indicators.models import Indicator
from measures.backoffice.forms import OfficeForm
from measures.models import Dimension
from participation.models import Category
from planning import weightings
from planning.models import WEIGHT_MAX, Weighting
from quartiere.models import Area
from staff.backoffice import office_context, staff_page
from staff.scope import cities_of, owner_choices

planner_page = staff_page(is_planner, gettext_lazy("Weightings are kept by the planners' group."))
SECTION = "weightings"


def _cities(user) -> list[Area]:
    """The cities ``user`` works for, the home city first (staff.scope.owner_choices)."""
    return list(owner_choices(user).defer("geom"))


def _weight_field(label, *, required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        min_value=0,
        max_value=WEIGHT_MAX,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class WeightingForm(OfficeForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    w_indicators = _weight_field(gettext_lazy("Indicators (evidence)"))
    w_demand = _weight_field(gettext_lazy("Participation demand"))
    w_supply = _weight_field(gettext_lazy("Planned supply"))
    w_coverage = _weight_field(gettext_lazy("Focus-area coverage"))

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "de"
        for category in Category:
            self.fields[f"cat_{category.value}"] = _weight_field(category.label)
        self.indicator_keys = []
        for indicator in indicators:
            field = _weight_field(f"{indicator.name_in(language)} ({indicator.unit})", required=False)
            field.help_text = (
                _("higher value = more need")
                if indicator.direction == "more_need"
                else _("higher value = less need")
            )
            self.fields[f"ind_{indicator.key}"] = field
            self.indicator_keys.append((indicator.key, indicator.dimension))

    def components(self) -> list:
        return [self[name] for name in ("w_indicators", "w_demand", "w_supply", "w_coverage")]

    def categories(self) -> list:
        return [self[f"cat_{c}"] for c in Category.values]

    def indicator_groups(self) -> list[tuple[str, list]]:
        groups = []
        for dimension in Dimension:
            fields = [self[f"ind_{key}"] for key, d in self.indicator_keys if d == dimension.value]
            if fields:
                groups.append((str(dimension.label), fields))
        return groups

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            **{f: data[f] for f in weightings.COMPONENT_FIELDS},
            "categories": {c: data[f"cat_{c}"] for c in Category.values},
            "indicator_weights": {
                key: data[f"ind_{key}"] for key, _d in self.indicator_keys if data.get(f"ind_{key}")
            },
        }

    def add_service_errors(self, error: ValidationError) -> None:
        # the services name an indicator's weight ind.<key>, a category's category.<key>
        found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for field, messages in found.items():
            name = field
            if field.startswith("ind."):
                name = "ind_" + field[4:]
            elif field.startswith("category."):
                name = "cat_" + field[9:]
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message if target or not field else f"{field}: {message}")


def _initial(weighting: Weighting) -> dict[str, Any]:
    weights = weightings.weights_of(weighting)
    return {
        "name": weighting.name,
        "description": weighting.description,
        **{f: getattr(weighting, f) for f in weightings.COMPONENT_FIELDS},
        **{f"cat_{c}": w for c, w in weights.categories.items()},
        **{f"ind_{k}": w for k, w in weights.indicator_weights.items()},
    }


def _own(request, pk: int) -> Weighting:
    weighting = get_object_or_404(Weighting.objects.select_related("city"), pk=pk)
    cities = cities_of(request.user)
    if cities is not None and weighting.city_id not in cities:
        raise PermissionDenied(_("Your account works for other cities than this weighting's."))
    return weighting


def _city(request, cities: list[Area]) -> Area | None:
    chosen = request.GET.get("stadt", "")
    if chosen:
        found = [c for c in cities if str(c.pk) == chosen or c.slug == chosen]
        if not found:
            raise Http404(_("There is no such city among yours."))
        return found[0]
    return cities[0] if cities else None


@planner_page
def weighting_list(request):
    """The weightings of one of the planner's cities (``?stadt=``), the default first."""
    cities = _cities(request.user)
    city = _city(request, cities)
    if city is not None and not Weighting.objects.filter(city=city, is_default=True).exists():
        weightings.ensure_default(city)  # the settings' weights, saved: the city's default
    ok = request.GET.get("ok", "")
    return render(
        request,
        "planning/weightings/list.html",
        {
            **office_context(request, SECTION),
            "cities": cities,
            "city": city,
            "weightings": weightings.weightings_of(city.pk) if city else [],
            "done": Weighting.objects.filter(pk=int(ok)).first() if ok.isdigit() and len(ok) < 18 else None,
        },
    )


@planner_page
@require_POST
def weighting_new(request):
    """A copy of the weighting ``copy_from`` named ``name``; then its form."""
    source = request.POST.get("copy_from", "")
    if not (source.isdigit() and len(source) < 18):
        return HttpResponse(
            _("copy_from: choose a weighting to copy."), status=400, content_type="text/plain"
        )
    original = _own(request, int(source))
    try:
        copy = weightings.weighting_create(
            city=original.city, user=request.user, copy_from=original, name=request.POST.get("name", "")[:200]
        )
    except ValidationError as error:
        message = "; ".join(f"{f}: {', '.join(m)}" for f, m in error.message_dict.items())
        return HttpResponse(
            message, status=getattr(error, "status", 400), content_type="text/plain; charset=utf-8"
        )
    return redirect("weightings:edit", pk=copy.pk)


def _indicators() -> list[Indicator]:
    return list(Indicator.objects.order_by("dimension", "key"))


def _page(request, form: WeightingForm, weighting: Weighting, status: int = 200):
    form.mark()
    return render(
        request,
        "planning/weightings/form.html",
        {
            **office_context(request, SECTION),
            "form": form,
            "weighting": weighting,
            "report_url": reverse("planning:report")
            + f"?stadt={weighting.city_id}&gewichtung={weighting.slug}",
            "may_delete": not weighting.is_default
            and (request.user.is_superuser or weighting.created_by_id == request.user.pk),
        },
        status=status,
    )


@planner_page
def weighting_edit(request, pk: int):
    weighting = _own(request, pk)
    if request.method == "POST":
        form = WeightingForm(request.POST, indicators=_indicators())
        if not form.is_valid():
            return _page(request, form, weighting, status=400)
        try:
            weightings.weighting_update(weighting_id=weighting.pk, user=request.user, **form.service_values())
        except ValidationError as error:
            form.add_service_errors(error)
            return _page(request, form, weighting, status=getattr(error, "status", 400))
        return redirect(reverse("weightings:list") + f"?stadt={weighting.city_id}&ok={weighting.pk}")
    return _page(request, WeightingForm(initial=_initial(weighting), indicators=_indicators()), weighting)


@planner_page
@require_POST
def weighting_default(request, pk: int):
    weighting = _own(request, pk)
    weightings.weighting_make_default(weighting_id=weighting.pk, user=request.user)
    return redirect(reverse("weightings:list") + f"?stadt={weighting.city_id}&ok={weighting.pk}")


@planner_page
@require_POST
def weighting_delete(request, pk: int):
    weighting = _own(request, pk)
    try:
        weightings.weighting_delete(weighting_id=weighting.pk, user=request.user)
    except ValidationError as error:
        return HttpResponse(
            "; ".join(error.messages),
            status=getattr(error, "status", 400),
            content_type="text/plain; charset=utf-8",
        )
    return redirect(reverse("weightings:list") + f"?stadt={weighting.city_id}")
