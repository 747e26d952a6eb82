"""Events of a consultation (meeting, walk, workshop): place, time, accessibility, registration with a
limit; the iCalendar feeds."""

from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Events")

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo``: the illustrative "Quartiersspaziergänge" with its events."""
        from events.demo import load_demo

        return load_demo(demo_dir)

    def ready(self) -> None:
        register_format()


def register_format() -> None:
    """The event format in participation's registry: the consultation page's panel (its upcoming
    events), what it received (registrations, people registered) and the account's personal data."""
    from django.db.models import Count, Exists, OuterRef, Q, Sum
    from django.template.loader import render_to_string

    from events import selectors, services
    from events.models import Event, Registration
    from participation import formats

    def panel(request, consultation):
        events = selectors.consultation_events(consultation)
        if not events:
            return ""
        rows = [(e, selectors.seats_left(e)) for e in events]
        return render_to_string("events/panel.html", {"events": rows}, request=request)

    def received(consultation):
        counts = Registration.objects.filter(event__consultation=consultation).aggregate(
            n=Count("id"), people=Sum("people")
        )
        return [(_("registrations for events"), counts["n"]), (_("people registered"), counts["people"] or 0)]

    formats.register(
        formats.Format(
            key="event",
            label=_("events"),
            uses=lambda: Q(Exists(Event.objects.filter(consultation=OuterRef("pk")))),
            panel=panel,
            received=received,
            order=50,
        )
    )
    formats.register_personal_data(
        formats.PersonalData(
            key="event_registrations",
            label=_("registrations for events"),
            export=services.registrations_export,
            erase=services.registrations_erase,
        )
    )
