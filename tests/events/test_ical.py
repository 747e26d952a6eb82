"""The iCalendar file of an event and the feed /beteiligung/kalender.ics, parsed back with icalendar:
fields, stable UIDs, SEQUENCE, STATUS:CANCELLED, Europe/Berlin with its VTIMEZONE, GEO, filters,
ETag; text stays text; no personal data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events import services
from tests.events.conftest import PAYLOAD, later, make_event

BERLIN = ZoneInfo("Europe/Berlin")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(cal: Calendar) -> dict[str, object]:
    return {str(c["UID"]): c for c in cal.walk("VEVENT")}


@pytest.fixture
def registered(event):
    services.registration_create(event_id=event.pk, name="Geheim Name", email="secret@example.org")
    return event


def test_the_event_file_carries_one_complete_vevent(client, registered):
    event = registered
    cal = parse(client.get(f"/beteiligung/veranstaltungen/{event.pk}.ics"))
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@testserver"
    assert str(vevent["SUMMARY"]) == "Werkstatt Spielplatz"
    start = vevent.decoded("DTSTART")
    assert start.tzinfo is not None and vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert start == event.starts_at.replace(microsecond=start.microsecond)
    assert vevent.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert int(vevent["SEQUENCE"]) == 0
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert vevent.decoded("LAST-MODIFIED").tzinfo is not None
    assert str(vevent["URL"]) == f"http://testserver/beteiligung/veranstaltungen/{event.pk}/"
    assert str(vevent["LOCATION"]) == "Rathaus"
    lat, lon = vevent["GEO"].latitude, vevent["GEO"].longitude
    assert (round(lon, 4), round(lat, 4)) == (9.1956, 48.8997)
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Berlin"
    assert b"secret@example.org" not in client.get(f"/beteiligung/veranstaltungen/{event.pk}.ics").content
    assert b"Geheim" not in client.get(f"/beteiligung/veranstaltungen/{event.pk}.ics").content


def test_the_feed_has_consultation_days_and_events_with_stable_uids(client, registered, consultation):
    first = client.get("/beteiligung/kalender.ics")
    found = vevents(parse(first))
    opens = found[f"consultation-{consultation.pk}-opens@testserver"]
    closes = found[f"consultation-{consultation.pk}-closes@testserver"]
    assert opens.decoded("DTSTART") == consultation.opens_at.astimezone(BERLIN).date()
    assert closes.decoded("DTSTART") == consultation.closes_at.astimezone(BERLIN).date()
    assert f"event-{registered.pk}@testserver" in found
    assert len([u for u in found if u.startswith("event-")]) == 5  # the demo's four and this one
    assert b"secret@example.org" not in first.content and b"example.invalid" not in first.content
    again = client.get("/beteiligung/kalender.ics")
    assert again.content == first.content  # stable: same UIDs, same DTSTAMPs
    assert client.get("/beteiligung/kalender.ics", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert first["Last-Modified"]


def test_a_change_bumps_the_sequence_and_cancelling_marks_it_cancelled(client, event):
    services.event_update(event_id=event.pk, expected_revision=None, title="Neu")
    services.event_cancel(event_id=event.pk, note="Krankheit")
    vevent = vevents(parse(client.get("/beteiligung/kalender.ics")))[f"event-{event.pk}@testserver"]
    assert int(vevent["SEQUENCE"]) == 2
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["SUMMARY"]) == "Neu"
    assert "Krankheit" in str(vevent["DESCRIPTION"])


def test_the_feed_filters_by_quartier_and_theme(client, consultation, demo):
    mitte = make_event(consultation, title="In Mitte")  # at the Residenzschloss
    eglosheim = make_event(consultation, title="In Eglosheim", geom=None, place_name="Saal")
    from django.contrib.gis.geos import Point

    services.event_update(
        event_id=eglosheim.pk, expected_revision=None, geom=Point(9.1686, 48.9083, srid=4326)
    )
    in_mitte = vevents(parse(client.get("/beteiligung/kalender.ics?quartier=mitte")))
    assert f"event-{mitte.pk}@testserver" in in_mitte
    assert f"event-{eglosheim.pk}@testserver" not in in_mitte
    # the whole city's consultation concerns every Quartier
    assert f"consultation-{consultation.pk}-opens@testserver" in in_mitte
    themed = vevents(parse(client.get("/beteiligung/kalender.ics?theme=Spielen")))
    assert {u.split("@")[0] for u in themed} == {
        f"event-{mitte.pk}",
        f"event-{eglosheim.pk}",
        f"consultation-{consultation.pk}-opens",
        f"consultation-{consultation.pk}-closes",
    }
    assert vevents(parse(client.get("/beteiligung/kalender.ics?quartier=nirgendwo&theme=x"))) == {}


def test_text_stays_text_in_the_calendar(client, consultation):
    event = make_event(consultation, title=PAYLOAD, description=f"{PAYLOAD}\nZeile; mit, Zeichen\\")
    response = client.get(f"/beteiligung/veranstaltungen/{event.pk}.ics")
    (vevent,) = parse(response).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == PAYLOAD
    assert str(vevent["DESCRIPTION"]) == f"{PAYLOAD}\nZeile; mit, Zeichen\\"
    assert b"Zeile\\; mit\\, Zeichen\\\\" in response.content  # escaped as RFC 5545 says


def test_unknown_events_are_404(client, db):
    assert client.get("/beteiligung/veranstaltungen/999999999.ics").status_code == 404
    assert client.get(f"/beteiligung/veranstaltungen/{'9' * 30}.ics").status_code == 404


def test_a_closing_at_midnight_ends_the_day_before(client, consultation):
    midnight = dt.datetime.combine(later(20).date(), dt.time(0), tzinfo=BERLIN)
    consultation.closes_at = midnight
    consultation.save()
    closes = vevents(parse(client.get("/beteiligung/kalender.ics")))[
        f"consultation-{consultation.pk}-closes@testserver"
    ]
    assert closes.decoded("DTSTART") == midnight.date() - dt.timedelta(days=1)
