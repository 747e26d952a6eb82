"""Council papers through OParl 1.1: the council information system's bodies, organizations, meetings,
papers, agenda items and files' metadata, imported incrementally (``import_oparl``); measures, strategy
items and consultations link to the papers that decided them. Sits below measures: the apps above link
to it, it links to none of them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "council"
    verbose_name = _("Council papers")

    def load_demo(self, demo_dir):
        """Called by ``manage.py load_demo`` after the areas, before the measures link to the papers."""
        from council.demo import load_demo

        return load_demo(demo_dir)
