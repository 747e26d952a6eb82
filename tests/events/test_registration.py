"""Registrations (events.services): the capacity on hand-made cases, refusals store nothing, the
confirmation mail with its cancellation link, cancelling frees the seats; events' own rules."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from events import services
from events.models import Registration
from geo.errors import Conflict, NotFound, ServiceError
from tests.events.conftest import later, make_event


@pytest.fixture(autouse=True)
def _english():
    """The services' messages as written (the tests match their words)."""
    with translation.override("en"):
        yield


def register(event, people=1, email="a@example.org", name="Anna", **extra):
    return services.registration_create(
        event_id=event.pk, name=name, email=email, people=people, base_url="https://q.example", **extra
    )


def taken(event) -> int:
    return services.seats_taken(event.pk)


def test_it_fills_the_event_exactly_and_refuses_the_next(event):
    assert register(event, people=2).seats_left == 1
    assert register(event, people=1).seats_left == 0
    with pytest.raises(Conflict, match="fully booked"):
        register(event, people=1)
    assert taken(event) == 3
    assert Registration.objects.filter(event=event).count() == 2


def test_it_refuses_more_people_than_seats_left_and_stores_nothing(event):
    register(event, people=2)
    with pytest.raises(Conflict) as refused:
        register(event, people=2)
    assert refused.value.field == "people"
    assert "1" in refused.value.message
    assert taken(event) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": None}, "needs no registration"),
        ({"registration_closes_at": later(-0.5), "starts_at": later(-0.1), "ends_at": later(1)}, "closed"),
        ({"starts_at": later(-1), "ends_at": later(-0.9)}, "closed"),
    ],
)
def test_it_refuses_events_without_open_registration(consultation, changes, message):
    event = make_event(consultation, **changes)
    with pytest.raises(Conflict, match=message):
        register(event)
    assert not Registration.objects.filter(event__consultation__slug="spielplaetze").exists()


def test_a_cancelled_event_takes_no_registration(event):
    services.event_cancel(event_id=event.pk)
    with pytest.raises(Conflict, match="cancelled"):
        register(event)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"people": 0}, "people"),
        ({"people": 6}, "people"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(event, fields, field):
    with pytest.raises(ValidationError) as refused:
        register(event, **fields)
    assert field in refused.value.message_dict
    assert not Registration.objects.filter(event__consultation__slug="spielplaetze").exists()
    assert mail.outbox == []


def test_the_honeypot_refuses(event):
    with pytest.raises(ServiceError):
        register(event, honeypot="http://spam.example")
    assert not Registration.objects.filter(event__consultation__slug="spielplaetze").exists()


def test_it_mails_a_confirmation_whose_link_cancels_and_frees_the_seats(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = register(event, people=3)
    assert register_refused(event)
    (message,) = mail.outbox
    assert message.to == ["a@example.org"]
    link = f"https://q.example/beteiligung/veranstaltungen/abmelden/#{done.registration.pk}.{done.token}"
    assert link in message.body
    assert (
        done.token not in Registration.objects.get(pk=done.registration.pk).token_hash
    )  # only the hash is stored
    with pytest.raises(NotFound):
        services.registration_cancel(registration_id=done.registration.pk, token="wrong")
    assert services.registration_cancel(registration_id=done.registration.pk, token=done.token) == event
    assert taken(event) == 0
    assert register(event, people=3).seats_left == 0
    with pytest.raises(NotFound):  # a link works once
        services.registration_cancel(registration_id=done.registration.pk, token=done.token)


def register_refused(event) -> bool:
    try:
        register(event)
    except Conflict:
        return True
    return False


def test_a_refused_registration_sends_no_mail(event, django_capture_on_commit_callbacks):
    register(event, people=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        register(event)
    assert mail.outbox == []


def test_an_event_needs_a_place_an_order_in_time_and_a_point_in_its_city(consultation):
    with pytest.raises(ValidationError) as refused:
        make_event(
            consultation,
            place_name="",
            geom=None,
            ends_at=later(9),
            registration_closes_at=later(11),
        )
    assert {"place_name", "ends_at", "registration_closes_at"} <= set(refused.value.message_dict)
    from django.contrib.gis.geos import Point

    with pytest.raises(ValidationError) as outside:
        make_event(consultation, geom=Point(9.177, 48.776, srid=4326))  # Stuttgart
    assert "geom" in outside.value.message_dict


def test_an_online_event_needs_no_place(consultation):
    event = make_event(consultation, place_name="", geom=None, online_url="https://meet.example/x")
    assert event.geom is None


def test_every_change_bumps_the_sequence_and_is_audited(event):
    assert event.sequence == 0
    updated = services.event_update(
        event_id=event.pk, expected_revision=services.event_revision(event), title="Neuer Titel"
    )
    assert updated.sequence == 1
    assert updated.history.count() == 2
    with pytest.raises(Exception, match="changed"):
        services.event_update(event_id=event.pk, expected_revision=1, title="alt")
