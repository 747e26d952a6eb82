"""Reads of events: the public lists (upcoming and past, filtered by kind, Quartier and theme), one
event with its seats left, the consultations and events the calendar feed carries. The seats taken are
summed in SQL (one query for a list)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event, Kind
from participation.models import Consultation
from quartiere.models import Area, Level


def lonlat(event: Event) -> tuple[float, float] | None:
    """The event's point as (lon, lat) in EPSG:4326 (None without one), rounded to 6 decimals (≈0.1 m)."""
    if event.geom is None:
        return None
    point = event.geom.clone()
    point.transform(4326)  # in place: stays a Point
    return round(point.x, 6), round(point.y, 6)


def with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    """``taken``: the people registered, summed in SQL."""
    return events.annotate(taken=Coalesce(Sum("registrations__people"), Value(0)))


def seats_left(event: Event) -> int | None:
    """Places still free (None: no registration needed); needs ``taken`` (``with_seats``)."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.taken)  # type: ignore[attr-defined]


def quartiere(city_ids=None) -> QuerySet[Area]:
    qs = Area.objects.filter(level=Level.QUARTIER).order_by("name")
    return qs.filter(parent__in=city_ids) if city_ids is not None else qs


def _quartier_areas(slug: str) -> QuerySet[Area]:
    return Area.objects.filter(level=Level.QUARTIER, slug=slug)


def consultation_in_quartier(slug: str, prefix: str = "") -> Q:
    """Consultations (``prefix`` the lookup leading to one) that concern the Quartier ``slug``: its
    area is the Quartier or the Quartier's whole city, or its own polygon touches the Quartier."""
    areas = _quartier_areas(slug)
    return (
        Q(**{f"{prefix}area__in": areas.values("pk")})
        | Q(**{f"{prefix}area__in": areas.values("parent_id")})
        | Q(Exists(areas.filter(geom__intersects=OuterRef(f"{prefix}geom"))))
    )


def filter_events(
    events: QuerySet[Event], *, kind: str = "", quartier: str = "", theme: str = ""
) -> QuerySet[Event]:
    """Events of ``kind``, in the Quartier ``quartier`` (slug: its point inside the Quartier; an event
    without a point by its consultation), of consultations with the theme ``theme`` (exact tag)."""
    if kind in Kind.values:
        events = events.filter(kind=kind)
    if quartier:
        inside = Exists(_quartier_areas(quartier).filter(geom__covers=OuterRef("geom")))
        events = events.filter(
            inside | Q(geom__isnull=True) & consultation_in_quartier(quartier, "consultation__")
        )
    if theme:
        events = events.filter(consultation__themes__contains=[theme])
    return events


@dataclass(frozen=True)
class Listing:
    upcoming: list[Event]
    past: list[Event]


PAST_SHOWN = 20


def events_listing(*, kind: str = "", quartier: str = "", theme: str = "") -> Listing:
    """Upcoming events (not ended yet, soonest first) and the latest ``PAST_SHOWN`` past ones."""
    now = timezone.now()
    events = filter_events(
        with_seats(Event.objects.select_related("consultation")), kind=kind, quartier=quartier, theme=theme
    )
    return Listing(
        upcoming=list(events.filter(ends_at__gt=now).order_by("starts_at", "id")),
        past=list(events.filter(ends_at__lte=now).order_by("-starts_at", "-id")[:PAST_SHOWN]),
    )


def event_public(pk: int) -> Event | None:
    """One event with ``taken`` (seats), its consultation and city."""
    return with_seats(Event.objects.select_related("consultation", "city")).filter(pk=pk).first()


def consultation_events(consultation: Consultation) -> list[Event]:
    """A consultation's events that have not ended, soonest first (the panel on its page)."""
    return list(
        with_seats(Event.objects.filter(consultation=consultation, ends_at__gt=timezone.now())).order_by(
            "starts_at", "id"
        )
    )


def feed_items(*, quartier: str = "", theme: str = "") -> tuple[list[Consultation], list[Event]]:
    """What the calendar feed carries: every consultation and every event, filtered."""
    consultations = Consultation.objects.all()
    if quartier:
        consultations = consultations.filter(consultation_in_quartier(quartier))
    if theme:
        consultations = consultations.filter(themes__contains=[theme])
    events = filter_events(Event.objects.select_related("consultation"), quartier=quartier, theme=theme)
    return list(consultations.order_by("opens_at", "id")), list(events.order_by("starts_at", "id"))
