"""Reads of the moderators' back office (/moderation/): the queue with its filters and counts, and
everything about one contribution. Locations come out in EPSG:4326 (``wgs84``) for the small maps.
Staff tied to cities (staff.scope) see only their cities' contributions."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import Transform
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from geo import crs
from measures.models import Measure
from participation.models import (
    Consultation,
    Contribution,
    ContributionArea,
    Flag,
    ModerationEvent,
    Status,
)
from participation.selectors import Review, with_review
from quartiere.models import Level
from staff.scope import cities_of


class State:
    """The queue's filter by state: ``QUEUE`` (everything that waits for a moderator, the default),
    one part of it (``Review.ALL``), the overdue responses, or every contribution of a status."""

    QUEUE = "queue"
    OVERDUE = "overdue"
    ALL = "all"
    CHOICES = (QUEUE, *Review.ALL, OVERDUE, *Status.values, ALL)


def _in_scope(qs: QuerySet, user) -> QuerySet:
    cities = cities_of(user)
    return qs if cities is None else qs.filter(city_id__in=cities)


def response_due_before(now: dt.datetime | None = None) -> dt.datetime:
    """Published contributions created before this moment and still without an official response
    are overdue (setting ``PARTICIPATION_RESPONSE_DUE_DAYS``)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.PARTICIPATION_RESPONSE_DUE_DAYS)


def _overdue() -> Q:
    return Q(status=Status.PUBLISHED, response__isnull=True, created_at__lt=response_due_before())


@dataclass(frozen=True)
class Waiting:
    """What waits for the moderators: the header of the queue."""

    pending: int
    reported: int
    auto_hidden: int
    overdue: int


def waiting_counts(*, user) -> Waiting:
    """How many contributions (in ``user``'s cities) are pending, reported while still published,
    hidden automatically after reports, and published without an official response past the due
    period. One statement."""
    counts = _in_scope(with_review(Contribution.objects.all()), user).aggregate(
        pending=Count("pk", filter=Q(review=Review.PENDING)),
        reported=Count("pk", filter=Q(review=Review.REPORTED)),
        auto_hidden=Count("pk", filter=Q(review=Review.AUTO_HIDDEN)),
        overdue=Count("pk", filter=_overdue()),
    )
    return Waiting(**counts)


def _details(qs: QuerySet) -> QuerySet:
    """The contributions with what a page shows of them: the consultation, the open flags
    (``open_flag_list``), the Quartiere it lies in (``quartier_links``) and the point in EPSG:4326."""
    return (
        with_review(qs)
        .select_related("consultation")
        .annotate(wgs84=Transform("geom", crs.WGS84))
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(reviewed_at__isnull=True).order_by("created_at", "id"),
                to_attr="open_flag_list",
            ),
            Prefetch(
                "area_links",
                queryset=ContributionArea.objects.filter(level=Level.QUARTIER)
                .select_related("area")
                .order_by("-share"),
                to_attr="quartier_links",
            ),
        )
    )


def backoffice_queue(
    *, user, state: str = State.QUEUE, consultation_id: int | None = None, category: str | None = None
) -> QuerySet:
    """Contributions for the back office's queue, in ``user``'s cities: by default those waiting for
    a moderator (automatically hidden, reported, pending); automatically hidden first, then reported,
    then pending, each newest first. ``state`` picks one part (``Review.ALL``), the overdue responses
    (``State.OVERDUE``), a status, or everything (``State.ALL``)."""
    qs = _details(_in_scope(Contribution.objects.all(), user))
    if state == State.QUEUE:
        qs = qs.filter(urgency__lt=len(Review.ALL))
    elif state in Review.ALL:
        qs = qs.filter(review=state)
    elif state == State.OVERDUE:
        qs = qs.filter(_overdue())
    elif state in Status.values:
        qs = qs.filter(status=state)
    if consultation_id:
        qs = qs.filter(consultation_id=consultation_id)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("urgency", "-created_at", "-id")


def queue_consultations(*, user) -> QuerySet:
    """The consultations of ``user``'s cities, for the queue's filter."""
    return _in_scope(Consultation.objects.all(), user).order_by("title", "id")


def backoffice_contribution(*, contribution_id: int) -> Contribution | None:
    """One contribution with its details (as in the queue), its official response and linked
    measures; None if there is none."""
    qs = _details(Contribution.objects.filter(pk=contribution_id)).select_related(
        "response", "response__measure"
    )
    return qs.prefetch_related("measures").first()


def contribution_flags(*, contribution_id: int) -> QuerySet:
    """Every flag of a contribution, open and reviewed, oldest first."""
    return Flag.objects.filter(contribution_id=contribution_id).order_by("created_at", "id")


def contribution_history(*, contribution_id: int) -> QuerySet:
    """The moderation log of one contribution, newest first: who, when, what, from which status to
    which, with the note."""
    return ModerationEvent.objects.filter(contribution_id=contribution_id).order_by("-at", "-id")


def measures_to_link(*, contribution: Contribution) -> list[Measure]:
    """The measures a contribution can be linked to or taken into: its city's, plus those it is
    linked to already (whichever city), by title."""
    linked = [m.pk for m in contribution.measures.all()]
    return list(
        Measure.objects.filter(Q(city_id=contribution.city_id) | Q(pk__in=linked))
        .only("id", "title", "published", "status")
        .order_by("title", "id")
    )
