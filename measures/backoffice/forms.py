"""Forms of the measures' back office. They parse what a planner sends (types, choices offered to
this planner); every rule on a measure or a budget line is measures.services', whose errors the views
put beside the fields (``add_service_errors``)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo import validation
from measures.backoffice import selectors
from measures.models import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    BudgetKind,
    BudgetStatus,
    Dimension,
    FundingSource,
    MasterPlan,
    MeasureStatus,
    Principle,
    StrategicGoal,
)
from measures.services import STATUS_TRANSITIONS
from quartiere.models import Area, Level

PLACE_GEOMETRY = "geometry"
PLACE_SCOPE = "scope"


class OfficeForm(forms.Form):
    """A form whose fields say which message describes them (``aria-describedby``: the help text and
    the field's errors) and whether they are invalid, for screen readers."""

    def mark(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-help")
            if name in self.errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids and not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    # hidden fields' errors point at what the planner sees of them
    anchors: dict[str, str] = {}

    def error_items(self) -> list[tuple[str | None, str, str]]:
        """Every error as (anchor of its field or None, the field's label, the message)."""
        items: list[tuple[str | None, str, str]] = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            anchor = self.anchors.get(name) or (self[name].auto_id if field else None)
            label = str(field.label or name) if field else ""
            items.extend((anchor, label, str(message)) for message in errors)
        return items

    def offer(self, name: str, choices: list) -> None:
        """The choices of the choice field ``name`` (what this planner may pick)."""
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def offered(self, name: str) -> list:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return list(field.choices)  # type: ignore[arg-type]

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's ``ValidationError``, each message beside its field (others above the form)."""
        found = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, messages in found.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message if target else f"{field}: {message}" if field else message)


class ListFilterForm(OfficeForm):
    """The list's GET parameters; a bad value is a 400 naming the parameter."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    dimension = forms.ChoiceField(label=_("Dimension"), required=False)
    principle = forms.ChoiceField(label=_("Principle"), required=False)
    quartier = forms.TypedChoiceField(label=_("Quartier"), required=False, coerce=int, empty_value=None)
    action_field = forms.TypedChoiceField(
        label=_("Action field"), required=False, coerce=int, empty_value=None
    )
    master_plan = forms.TypedChoiceField(label=_("Master plan"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FISCAL_YEAR_MIN,
        max_value=FISCAL_YEAR_MAX,
        help_text=_("budget lines in this fiscal year, or running in it"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, widget=forms.HiddenInput)
    anchors = {"page": "measure-filters"}

    def __init__(self, data: Any, *, user: Any, action_fields, master_plans):
        super().__init__(data)
        every = [("", _("all"))]
        self.offer("status", every + MeasureStatus.choices)
        self.offer("dimension", every + Dimension.choices)
        self.offer("principle", every + Principle.choices)
        self.offer(
            "quartier", every + [(q.pk, q.name) for q in selectors.quartiere_for(user).only("pk", "name")]
        )
        self.offer("action_field", every + [(a.pk, a.name) for a in action_fields])
        self.offer("master_plan", every + [(p.pk, str(p)) for p in master_plans])
        self.offer(
            "sort",
            [
                ("-updated", _("last change, newest first")),
                ("updated", _("last change, oldest first")),
                ("title", _("title, A–Z")),
                ("-title", _("title, Z–A")),
                ("status", _("status, idea first")),
                ("-status", _("status, done first")),
                ("-budget", _("budget, highest first")),
                ("budget", _("budget, lowest first")),
            ],
        )

    def filters(self) -> selectors.ListFilters:
        data = {k: v for k, v in self.cleaned_data.items() if k != "page" and v not in ("", None)}
        return selectors.ListFilters(**data)


class TagsField(forms.CharField):
    """Tags typed as one text, separated by commas; measures.services checks and normalises them."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part for part in (p.strip() for p in text.split(",")) if part]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: StrategicGoal) -> str:
        return f"{obj.action_field.name} {obj.number}. {obj.title}"


class CityField(forms.TypedChoiceField):
    """The measure's city: the form offers the planner's cities (staff.scope); another city passes on
    to measures.services, whose city scope refuses it with a 403 as in the API. A value that is no
    city is the form's error (400)."""

    def valid_value(self, value: Any) -> bool:
        if super().valid_value(value):
            return True
        text = str(value)
        if not (text.isascii() and text.isdigit() and len(text) < 10):
            return False
        return Area.objects.filter(level__in=(Level.REGION, Level.CITY), pk=int(text)).exists()


class MeasureForm(OfficeForm):
    """A measure as the planner edits it. ``version``: the version the planner read (hidden); the
    place is a geometry drawn on the map (GeoJSON in EPSG:4326, hidden) or a declared scope."""

    anchors = {"geom": "measure-map", "version": "measure-form"}

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the measure is needed: the problem it answers, the inputs that led to it."),
    )
    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_(
            "Short words to find the measure by, separated by commas (at most 20, 40 characters each)."
        ),
    )
    city = CityField(label=_("City"), coerce=int)
    status = forms.ChoiceField(label=_("Status"))
    published = forms.BooleanField(
        label=_("Published"),
        required=False,
        help_text=_("Published measures are shown to the public, on the map and in the API."),
    )
    responsible_unit = forms.CharField(label=_("Responsible unit"), required=False)
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    principles = forms.MultipleChoiceField(
        label=_("Principles"), required=False, choices=Principle.choices, widget=forms.CheckboxSelectMultiple
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Dimensions"), required=False, choices=Dimension.choices, widget=forms.CheckboxSelectMultiple
    )
    strategic_goals = GoalChoiceField(
        label=_("Strategic goals"),
        required=False,
        queryset=StrategicGoal.objects.select_related("action_field"),
        widget=forms.CheckboxSelectMultiple,
    )
    master_plan = forms.ModelChoiceField(
        label=_("Master plan"), required=False, queryset=MasterPlan.objects.all(), empty_label=_("none")
    )
    place = forms.ChoiceField(
        label=_("Where the measure applies"),
        choices=[
            (PLACE_GEOMETRY, _("a place drawn on the map (point, line or area)")),
            (PLACE_SCOPE, _("a whole area without a drawn place: the city or a Quartier")),
        ],
        initial=PLACE_GEOMETRY,
        widget=forms.RadioSelect,
    )
    geom = forms.CharField(required=False, widget=forms.HiddenInput, label=_("Place on the map"))
    scope = forms.TypedChoiceField(label=_("Area"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: Any, current_status: str | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cities = list(selectors.cities_for(user))
        self.offer("city", [(c.pk, c.name) for c in cities])
        names = dict(MeasureStatus.choices)
        if current_status is None:
            statuses = list(MeasureStatus.values)
        else:  # the service's transitions: keep the status, or one it allows from it
            allowed = STATUS_TRANSITIONS.get(current_status, frozenset())
            statuses = [s for s in MeasureStatus.values if s == current_status or s in allowed]
        self.offer("status", [(s, names[s]) for s in statuses])
        by_city: dict[int, list] = {c.pk: [(c.pk, c.name)] for c in cities}
        for quartier in selectors.quartiere_for(user).only("pk", "name", "parent_id"):
            by_city.setdefault(quartier.parent_id or 0, []).append((quartier.pk, quartier.name))
        regions = [c.pk for c in cities if c.level == Level.REGION]
        if regions:  # a regional measure applies to the region or to cities of it
            self.fields["city"].label = _("City or region")
            members = Area.objects.filter(level=Level.CITY, parent_id__in=regions).order_by("name")
            for member in members.only("pk", "name", "parent_id"):
                by_city[member.parent_id or 0].append((member.pk, member.name))
        scopes: list = [("", _("choose an area"))]
        for city in cities:
            scopes.append((city.name, by_city.get(city.pk, [])))
        self.offer("scope", scopes)

    def clean_geom(self):
        """The drawn place, checked at the edge (geo.validation): a GEOSGeometry in EPSG:25832."""
        text = (self.cleaned_data.get("geom") or "").strip()
        if not text or self.data.get("place") == PLACE_SCOPE:
            return None
        try:
            return validation.geometry_from_geojson(text, field="geom", types=validation.SIMPLE_TYPES)
        except validation.GeometryRejected as error:
            raise ValidationError(error.reason) from None

    def measure_values(self) -> dict[str, Any]:
        """The cleaned values as ``measures.services`` takes them (ids resolved by the form)."""
        data = dict(self.cleaned_data)
        place = data.pop("place")
        data.pop("version", None)
        city_id = data.pop("city")
        scope_id = data.pop("scope")
        if place == PLACE_SCOPE:
            data["geom"] = None
        return {**data, "city_id": city_id, "scope_id": scope_id if place == PLACE_SCOPE else None}


class BudgetLineForm(OfficeForm):
    """One row of the budget table; ``version`` is the one the planner read (hidden)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"), widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "bl-year"})
    )
    amount = forms.DecimalField(
        label=_("Amount (EUR)"),
        localize=True,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "bl-amount"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    funding = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)
    status = forms.ChoiceField(label=_("Status"), choices=BudgetStatus.choices)
    note = forms.CharField(label=_("Note"), required=False)

    def in_row(self, form_id: str) -> "BudgetLineForm":
        """Its fields as cells of a table row, belonging to the ``<form id=form_id>`` in the row's
        last cell (the HTML ``form`` attribute)."""
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["form"] = form_id
        return self

    def line_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
