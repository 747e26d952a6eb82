"""Admin of the strategy tree, measures (map widget, history) and budget lines. Writes of measures
and budget lines go through measures.services, like the API's."""

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo import validation
from geo.admin import HistoryAdmin, MapAdmin
from measures import services
from measures.models import ActionField, BudgetLine, MasterPlan, Measure, StrategicGoal


@admin.register(ActionField)
class ActionFieldAdmin(HistoryAdmin):
    list_display = ["name", "position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StrategicGoal)
class StrategicGoalAdmin(HistoryAdmin):
    list_display = ["__str__", "action_field", "number"]
    list_filter = ["action_field"]
    search_fields = ["title", "text"]


@admin.register(MasterPlan)
class MasterPlanAdmin(HistoryAdmin):
    list_display = ["title", "version", "year_adopted", "status"]
    list_filter = ["status", "action_fields"]
    search_fields = ["title"]
    filter_horizontal = ["action_fields"]


class MeasureAdminForm(forms.ModelForm):
    """Checks geometry like the API (geo.validation) and the measure by services.measure_check."""

    version_read = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measure
        fields = sorted(services.MEASURE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version_read"].initial = self.instance.version if self.instance.pk else None

    def clean_geom(self):
        geom = self.cleaned_data.get("geom")
        if geom is None:
            return None
        try:
            return validation.geometry_check(geom, field="geom")
        except validation.GeometryRejected as error:
            raise ValidationError(error.reason) from None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version_read") not in (None, self.instance.version):
            raise ValidationError(_("Someone changed this measure since you opened it; reload the page."))
        if self.errors:
            return cleaned
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            if name not in ("strategic_goals", "version_read"):
                setattr(candidate, name, value)
        try:
            services.measure_check(candidate, old_status=self.instance.status if self.instance.pk else None)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["fiscal_year", "amount", "kind", "funding", "status", "note"]


@admin.register(Measure)
class MeasureAdmin(HistoryAdmin, MapAdmin):
    form = MeasureAdminForm
    list_display = ["title", "city", "status", "published", "updated_at"]
    list_filter = ["status", "published", "city", "master_plan"]
    search_fields = ["title", "description", "responsible_unit"]
    filter_horizontal = ["strategic_goals"]
    inlines = [BudgetLineInline]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in services.MEASURE_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = services.measure_update(
                measure_id=obj.pk, expected_versions=None, user=request.user, **data
            )
        else:
            saved = services.measure_create(user=request.user, **data)
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        # the goals were saved by the service with the measure (one history record)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """Budget lines through the services (checks, version, history)."""
        measure = form.instance
        # what the admin's change message reads from a saved formset
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.deleted_forms:
            if line_form.instance.pk:
                services.budget_line_delete(
                    budget_line_id=line_form.instance.pk, expected_versions=None, user=request.user
                )
                formset.deleted_objects.append(line_form.instance)
        for line_form in formset.forms:
            if line_form in formset.deleted_forms or not line_form.has_changed():
                continue
            data = {name: line_form.cleaned_data[name] for name in BudgetLineInline.fields}
            if line_form.instance.pk:
                line = services.budget_line_update(
                    budget_line_id=line_form.instance.pk, expected_versions=None, user=request.user, **data
                )
                formset.changed_objects.append((line, line_form.changed_data))
            else:
                line = services.budget_line_create(measure=measure, user=request.user, **data)
                formset.new_objects.append(line)


@admin.register(BudgetLine)
class BudgetLineAdmin(HistoryAdmin):
    list_display = ["measure", "fiscal_year", "amount", "kind", "funding", "status"]
    list_filter = ["fiscal_year", "kind", "funding", "status"]
    search_fields = ["measure__title", "note"]
    autocomplete_fields = ["measure"]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in services.BUDGET_LINE_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = services.budget_line_update(
                budget_line_id=obj.pk, expected_versions=None, user=request.user, **data
            )
        else:
            saved = services.budget_line_create(user=request.user, **data)
        obj.pk, obj.version = saved.pk, saved.version
