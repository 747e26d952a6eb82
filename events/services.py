"""Writes of events: every rule on events and registrations is enforced here, once. Each write is one
transaction; a refused write stores nothing.

- Events are written by planners (``user`` None: a system write such as the demo loader) of the
  consultation's city (``staff.scope.check_city``); audited by django-simple-history; a form carries
  the revision it showed and a save after someone else's raises ``StaleVersion``. Every change bumps
  ``sequence`` (iCalendar SEQUENCE), so calendar apps replace their copy.
- Registrations respect the capacity under concurrency: the event's row is locked
  (``SELECT … FOR UPDATE``) and the seats taken are counted in SQL inside that lock, so two people
  asking for the last seat at once are served one after the other and the second is refused. A full
  event is refused with a clear message (``Conflict``, 409); there is no waiting list — a cancellation
  frees the seats at once and the page shows them again.
- Cancelling an event notifies every registrant by email once the transaction commits.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from events import mail
from events.models import NAME_MAX, PEOPLE_MAX, Event, Kind, Registration
from geo import crs
from geo.errors import Conflict, Forbidden, NotFound, ServiceError, StaleVersion
from geo.permissions import is_planner
from geo.records.services import VersionedRecord, audited_save, check_fields, history_revision
from participation.models import Consultation
from participation.privacy import new_delete_token, token_matches
from participation.services import clean_line, clean_text
from quartiere.models import Area
from staff.scope import check_city

EVENT_FIELDS = frozenset(
    {
        "consultation",
        "kind",
        "title",
        "description",
        "starts_at",
        "ends_at",
        "place_name",
        "address",
        "geom",
        "online_url",
        "step_free",
        "hearing_loop",
        "sign_language",
        "childcare",
        "accessibility_note",
        "capacity",
        "registration_closes_at",
    }
)
EVENT_RECORD = VersionedRecord(Event, name="event", fields=EVENT_FIELDS)


def event_revision(event: Event) -> int:
    """The revision a form carries: the id of the event's latest historical record."""
    return history_revision(event)


def _check_user(user: Any) -> None:
    if user is not None and not is_planner(user):
        raise Forbidden(_("Events are set up by the planners' group."))


def seats_taken(event_id: int) -> int:
    """The people registered for the event (a sum in SQL)."""
    return Registration.objects.filter(event_id=event_id).aggregate(n=Sum("people"))["n"] or 0


def event_check(event: Event) -> None:
    """All rules on one (unsaved) event; a ``ValidationError`` naming every field at fault. Trims
    the texts; the point must lie inside the consultation's city (PostGIS)."""
    errors: dict[str, list[str]] = {}
    event.title = clean_line(event.title or "")
    event.description = clean_text(event.description or "")
    event.place_name = clean_line(event.place_name or "")
    event.address = clean_line(event.address or "")
    event.accessibility_note = clean_line(event.accessibility_note or "")
    event.cancel_note = clean_line(event.cancel_note or "")
    if event.kind not in Kind.values:
        errors["kind"] = [_("Unknown kind of event.")]
    if not event.title:
        errors["title"] = [_("Please give the event a title.")]
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = [_("Must be after the start.")]
    if event.registration_closes_at and event.starts_at and event.registration_closes_at > event.starts_at:
        errors["registration_closes_at"] = [_("Must not be after the start.")]
    if event.geom is None and not event.online_url and not event.address and not event.place_name:
        errors["place_name"] = [_("Name a place (or an address, a point on the map, or an online link).")]
    if event.geom is not None and not Area.objects.filter(pk=event.city_id, geom__covers=event.geom).exists():
        errors["geom"] = [_("The place must lie inside the consultation's city.")]
    check_fields(event, errors, exclude=["consultation", "city", "geom", *errors])


def _point(geom: GEOSGeometry | None) -> GEOSGeometry | None:
    """A point in EPSG:25832 (the storage SRID), from any SRID."""
    if geom is None or geom.srid == crs.STORAGE_SRID:
        return geom
    return geom.transform(crs.STORAGE_SRID, clone=True)


@transaction.atomic
def event_create(*, consultation: Consultation, user: Any = None, **fields: Any) -> Event:
    """A new event of ``consultation`` (its city is the event's); ``fields`` from ``EVENT_FIELDS``;
    ``geom`` a point in any SRID (stored in EPSG:25832)."""
    _check_user(user)
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown Event fields: {', '.join(sorted(unknown))}")
    check_city(user, consultation.city_id, field="consultation")
    fields["geom"] = _point(fields.get("geom"))
    event = Event(consultation=consultation, city_id=consultation.city_id, **fields)
    event_check(event)
    audited_save(EVENT_RECORD, event, user=user, created=True)
    return event


def _locked(event_id: int) -> Event:
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("There is no such event."))
    return event


