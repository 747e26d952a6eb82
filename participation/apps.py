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
        # the subscriptions' addresses in the account's export and erasure (GDPR Art. 15/17/20)
        from participation.portal.subscriptions import register_personal_data

        register_personal_data()


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

    def panel(request, consultation):
        from django.template.loader import render_to_string
        from django.urls import reverse

        counts = received(consultation)
        context = {
            "published": counts[0][1],
            "supports": counts[1][1],
            "open": consultation.is_open(),
            "url": f"{reverse('participation:karte')}?verfahren={consultation.slug}",
        }
        return render_to_string("participation/portal/pins_panel.html", context, request=request)

    formats.register(
        formats.Format(
            key="pins",
            label=_("map pins"),
            uses=lambda: Q(pins=True),
            panel=panel,
            received=received,
            order=10,
        )
    )
