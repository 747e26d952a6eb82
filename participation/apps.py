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
        register_pins()
        from participation.personal import register_personal_data

        register_personal_data()  # the account's contributions, supports and flags (GDPR export/erasure)


def register_pins() -> None:
    """Map pins, the first format: a consultation takes pins on /karte/ when ``pins`` is set."""
    from django.db.models import Count, Q

    from participation import formats
    from participation.models import Consultation, Status

    def received(consultation):
        counts = Consultation.objects.filter(pk=consultation.pk).aggregate(
            published=Count("contributions", filter=Q(contributions__status=Status.PUBLISHED)),
            supports=Count("contributions__supports", filter=Q(contributions__status=Status.PUBLISHED)),
        )
        return [(_("published contributions"), counts["published"]), (_("supports"), counts["supports"])]

    formats.register(
        formats.Format(
            key="pins", label=_("map pins"), uses=lambda: Q(pins=True), received=received, order=10
        )
    )
