"""The functional region (the Charter's third level): the region's municipalities side by side —
measures, budget, participation, priorities and indicators per city — on ``/region/``, in
``/api/region/summary/`` and on the map layer ``cities``. Reads every app below it; nothing reads it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "region"
    verbose_name = _("Region")

    def ready(self) -> None:
        from region.layers import register_layers

        register_layers()
