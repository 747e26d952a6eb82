"""Forms of the scenario pages: they parse what a planner or board member sends (types, choices);
every rule is scenarios.services', whose errors the views put beside the fields."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo import validation
from measures.backoffice.forms import PLACE_GEOMETRY, PLACE_SCOPE, OfficeForm, TagsField
from measures.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, BudgetKind, Dimension, FundingSource
from quartiere.models import Area, Level
from scenarios.models import NAME_MAX, TEXT_MAX, BudgetLineAction, MeasureAction, State

YEAR_WIDGET = forms.NumberInput(attrs={"inputmode": "numeric"})


def _year(label, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=FISCAL_YEAR_MIN,
        max_value=FISCAL_YEAR_MAX,
        widget=YEAR_WIDGET,
    )


def _amount(required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Amount (EUR)"),
        required=required,
        localize=True,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class VersionedForm(OfficeForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ScenarioForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    budget_year = _year(_("Budget year"))
    city = forms.TypedChoiceField(label=_("City"), coerce=int)

    def __init__(self, *args: Any, cities: list[Area], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.offer("city", [(c.pk, c.name) for c in cities])


class ListFilterForm(OfficeForm):
    budget_year = _year(_("Budget year"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("all")), *State.choices])


class ProposedMeasureForm(VersionedForm):
    """A new measure of the scenario; the place drawn on the map (GeoJSON in EPSG:4326, hidden) or a
    declared scope (the city or one of its Quartiere). The page's script is the measure form's
    (static/measures/measure-form.js), hence the hidden ``city``."""

    anchors = {"geom": "measure-map", "version": "measure-form"}

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Dimensions"), required=False, choices=Dimension.choices, widget=forms.CheckboxSelectMultiple
    )
    tags = TagsField(
        label=_("Tags"),
        required=False,
        help_text=_(
            "Short words to find the measure by, separated by commas (at most 20, 40 characters each)."
        ),
    )
    city = forms.IntegerField(required=False, widget=forms.HiddenInput)
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

    def __init__(self, *args: Any, city: Area, **kwargs: Any):
        super().__init__(*args, **kwargs)
        quartiere = Area.objects.filter(level=Level.QUARTIER, parent=city).order_by("name")
        self.offer(
            "scope", [("", _("choose an area")), (city.pk, city.name), *[(q.pk, q.name) for q in quartiere]]
        )
        self.areas = {city.pk: city, **{q.pk: q for q in quartiere}}

    def clean_geom(self):
        text = (self.cleaned_data.get("geom") or "").strip()
        if not text or self.data.get("place") == PLACE_SCOPE:
            return None
        try:
            return validation.geometry_from_geojson(text, field="geom", types=validation.SIMPLE_TYPES)
        except validation.GeometryRejected as error:
            raise ValidationError(error.reason) from None

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("version", "city"):
            data.pop(name, None)
        place = data.pop("place")
        scope_id = data.pop("scope")
        if place == PLACE_SCOPE:
            data["geom"] = None
            data["scope"] = self.areas.get(scope_id)
        else:
            data["scope"] = None
        return data


class ProposedLineForm(VersionedForm):
    fiscal_year = _year(_("Fiscal year"))
    amount = _amount()
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    funding = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)


class MeasureChangeForm(VersionedForm):
    measure = forms.TypedChoiceField(label=_("Published measure"), coerce=int, empty_value=None)
    action = forms.ChoiceField(label=_("Change"), choices=MeasureAction.choices, widget=forms.RadioSelect)
    years = forms.IntegerField(
        label=_("Postpone by (years)"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_(
            "Only for postponing: its budget lines from the budget year on and its dates move this "
            "many years."
        ),
        widget=YEAR_WIDGET,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, measures, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.offer("measure", [("", _("choose a measure")), *[(m.pk, m.title) for m in measures]])


class BudgetChangeForm(VersionedForm):
    action = forms.ChoiceField(label=_("Change"), choices=BudgetLineAction.choices, widget=forms.RadioSelect)
    budget_line = forms.TypedChoiceField(
        label=_("Published budget line"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For changing or removing a line."),
    )
    measure = forms.TypedChoiceField(
        label=_("Published measure"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For adding a line."),
    )
    fiscal_year = _year(_("Fiscal year"), required=False)
    amount = _amount(required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *BudgetKind.choices])
    funding = forms.ChoiceField(
        label=_("Funding source"), required=False, choices=[("", "—"), *FundingSource.choices]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, measures, lines, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.offer("measure", [("", _("choose a measure")), *[(m.pk, m.title) for m in measures]])
        self.offer(
            "budget_line",
            [
                ("", _("choose a budget line")),
                *[
                    (
                        line.pk,
                        f"{line.measure.title} · {line.fiscal_year} · {line.amount} € · "
                        f"{line.get_kind_display()}",
                    )
                    for line in lines
                ],
            ],
        )


class CommentForm(OfficeForm):
    body = forms.CharField(
        label=_("Your comment"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(State.ADOPTED, _("adopted")), (State.REJECTED, _("rejected"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label=_("Text of the decision"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("For example: “Beschlossen für den Haushalt 2023”. Needed for an adoption."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
