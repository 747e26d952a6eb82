"""The indicator catalogue and its values in Django's admin, read-only: the catalogue is written in the
back office (/planung/indikatoren/, indicators.services), values are imported from files
(``manage.py import_indicators`` or the back office's upload), where every rule is checked once."""

from django.contrib import admin

from geo.admin import ReadOnlyAdmin
from indicators.models import Indicator, IndicatorValue


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["key", "name_de", "unit", "dimension", "direction", "illustrative", "updated_at"]
    list_filter = ["dimension", "direction", "illustrative"]
    search_fields = ["key", "name_de", "name_en", "source"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "area", "year", "value", "quality", "updated_at"]
    list_filter = ["indicator", "year", "quality"]
    search_fields = ["area__code", "area__name", "indicator__key"]
    list_select_related = ["indicator", "area"]
    show_full_result_count = False  # millions of values: no count(*) per page