@transaction.atomic
def event_update(*, event_id: int, expected_revision: int | None, user: Any = None, **changes: Any) -> Event:
    """Change the fields in ``changes`` under a row lock; ``StaleVersion`` when the event's revision
    is not ``expected_revision`` (None: no check). Bumps the iCalendar sequence."""
    _check_user(user)
    unknown = set(changes) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown Event fields: {', '.join(sorted(unknown))}")
    event = _locked(event_id)
    check_city(user, event.city_id)
    if expected_revision is not None and event_revision(event) != expected_revision:
        raise StaleVersion(event_revision(event))
    if "geom" in changes:
        changes["geom"] = _point(changes["geom"])
    consultation = changes.get("consultation")
    if consultation is not None:
        check_city(user, consultation.city_id, field="consultation")
        event.city_id = consultation.city_id
    for name, value in changes.items():
        setattr(event, name, value)
    event_check(event)
    event.sequence += 1
    audited_save(EVENT_RECORD, event, user=user, created=False)
    return event


@transaction.atomic
def event_cancel(*, event_id: int, note: str = "", user: Any = None, base_url: str = "") -> int:
    """Cancel the event (it stays listed, marked as cancelled; STATUS:CANCELLED in the feeds) and
    email every registrant once the transaction commits. Returns the number of registrants notified.
    ``base_url``: scheme and host for the links in the mail."""
    _check_user(user)
    event = _locked(event_id)
    check_city(user, event.city_id)
    if event.cancelled:
        raise Conflict(_("This event is cancelled already."))
    event.cancelled = True
    event.cancel_note = clean_line(note)[:1000]
    event.sequence += 1
    audited_save(EVENT_RECORD, event, user=user, created=False)
    recipients = list(Registration.objects.filter(event=event).values_list("email", flat=True))
    mail.on_commit_cancelled(event, recipients, base_url=base_url)
    return len(recipients)


@dataclass(frozen=True)
class Registered:
    registration: Registration
    token: str  # for the cancellation link, sent once by mail; only its hash is stored
    seats_left: int


@transaction.atomic
def registration_create(
    *,
    event_id: int,
    name: str,
    email: str,
    people: int = 1,
    user: Any = None,
    honeypot: str = "",
    base_url: str = "",
) -> Registered:
    """Register ``people`` (1–5) for an event that takes registrations. The event's row is locked and
    the seats taken are summed in SQL within the lock: concurrent registrations are served one after
    the other and never exceed the capacity. A full event (or fewer seats left than asked): ``Conflict``.
    The confirmation mail with the cancellation link goes out once the transaction commits."""
    if honeypot:
        # a field people never see: only bots fill it in
        raise ServiceError(_("Your registration could not be accepted."))
    errors: dict[str, list[str]] = {}
    name = clean_line(name)
    if not name:
        errors["name"] = [_("Please give a name or a pseudonym.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(max)d characters.") % {"max": NAME_MAX}]
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [
            _("Please give a valid email address: the confirmation and the cancellation link go there.")
        ]
    if not isinstance(people, int) or not 1 <= people <= PEOPLE_MAX:
        errors["people"] = [_("Between 1 and %(max)d people.") % {"max": PEOPLE_MAX}]
    if errors:
        raise ValidationError(errors)
    event = _locked(event_id)
    now = timezone.now()
    if event.capacity is None:
        raise Conflict(_("This event needs no registration: just come."))
    if event.cancelled:
        raise Conflict(_("This event has been cancelled."))
    if not event.registration_open(now):
        raise Conflict(_("Registration for this event has closed."))
    left = event.capacity - seats_taken(event.pk)
    if left <= 0:
        raise Conflict(_("This event is fully booked; nothing was stored."))
    if people > left:
        raise Conflict(
            _("Only %(n)d places are left; please register fewer people. Nothing was stored.") % {"n": left},
            "people",
        )
    token, token_hash = new_delete_token()
    registration = Registration.objects.create(
        event=event,
        name=name,
        email=email,
        people=people,
        user=user if user is not None and user.is_authenticated else None,
        token_hash=token_hash,
    )
    mail.on_commit_confirmation(event, registration, token, base_url=base_url)
    return Registered(registration=registration, token=token, seats_left=left - people)


@transaction.atomic
def registration_cancel(*, registration_id: int, token: str) -> Event:
    """Cancel a registration through the secret link of its confirmation mail; frees its seats."""
    registration = (
        Registration.objects.select_related("event")
        .select_for_update(of=("self",))
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not token_matches(token, registration.token_hash):
        # the same answer for a wrong token and a missing registration: nothing to probe
        raise NotFound(_("This cancellation link is not valid (any more)."))
    event = registration.event
    registration.delete()
    return event


def registrations_export(user: Any) -> list[dict[str, Any]]:
    """An account's registrations (GDPR Art. 15/20)."""
    rows = Registration.objects.filter(user=user).select_related("event").order_by("created_at")
    return [
        {
            "event": r.event.title,
            "starts_at": r.event.starts_at.isoformat(),
            "name": r.name,
            "email": r.email,
            "people": r.people,
            "registered_at": r.created_at.isoformat(),
        }
        for r in rows
    ]


@transaction.atomic
def registrations_erase(user: Any) -> int:
    """Delete an account's registrations (GDPR Art. 17); frees their seats."""
    deleted, _rows = Registration.objects.filter(user=user).delete()
    return deleted
