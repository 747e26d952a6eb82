"""``POST /api/contributions/``: what is accepted; every bad input → 4xx with a message, nothing stored."""

import datetime as dt

import pytest
from django.utils import timezone

from participation.models import Contribution, ContributionArea, Moderation, Status
from tests.conftest import sql_value
from tests.participation.conftest import SCHLOSS, STUTTGART, body, client_for, counts, post, user_in


def test_it_stores_a_pending_contribution_in_25832_linked_to_its_areas(api, consultation, areas):
    response = post(api, consultation, text="  Mehr Bänke am Schloss \r\n bitte ", pseudonym="Anna\nB.")

    assert response.status_code == 201, response.content
    data = body(response)
    assert data["status"] == "pending"
    assert "moderation" in data["message"].lower()
    assert data["delete_url"].startswith("http://testserver/karte/loeschen/#")  # the token in the fragment
    code = data["delete_url"].split("#", 1)[1]
    assert code.split(".", 1)[0] == str(data["id"])
    c = Contribution.objects.get(pk=data["id"])
    assert c.geom.srid == 25832
    assert (c.text, c.pseudonym, c.origin, c.city_id) == (
        "Mehr Bänke am Schloss \n bitte",
        "Anna B.",
        "civil_society",
        consultation.city_id,
    )
    # the Schloss is in Mitte: linked to Mitte, the city and the region
    linked = dict(ContributionArea.objects.filter(contribution=c).values_list("level", "area__name"))
    assert linked == {1: "Verband Region Stuttgart", 2: "Ludwigsburg", 3: "Mitte"}
    x, y = sql_value(
        "SELECT ARRAY[ST_X(ST_Transform(geom, 4326)), ST_Y(ST_Transform(geom, 4326))] "
        "FROM participation_contribution WHERE id = %s",
        [c.pk],
    )
    assert x == pytest.approx(SCHLOSS[0], abs=1e-7) and y == pytest.approx(SCHLOSS[1], abs=1e-7)
    # only the hash of the secret link is stored
    token = code.split(".", 1)[1]
    assert token not in c.delete_token_hash and len(c.delete_token_hash) == 64


def test_it_publishes_at_once_under_post_moderation(api, make_consultation):
    consultation = make_consultation(moderation=Moderation.POST)

    response = post(api, consultation)

    assert response.status_code == 201
    assert body(response)["status"] == "published"


def test_staff_may_set_the_origin(make_consultation):
    consultation = make_consultation()
    staff = user_in("clerk", is_staff=True)

    response = post(client_for(staff), consultation, origin="administration")

    assert response.status_code == 201
    assert Contribution.objects.get().origin == "administration"
    assert Contribution.objects.get().author == staff


def _rejected(client, consultation, expected_status: int, /, **fields) -> dict:
    before = counts()
    response = post(client, consultation, **fields)
    assert response.status_code == expected_status, response.content
    assert counts() == before
    return body(response)


def test_it_rejects_a_place_outside_the_consultation_area(api, consultation):
    lon, lat = STUTTGART
    data = _rejected(api, consultation, 400, lon=lon, lat=lat)
    assert "outside the consultation area" in data["lon"][0] or "außerhalb" in data["lon"][0]


def test_it_rejects_lat_lon_swapped(api, consultation):
    _rejected(api, consultation, 400, lon=SCHLOSS[1], lat=SCHLOSS[0])


def test_it_rejects_a_place_outside_a_quartier_consultation(api, make_consultation, areas):
    mitte = next(a for a in areas.values() if a.name == "Mitte")
    consultation = make_consultation(area=mitte)
    _rejected(api, consultation, 400, lon=9.1625, lat=48.8864)  # Pflugfelden


def test_it_rejects_a_closed_consultation(api, make_consultation):
    consultation = make_consultation(
        opens_at=timezone.now() - dt.timedelta(days=30), closes_at=timezone.now() - dt.timedelta(days=1)
    )
    data = _rejected(api, consultation, 400)
    assert "closed" in data["consultation"][0] or "beendet" in data["consultation"][0]


def test_it_rejects_a_consultation_not_open_yet(api, make_consultation):
    consultation = make_consultation(
        opens_at=timezone.now() + dt.timedelta(days=1), closes_at=timezone.now() + dt.timedelta(days=9)
    )
    _rejected(api, consultation, 400)


def test_it_rejects_an_unknown_consultation(api, consultation):
    data = _rejected(api, consultation, 400, consultation=consultation.pk + 1000)
    assert data["consultation"]


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01"])
def test_it_rejects_an_empty_text(api, consultation, text):
    data = _rejected(api, consultation, 400, text=text)
    assert data["text"]


def test_it_rejects_a_text_of_10k_characters(api, consultation):
    data = _rejected(api, consultation, 400, text="x" * 10_000)
    assert "2000" in data["text"][0]


def test_it_accepts_exactly_2000_characters(api, consultation):
    assert post(api, consultation, text="ü" * 2000).status_code == 201


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        ("abc", 48.9),
        (9.19, "NaN"),
        ("Infinity", 48.9),
        (181, 48.9),
        (9.19, -91),
        (None, 48.9),
        ("1e400", 48.9),
    ],
)
def test_it_rejects_invalid_coordinates(api, consultation, lon, lat):
    data = _rejected(api, consultation, 400, lon=lon, lat=lat)
    assert set(data) & {"lon", "lat"}


def test_it_rejects_an_unknown_category(api, consultation):
    data = _rejected(api, consultation, 400, category="rant")
    assert data["category"]


def test_it_rejects_a_category_the_consultation_does_not_accept(api, make_consultation):
    consultation = make_consultation(categories=["idea", "question"])
    data = _rejected(api, consultation, 400, category="problem")
    assert data["category"]


@pytest.mark.parametrize("origin", ["council", "administration"])
def test_a_citizen_may_not_set_an_official_origin(api, consultation, origin):
    data = _rejected(api, consultation, 403, origin=origin)
    assert data["detail"]


def test_a_signed_in_citizen_may_not_set_an_official_origin(consultation, citizen):
    _rejected(client_for(citizen), consultation, 403, origin="council")


def test_it_rejects_anonymous_contributions_when_the_consultation_wants_accounts(
    api, make_consultation, citizen
):
    consultation = make_consultation(allow_anonymous=False)
    data = _rejected(api, consultation, 403)
    assert data["detail"]
    assert post(client_for(citizen), consultation).status_code == 201


def test_it_rejects_a_filled_honeypot(api, consultation):
    _rejected(api, consultation, 400, website="http://spam.example")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pseudonym", "p" * 61),
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@x.de"),
        ("website", "w" * 201),
    ],
)
def test_it_limits_every_field(api, consultation, field, value):
    data = _rejected(api, consultation, 400, **{field: value})
    assert data[field]


def test_it_refuses_a_large_body_before_parsing_it(api, consultation):
    before = counts()
    response = api.post(
        "/api/contributions/", '{"text": "' + "x" * 20_000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert counts() == before


def test_it_rejects_malformed_json(api, consultation):
    response = api.post("/api/contributions/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_it_stores_text_as_given_plain_text(api, consultation):
    text = '<img src=x onerror=alert(1)> & "quotes"'
    assert post(api, consultation, text=text).status_code == 201
    assert Contribution.objects.get().text == text
    assert Contribution.objects.get().status == Status.PENDING
