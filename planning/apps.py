from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from planning.layers import register_layers
        from planning.services import FOCUS_AREA_LINKS
        from quartiere import linking

        # keeps the focus areas' links right when areas are re-imported
        linking.register(FOCUS_AREA_LINKS)
        register_layers()

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo`` after measures and participation: illustrative focus areas;
        then the priority snapshot of the map layer is brought up to date (else the first map request
        would compute it)."""
        from planning import snapshot
        from planning.demo import load_demo

        summary = load_demo(demo_dir)
        snapshot.refresh()
        return summary
