"""Budget scenarios for the strategy board (Strategiebeirat): a named set of changes to the published
measures and budget lines, compared with the baseline and with each other, shared read-only with the
board, and — when decided — turned into published measures and budget lines in one transaction."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scenarios"
    verbose_name = _("Scenarios")

    def ready(self) -> None:
        # proposed measures are linked to the areas like measures (the comparison reads the links)
        from quartiere import linking
        from scenarios.services import PROPOSED_LINKS

        linking.register(PROPOSED_LINKS)

    def load_demo(self, demo_dir):
        """Called by ``manage.py load_demo`` after planning and measures: two illustrative scenarios
        for the 2023 budget and a strategy board member's account (scenarios.demo)."""
        from scenarios.demo import load_demo

        return load_demo(demo_dir)
