"""The public event pages: list with filters, detail with its seats and form, registering through the
form (400 for bad input, 409 when full, 429 when throttled; nothing stored then), the cancellation
page, German and English, text as text, no email address anywhere; the format's panel, evaluation
and personal data."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory

from events import services
from events.models import Event, Registration
from participation import formats
from tests.events.conftest import PAYLOAD, make_event


def form(**changes) -> dict:
    return {"name": "Anna", "email": "anna@example.org", "people": "1", "website": ""} | changes


def mine(event):
    return Registration.objects.filter(event=event)


def test_the_list_shows_upcoming_and_past_events_and_filters(client, demo):
    page = client.get("/beteiligung/veranstaltungen/").content.decode()
    assert "Spaziergang durch die Innenstadt (illustrativ)" in page
    assert "Vergangene Veranstaltungen" in page and "Spaziergang in Oßweil (illustrativ, vergangen)" in page
    assert "2 Plätze frei" in page  # the nearly full walk: 23 of 25
    walks = client.get("/beteiligung/veranstaltungen/?kind=walk").content.decode()
    assert "Werkstatt: Plätze in Eglosheim" not in walks and "Innenstadt" in walks
    eglosheim = client.get("/beteiligung/veranstaltungen/?quartier=eglosheim").content.decode()
    assert "Werkstatt: Plätze in Eglosheim" in eglosheim and "Innenstadt (illustrativ)</a>" not in eglosheim
    english = client.get("/beteiligung/veranstaltungen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Past events" in english and "2 places left" in english
    assert client.get("/beteiligung/veranstaltungen/?kind=x&quartier=" + "x" * 5000).status_code == 200


def test_the_detail_page_shows_place_accessibility_seats_and_the_calendar_link(client, demo):
    walk = Event.objects.get(title="Spaziergang durch die Innenstadt (illustrativ)")
    page = client.get(f"/beteiligung/veranstaltungen/{walk.pk}/").content.decode()
    assert "Residenzschloss, Haupteingang" in page and "stufenloser Zugang" in page
    assert "2 Plätze frei" in page
    assert f'href="/beteiligung/veranstaltungen/{walk.pk}.ics"' in page
    assert 'id="event-map-config"' in page
    assert "example.invalid" not in page  # the registrants' addresses


def test_registering_through_the_form_lowers_the_seats_and_mails(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/beteiligung/veranstaltungen/{event.pk}/", form(people="2"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Sie sind angemeldet" in page and "1 Platz frei" in page
    assert "anna@example.org" not in page
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"email": "kein"},
        {"people": "0"},
        {"people": "6"},
        {"people": "zwei"},
        {"name": "x" * 61},
    ],
)
def test_bad_input_is_400_naming_the_field_and_stores_nothing(client, event, changes):
    response = client.post(f"/beteiligung/veranstaltungen/{event.pk}/", form(**changes))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not mine(event).exists()
    assert mail.outbox == []


def test_a_full_event_is_409_and_a_bot_is_refused(client, event):
    services.registration_create(event_id=event.pk, name="B", email="b@example.org", people=3)
    full = client.post(f"/beteiligung/veranstaltungen/{event.pk}/", form())
    assert full.status_code == 409 and "ausgebucht" in full.content.decode()
    mine(event).delete()
    bot = client.post(f"/beteiligung/veranstaltungen/{event.pk}/", form(website="http://spam.example"))
    assert bot.status_code == 400
    assert not mine(event).exists()


def test_registrations_are_throttled_per_connection(client, event, settings):
    settings.EVENTS_REGISTRATION_RATE = "1/10m"
    event.capacity = 10
    event.save()
    assert client.post(f"/beteiligung/veranstaltungen/{event.pk}/", form()).status_code == 302
    throttled = client.post(f"/beteiligung/veranstaltungen/{event.pk}/", form(email="x@example.org"))
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert mine(event).count() == 1


def test_text_stays_text_on_the_pages(client, consultation):
    event = make_event(consultation, title=PAYLOAD, description=PAYLOAD, place_name=PAYLOAD)
    for url in (f"/beteiligung/veranstaltungen/{event.pk}/", "/beteiligung/veranstaltungen/"):
        page = client.get(url).content.decode()
        assert "{{ 6*7 }}" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page and ">42<" not in page


def test_the_cancellation_page_cancels_with_the_code_only(client, event):
    done = services.registration_create(event_id=event.pk, name="A", email="a@example.org")
    assert client.get("/beteiligung/veranstaltungen/abmelden/").status_code == 200
    assert client.post("/beteiligung/veranstaltungen/abmelden/", {"code": "kaputt"}).status_code == 400
    wrong = client.post("/beteiligung/veranstaltungen/abmelden/", {"code": f"{done.registration.pk}.falsch"})
    assert wrong.status_code == 404 and mine(event).exists()
    link = f"http://testserver/beteiligung/veranstaltungen/abmelden/#{done.registration.pk}.{done.token}"
    ok = client.post("/beteiligung/veranstaltungen/abmelden/", {"code": link})
    assert ok.status_code == 200 and "storniert" in ok.content.decode()
    assert not mine(event).exists()


def test_unknown_and_malformed_ids_are_404(client, db):
    for url in ("/beteiligung/veranstaltungen/999999/", f"/beteiligung/veranstaltungen/{'9' * 19}/"):
        assert client.get(url).status_code == 404


def test_the_format_registers_its_panel_received_and_personal_data(demo, django_user_model):
    fmt = formats.get("event")
    assert fmt is not None
    walk = Event.objects.get(title="Spaziergang durch die Innenstadt (illustrativ)")
    consultation = walk.consultation
    from participation.models import Consultation

    assert list(Consultation.objects.filter(fmt.uses())) == [consultation]
    request = RequestFactory().get("/")
    panel = str(fmt.panel(request, consultation))
    assert f"/beteiligung/veranstaltungen/{walk.pk}/" in panel and "Oßweil" not in panel  # upcoming only
    assert {str(k): v for k, v in fmt.received(consultation)}["angemeldete Personen"] == 23 + 9 + 16
    user = django_user_model.objects.create_user("ursula", "u@example.org", "x")
    services.registration_create(event_id=walk.pk, name="U", email="u@example.org", people=2, user=user)
    (data,) = [d for d in formats.personal_data() if d.key == "event_registrations"]
    (row,) = data.export(user)
    assert row["email"] == "u@example.org" and row["people"] == 2
    assert data.erase(user) == 1 and data.export(user) == []


def test_no_email_in_any_public_answer(client, demo):
    pages = [client.get("/beteiligung/veranstaltungen/"), client.get("/beteiligung/kalender.ics")]
    pages += [client.get(f"/beteiligung/veranstaltungen/{e.pk}/") for e in Event.objects.all()]
    for response in pages:
        assert not re.search(rb"[\w.-]+@example\.(invalid|org)", response.content)
