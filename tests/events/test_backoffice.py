"""Events in the planners' back office (/planung/veranstaltungen/): create and edit through the form
(bad input 400, a stale save 412, nothing stored), city scope and role (403), the registrations with
emails only for the right to see personal data, the CSV, cancelling with a notice to every registrant."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from events import services
from events.models import Event
from geo.permissions import MODERATORS, PLANNERS
from staff.models import Membership
from tests.events.conftest import PAYLOAD, other_city
from tests.fixtures import user_in


@pytest.fixture
def planner(city):
    user = user_in("petra", PLANNERS)
    Membership.objects.create(user=user, city=city)
    return user


@pytest.fixture
def office(client, planner):
    client.force_login(planner)
    return client


def data(consultation, **changes) -> dict:
    values = {
        "consultation": consultation.pk,
        "kind": "walk",
        "title": "Spaziergang Nord",
        "description": "Rundgang",
        "starts_at": "2031-05-01T17:00",
        "ends_at": "2031-05-01T19:00",
        "place_name": "Bahnhof",
        "address": "",
        "lon": "9.1916",
        "lat": "48.8973",
        "online_url": "",
        "step_free": "on",
        "accessibility_note": "",
        "capacity": "12",
        "registration_closes_at": "",
        "revision": "",
    }
    return values | changes


def test_a_planner_creates_an_event_with_a_place_picked_on_the_map(office, consultation):
    assert office.get("/planung/veranstaltungen/neu/").status_code == 200
    response = office.post("/planung/veranstaltungen/neu/", data(consultation))
    assert response.status_code == 302
    event = Event.objects.get(title="Spaziergang Nord")
    assert event.city_id == consultation.city_id and event.geom.srid == 25832
    assert event.step_free and event.capacity == 12
    assert event.history.get().history_user.username == "petra"
    assert "Spaziergang Nord" in office.get("/planung/veranstaltungen/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"ends_at": "2031-05-01T16:00"}, "ends_at"),
        ({"lon": "9.1916", "lat": ""}, "lat"),
        ({"lon": "9.177", "lat": "48.776"}, "geom"),  # Stuttgart, outside the city
        ({"capacity": "0"}, "capacity"),
        ({"kind": "party"}, "kind"),
        ({"starts_at": "gestern"}, "starts_at"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(office, consultation, changes, field):
    before = Event.objects.count()
    response = office.post("/planung/veranstaltungen/neu/", data(consultation, **changes))
    assert response.status_code == 400
    assert Event.objects.count() == before
    assert 'class="mo-error-summary"' in response.content.decode()


def test_text_stays_text_in_the_back_office(office, consultation):
    office.post("/planung/veranstaltungen/neu/", data(consultation, title=PAYLOAD))
    event = Event.objects.get(title=PAYLOAD)
    page = office.get(f"/planung/veranstaltungen/{event.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_stale_edit_is_412_and_a_current_one_bumps_the_sequence(office, event):
    revision = services.event_revision(event)
    services.event_update(event_id=event.pk, expected_revision=None, title="Von anderen geändert")
    stale = office.post(f"/planung/veranstaltungen/{event.pk}/", data(event.consultation, revision=revision))
    assert stale.status_code == 412
    assert Event.objects.get(pk=event.pk).title == "Von anderen geändert"
    current = services.event_revision(Event.objects.get(pk=event.pk))
    ok = office.post(f"/planung/veranstaltungen/{event.pk}/", data(event.consultation, revision=current))
    assert ok.status_code == 302
    assert Event.objects.get(pk=event.pk).sequence == 2


def test_other_cities_and_other_roles_are_refused(client, city, event, consultation):
    stranger = user_in("otto", PLANNERS)
    Membership.objects.create(user=stranger, city=other_city(city.parent))
    client.force_login(stranger)
    assert client.get(f"/planung/veranstaltungen/{event.pk}/").status_code == 403
    assert client.post("/planung/veranstaltungen/neu/", data(consultation)).status_code == 403
    assert client.post(f"/planung/veranstaltungen/{event.pk}/absagen/").status_code == 403
    assert client.get(f"/planung/veranstaltungen/{event.pk}/anmeldungen.csv").status_code == 403
    assert not Event.objects.filter(title="Spaziergang Nord").exists()
    client.force_login(user_in("mona", MODERATORS))
    assert client.get("/planung/veranstaltungen/").status_code == 403
    client.logout()
    assert client.get("/planung/veranstaltungen/").status_code == 302


def test_registrations_show_emails_only_with_the_right_to_see_personal_data(office, planner, event):
    services.registration_create(event_id=event.pk, name="=HYPERLINK(1)", email="r@example.org", people=2)
    page = office.get(f"/planung/veranstaltungen/{event.pk}/").content.decode()
    assert "=HYPERLINK(1)" in page and "r@example.org" not in page
    rows = list(
        csv.reader(
            io.StringIO(office.get(f"/planung/veranstaltungen/{event.pk}/anmeldungen.csv").content.decode())
        )
    )
    assert rows[0] == ["name", "people", "registered_at"]
    assert rows[1][:2] == ["'=HYPERLINK(1)", "2"]  # no formula in a spreadsheet
    planner.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    office.force_login(type(planner).objects.get(pk=planner.pk))
    assert "r@example.org" in office.get(f"/planung/veranstaltungen/{event.pk}/").content.decode()
    rows = list(
        csv.reader(
            io.StringIO(office.get(f"/planung/veranstaltungen/{event.pk}/anmeldungen.csv").content.decode())
        )
    )
    assert rows[0][-1] == "email" and rows[1][-1] == "r@example.org"


def test_cancelling_notifies_every_registrant_once(office, event, django_capture_on_commit_callbacks):
    for n in range(2):
        services.registration_create(event_id=event.pk, name=f"P{n}", email=f"p{n}@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/planung/veranstaltungen/{event.pk}/absagen/", {"note": "Sturmwarnung"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org"]
    assert all("Sturmwarnung" in m.body and "p0@example.org" not in m.body for m in mail.outbox)
    event.refresh_from_db()
    assert event.cancelled and event.sequence == 1
    assert office.post(f"/planung/veranstaltungen/{event.pk}/absagen/").status_code == 409
    assert "abgesagt" in office.get(f"/beteiligung/veranstaltungen/{event.pk}/").content.decode()
