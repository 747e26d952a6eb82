from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _refresh_snapshot(sender, *, using: str = "default", **kwargs) -> None:
    from planning import snapshot

    snapshot.refresh_if_stale()


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from council import links as council_links
        from geo.roles import on_post_migrate
        from planning import snapshot
        from planning.council_links import linked_to_paper
        from planning.layers import register_layers
        from planning.services import FOCUS_AREA_LINKS
        from quartiere import linking

        # keeps the focus areas' links right when areas are re-imported
        linking.register(FOCUS_AREA_LINKS)
        # a council paper's page lists the measures, master plans and consultations linked to it
        council_links.register(linked_to_paper)
        register_layers()
        # the staff roles' permissions, after every app's permissions exist (planning migrates last)
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="geo.roles")
        # the priority snapshot of the map layer: refreshed after the writes that change it, and after
        # migrate when the settings it was computed with have changed
        snapshot.connect()
        post_migrate.connect(_refresh_snapshot, sender=self, dispatch_uid="planning.snapshot")

    def demo_context(self):
        """``manage.py load_demo`` runs inside this: the priority snapshot is refreshed once at the end,
        not after each import's writes."""
        from planning import snapshot

        return snapshot.deferred()

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo`` after measures and participation: illustrative focus areas;
        then the priority snapshot of the map layer is brought up to date (else the first map request
        would compute it)."""
        from planning import snapshot
        from planning.demo import load_demo

        summary = load_demo(demo_dir)
        snapshot.refresh()
        return summary
