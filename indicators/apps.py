"""Decision bases (Entscheidungsgrundlagen): the indicator catalogue, indicator values per area and
year (imported from statistics, or computed in PostGIS from reference layers), and the reference
layers themselves (green spaces, schools, stops, noise zones, …)."""

from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Indicators")

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo``: the illustrative indicators of Ludwigsburg's Quartiere
        (imported like a statistics office's file), then the reference layers and the indicators
        computed from them."""
        from indicators import demo, layers_demo

        return "; ".join(part for part in (demo.load_demo(demo_dir), layers_demo.load_demo(demo_dir)) if part)

    def ready(self) -> None:
        from indicators import layers, spatial

        layers.register_layers()
        spatial.connect_signals()
