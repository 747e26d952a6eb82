"""Decision bases (Entscheidungsgrundlagen): the indicator catalogue, indicator values per area and
year (imported from statistics, or computed in PostGIS from reference layers), and the reference
layers themselves (green spaces, schools, stops, noise zones, …)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Indicators")
