from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo``: the illustrative consultation of the Ludwigsburg demo."""
        from participation.demo import load_demo

        return load_demo(demo_dir)

    def ready(self) -> None:
        from participation.layers import register_layers
        from participation.services import contribution_links
        from quartiere import linking

        # keeps contributions' area links right when areas are re-imported
        linking.register(contribution_links())
        # WMS, OGC API Features and vector tiles serve the published contributions from this declaration
        register_layers()
