from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Measures and strategy")

    def ready(self) -> None:
        from measures.services import MEASURE_LINKS
        from quartiere import linking

        linking.register(MEASURE_LINKS)

        from measures.layers import register_layers

        register_layers()

    def load_demo(self, demo_dir):
        """Called by ``manage.py load_demo`` after the areas: the illustrative strategy and measures."""
        from measures.demo import load_demo

        return load_demo(demo_dir)
