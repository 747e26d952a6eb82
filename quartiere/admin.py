"""Admin of the area hierarchy, with the map widget. Areas normally come from imports
(``manage.py import_areas``); a geometry edited here is checked by PostGIS and re-links what touches it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from geo import validation
from geo.admin import MapAdmin
from quartiere.models import Area
from quartiere.signals import areas_changed


class AreaAdminForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["level", "parent", "code", "name", "slug", "population", "geom"]

    def clean_geom(self):
        geom = self.cleaned_data.get("geom")
        if geom is None:
            return None
        try:
            # areas define the extent and may be long outlines: only validity is checked
            return validation.geometry_check(
                geom, field="geom", check_extent=False, max_vertices=validation.ADMIN_MAX_VERTICES
            )
        except validation.GeometryRejected as error:
            raise ValidationError(error.reason) from None


@admin.register(Area)
class AreaAdmin(MapAdmin):
    form = AreaAdminForm
    list_display = ["name", "level", "code", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"geom", "parent"} & set(form.changed_data) or not change:
            # the admin's transaction: the area and the links that move with it commit together
            areas_changed.send(sender=Area, area_ids=[obj.pk])
