"""iCalendar (RFC 5545) for events and consultations, built with the ``icalendar`` library.

- One VEVENT per event: UID ``event-<id>@<host>`` (stable per object and host), DTSTART/DTEND with
  TZID Europe/Berlin and its VTIMEZONE, DTSTAMP, LAST-MODIFIED, SEQUENCE (bumped by every change,
  ``Event.sequence``), STATUS (CANCELLED for a cancelled event), URL, LOCATION, GEO.
- A consultation is **two all-day VEVENTs**, its opening day and its last day
  (UIDs ``consultation-<id>-opens@…`` and ``…-closes@…``), not one event spanning its weeks: calendar
  apps draw a multi-week event as a bar over every day (and an all-day banner in every day of a week
  view), which buries the events people must actually attend; the two days are what one needs to know.
  Their SEQUENCE and LAST-MODIFIED come from the consultation's audit history.
- DTSTAMP is the object's last revision (RFC 5545 3.8.7.2, a calendar without METHOD), so an
  unchanged feed is byte-identical and its ETag holds.
- No personal data: nothing of registrations, no author.
"""

from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vGeo
from icalendar import Event as VEvent

from events.models import Event
from events.selectors import lonlat
from participation.models import Consultation

TZID = "Europe/Berlin"
PRODID = "-//Quartiersatlas//Beteiligung//DE"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    return cal


def _berlin(value: datetime) -> datetime:
    return timezone.localtime(value, timezone=timezone.get_default_timezone())


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def event_component(event: Event, *, host: str, base_url: str) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"event-{event.pk}@{host}")
    vevent.add("dtstamp", _utc(event.updated_at))
    vevent.add("last-modified", _utc(event.updated_at))
    vevent.add("created", _utc(event.created_at))
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    vevent.add("dtstart", _berlin(event.starts_at))
    vevent.add("dtend", _berlin(event.ends_at))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("url", base_url + reverse("events:detail", args=[event.pk]))
    lines = [event.description] if event.description else []
    if event.cancelled and event.cancel_note:
        lines.insert(0, event.cancel_note)
    access = event.accessibility() + ([event.accessibility_note] if event.accessibility_note else [])
    if access:
        lines.append("Barrierefreiheit / accessibility: " + "; ".join(access))
    if event.online_url:
        lines.append(event.online_url)
    if lines:
        vevent.add("description", "\n\n".join(lines))
    location = ", ".join(part for part in (event.place_name, event.address) if part) or event.online_url
    if location:
        vevent.add("location", location)
    if (point := lonlat(event)) is not None:
        vevent.add("geo", vGeo((point[1], point[0])))
    vevent.add("categories", [str(event.get_kind_display())])
    return vevent


def _consultation_days(consultation: Consultation) -> tuple:
    """The opening day and the last day (local dates; a window closing at midnight ends the day before)."""
    first = _berlin(consultation.opens_at).date()
    last = (_berlin(consultation.closes_at) - timedelta(microseconds=1)).date()
    return first, max(first, last)


def consultation_components(
    consultation: Consultation, *, host: str, base_url: str, history: dict
) -> list[VEvent]:
    sequence, modified = history.get(consultation.pk, (0, consultation.created_at))
    url = base_url + reverse("participation:karte") + f"?verfahren={consultation.slug}"
    first, last = _consultation_days(consultation)
    components = []
    for key, day, summary in (
        ("opens", first, f"Beteiligung beginnt / opens: {consultation.title}"),
        ("closes", last, f"Letzter Tag der Beteiligung / last day: {consultation.title}"),
    ):
        vevent = VEvent()
        vevent.add("uid", f"consultation-{consultation.pk}-{key}@{host}")
        vevent.add("dtstamp", _utc(modified))
        vevent.add("last-modified", _utc(modified))
        vevent.add("sequence", sequence)
        vevent.add("summary", summary)
        vevent.add("dtstart", day)
        vevent.add("dtend", day + timedelta(days=1))
        vevent.add("transp", "TRANSPARENT")  # a date to know, not time taken
        vevent.add("status", "CONFIRMED")
        vevent.add("url", url)
        if consultation.description:
            vevent.add("description", consultation.description)
        components.append(vevent)
    return components


def consultation_history(ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """{consultation id: (SEQUENCE, LAST-MODIFIED)} from the audit history, in one query: the number of
    changes after its creation and the time of the latest."""
    history = Consultation.history.model
    rows = (
        history.objects.filter(id__in=ids)
        .values("id")
        .annotate(n=Count("history_id"), last=Max("history_date"))
    )
    return {row["id"]: (max(0, row["n"] - 1), row["last"]) for row in rows}


def to_bytes(cal: Calendar) -> bytes:
    """The calendar with the VTIMEZONE of Europe/Berlin, its transitions only for the years the events
    span (the library's default lists every one from 1970 to 2038)."""
    days = [c.decoded("dtstart") for c in cal.walk("VEVENT")]
    days = [d.date() if isinstance(d, datetime) else d for d in days] or [timezone.localdate()]
    cal.add_missing_timezones(
        first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 1, 12, 31)
    )
    return cal.to_ical()


def event_calendar(event: Event, *, host: str, base_url: str) -> bytes:
    cal = _calendar(event.title)
    cal.add_component(event_component(event, host=host, base_url=base_url))
    return to_bytes(cal)


def feed_calendar(
    consultations: list[Consultation], events: list[Event], *, host: str, base_url: str, name: str
) -> bytes:
    cal = _calendar(name)
    history = consultation_history([c.pk for c in consultations])
    for consultation in consultations:
        for component in consultation_components(consultation, host=host, base_url=base_url, history=history):
            cal.add_component(component)
    for event in events:
        cal.add_component(event_component(event, host=host, base_url=base_url))
    return to_bytes(cal)


def last_modified(consultations: list[Consultation], events: list[Event]) -> datetime | None:
    """The latest change of anything in a feed (its Last-Modified header)."""
    times = [e.updated_at for e in events] + [c.created_at for c in consultations]
    times += [modified for _seq, modified in consultation_history([c.pk for c in consultations]).values()]
    return max(times) if times else None
