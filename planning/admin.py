"""Admin of focus areas (map widget, history). Writes go through planning.services, like the API's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from geo.admin import HistoryAdmin, MapAdmin
from geo.records.admin import RecordAdmin, RecordAdminForm
from planning import services
from planning.models import FocusArea
from staff.scope import OwnCitiesAdmin, check_city, in_own_cities


class FocusAreaAdminForm(RecordAdminForm):
    """Checks geometry like the API (geo.validation) and the focus area by services.focus_area_check."""

    stale_message = _("Someone changed this focus area since you opened it; reload the page.")

    class Meta:
        model = FocusArea
        fields = sorted(services.FOCUS_AREA_FIELDS)

    def check(self, candidate: FocusArea, cleaned: dict) -> None:
        if self.instance.pk:
            check_city(self.user, self.instance.city_id)
        check_city(self.user, candidate.city_id, field="city")
        services.focus_area_check(candidate, measures=cleaned.get("measures"))


@admin.register(FocusArea)
class FocusAreaAdmin(OwnCitiesAdmin, RecordAdmin, HistoryAdmin, MapAdmin):
    form = FocusAreaAdminForm
    record = services.FOCUS_AREA_RECORD
    create_record = services.focus_area_create
    update_record = services.focus_area_update
    list_display = ["name", "city", "priority", "time_horizon", "published", "updated_at"]
    list_filter = ["priority", "time_horizon", "published", ("city", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "rationale"]
    filter_horizontal = ["measures"]
    readonly_fields = ["version"]

    def get_queryset(self, request):
        return in_own_cities(super().get_queryset(request), request.user)
