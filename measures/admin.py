"""Admin of the strategy tree, measures (map widget, history) and budget lines. Writes of measures
and budget lines go through measures.services, like the API's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from geo.admin import HistoryAdmin, MapAdmin
from geo.records.admin import RecordAdmin, RecordAdminForm
from measures import services
from measures.models import ActionField, BudgetLine, MasterPlan, Measure, StrategicGoal
from staff.scope import OwnCitiesAdmin, check_city, in_own_cities


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


class MeasureAdminForm(RecordAdminForm):
    """Checks geometry like the API (geo.validation) and the measure by services.measure_check."""

    stale_message = _("Someone changed this measure since you opened it; reload the page.")

    class Meta:
        model = Measure
        fields = sorted(services.MEASURE_FIELDS)

    def check(self, candidate: Measure, cleaned: dict) -> None:
        if self.instance.pk:
            check_city(self.user, self.instance.city_id)
        check_city(self.user, candidate.city_id, field="city")
        services.measure_check(candidate, old_status=self.instance.status if self.instance.pk else None)


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["fiscal_year", "amount", "kind", "funding", "status", "note"]


@admin.register(Measure)
class MeasureAdmin(OwnCitiesAdmin, RecordAdmin, HistoryAdmin, MapAdmin):
    region_owner = True
    form = MeasureAdminForm
    record = services.MEASURE_RECORD
    create_record = services.measure_create
    update_record = services.measure_update
    list_display = ["title", "city", "status", "published", "updated_at"]
    list_filter = ["status", "published", ("city", admin.RelatedOnlyFieldListFilter), "master_plan"]
    search_fields = ["title", "description", "rationale", "responsible_unit"]
    filter_horizontal = ["strategic_goals"]
    inlines = [BudgetLineInline]
    readonly_fields = ["version"]

    def get_queryset(self, request):
        return in_own_cities(super().get_queryset(request), request.user)

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


class BudgetLineAdminForm(RecordAdminForm):
    """A budget line's city scope as in measures.services (the measure's city, the stored one and the
    one chosen), as a form error: the measure field's choices are every measure, so a hand-made POST
    may name another city's."""

    stale_message = _("Someone changed this budget line since you opened it; reload the page.")

    class Meta:
        model = BudgetLine
        fields = sorted(services.BUDGET_LINE_FIELDS)

    def check(self, candidate: BudgetLine, cleaned: dict) -> None:
        if self.instance.pk:
            check_city(self.user, self.instance.measure.city_id)
        check_city(self.user, candidate.measure.city_id, field="measure")


@admin.register(BudgetLine)
class BudgetLineAdmin(RecordAdmin, HistoryAdmin):
    form = BudgetLineAdminForm
    record = services.BUDGET_LINE_RECORD
    create_record = services.budget_line_create
    update_record = services.budget_line_update
    list_display = ["measure", "fiscal_year", "amount", "kind", "funding", "status"]
    list_filter = ["fiscal_year", "kind", "funding", "status"]
    search_fields = ["measure__title", "note"]
    autocomplete_fields = ["measure"]
    readonly_fields = ["version"]

    def get_queryset(self, request):
        return in_own_cities(super().get_queryset(request), request.user, city="measure__city_id")
