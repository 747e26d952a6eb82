"""Admin of focus areas (map widget, history). Writes go through planning.services, like the API's."""

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geo import validation
from geo.admin import HistoryAdmin, MapAdmin
from planning import services
from planning.models import FocusArea


class FocusAreaAdminForm(forms.ModelForm):
    """Checks geometry like the API (geo.validation) and the focus area by services.focus_area_check."""

    version_read = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FocusArea
        fields = sorted(services.FOCUS_AREA_FIELDS)

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
            raise ValidationError(_("Someone changed this focus area since you opened it; reload the page."))
        if self.errors:
            return cleaned
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            if name not in ("measures", "version_read"):
                setattr(candidate, name, value)
        candidate.geom = services._as_multipolygon(candidate.geom)
        try:
            services.focus_area_check(candidate, measures=cleaned.get("measures"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(FocusArea)
class FocusAreaAdmin(HistoryAdmin, MapAdmin):
    form = FocusAreaAdminForm
    list_display = ["name", "city", "priority", "time_horizon", "published", "updated_at"]
    list_filter = ["priority", "time_horizon", "published", "city"]
    search_fields = ["name", "rationale"]
    filter_horizontal = ["measures"]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name] for name in services.FOCUS_AREA_FIELDS if name in form.cleaned_data
        }
        if change:
            saved = services.focus_area_update(
                focus_area_id=obj.pk, expected_versions=None, user=request.user, **data
            )
        else:
            saved = services.focus_area_create(user=request.user, **data)
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        # the measures were saved by the service with the focus area (one history record)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
