"""The planners' start page ``/planung/uebersicht/``: what waits for them, in the cities they work
for (``staff.scope.cities_of``) — pending contributions, consultations closing soon, measures
without budget lines, published contributions still without an official response after
``PARTICIPATION_RESPONSE_DUE_DAYS`` days, and measures not yet published. Each a count and a
short list linking to the page where the work is done. Planners land here after signing in."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.permissions import is_planner
from measures.models import Measure
from participation.backoffice import office_context
from participation.backoffice.selectors import response_due_before
from participation.models import Consultation, Contribution, Status
from participation.permissions import can_respond, is_moderator
from staff.backoffice import staff_page
from staff.scope import cities_of

LIST_LENGTH = 8  # each list shows this many; the count says how many there are
CLOSING_SOON_DAYS = 14


@dataclass
class Item:
    text: str
    url: str = ""
    note: str = ""


@dataclass
class Waiting:
    """One kind of waiting work: ``count`` in all, the first ``items``, and where to see all."""

    key: str
    title: str
    count: int
    items: list[Item] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""
    empty: str = ""


def _in_cities(qs: QuerySet, cities: frozenset[int] | None, lookup: str = "city_id__in") -> QuerySet:
    return qs if cities is None else qs.filter(**{lookup: cities})


def _excerpt(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def waiting_work(user: Any) -> list[Waiting]:
    """What waits for ``user`` (a planner), in the order the page shows it."""
    cities = cities_of(user)
    now = timezone.now()
    moderator = is_moderator(user)
    responder = can_respond(user)  # a planner opens a contribution's page to answer it
    due_days = settings.PARTICIPATION_RESPONSE_DUE_DAYS

    def contribution_item(c: Contribution, note: str) -> Item:
        return Item(_excerpt(c.text), f"/moderation/{c.pk}/" if responder else "", note)

    pending = _in_cities(Contribution.objects.filter(status=Status.PENDING), cities).order_by("created_at")
    closing = _in_cities(
        Consultation.objects.filter(
            opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + timedelta(days=CLOSING_SOON_DAYS)
        ),
        cities,
    ).order_by("closes_at", "id")
    unbudgeted = _in_cities(Measure.objects.filter(budget_lines__isnull=True), cities).order_by(
        "-updated_at", "id"
    )
    overdue = _in_cities(
        # the moderators' rule of what is overdue (participation.backoffice.selectors)
        Contribution.objects.filter(
            status=Status.PUBLISHED, response__isnull=True, created_at__lt=response_due_before(now)
        ),
        cities,
    ).order_by("created_at", "id")
    drafts = _in_cities(Measure.objects.filter(published=False), cities).order_by("-updated_at", "id")

    def date(moment) -> str:
        return timezone.localtime(moment).strftime("%d.%m.%Y")

    return [
        Waiting(
            "pending",
            _("Contributions awaiting moderation"),
            pending.count(),
            [
                contribution_item(c, _("since %(date)s") % {"date": date(c.created_at)})
                for c in pending[:LIST_LENGTH]
            ],
            "/moderation/" if moderator else "",
            _("Open the moderation queue"),
            _("Nothing waits for moderation."),
        ),
        Waiting(
            "closing",
            _("Consultations closing within %(days)d days") % {"days": CLOSING_SOON_DAYS},
            closing.count(),
            [
                Item(
                    c.title,
                    reverse("office-consultations:edit", args=[c.pk]),
                    _("closes %(date)s") % {"date": date(c.closes_at)},
                )
                for c in closing[:LIST_LENGTH]
            ],
            reverse("office-consultations:list"),
            _("All consultations"),
            _("No consultation closes in the next days."),
        ),
        Waiting(
            "unbudgeted",
            _("Measures without budget lines"),
            unbudgeted.count(),
            [
                Item(m.title, f"/planung/massnahmen/{m.pk}/", m.get_status_display())
                for m in unbudgeted[:LIST_LENGTH]
            ],
            "/planung/massnahmen/",
            _("All measures"),
            _("Every measure has a budget line."),
        ),
        Waiting(
            "overdue",
            _("Contributions without an official response for more than %(days)d days") % {"days": due_days},
            overdue.count(),
            [
                contribution_item(c, _("published %(date)s") % {"date": date(c.created_at)})
                for c in overdue[:LIST_LENGTH]
            ],
            "/moderation/?state=overdue" if moderator else "",
            _("Open the moderation queue"),
            _("No response is overdue."),
        ),
        Waiting(
            "drafts",
            _("Measures not yet published"),
            drafts.count(),
            [
                Item(m.title, f"/planung/massnahmen/{m.pk}/", m.get_status_display())
                for m in drafts[:LIST_LENGTH]
            ],
            "/planung/massnahmen/",
            _("All measures"),
            _("Every measure is published."),
        ),
    ]


@staff_page(is_planner, gettext_lazy("The overview is for the planners' group."))
def start(request):
    """``/planung/uebersicht/``: anonymous → the sign-in page; signed in without the planners' role → 403."""
    return render(
        request,
        "planning/start.html",
        {**office_context(request, "start"), "waiting": waiting_work(request.user)},
    )
