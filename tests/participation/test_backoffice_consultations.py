"""Consultations in the planners' back office (/planung/verfahren/) and their services
(participation.consultations): the area chosen or drawn (valid, inside the city), the time window,
categories, themes and target groups; refusals change nothing; the public API shows the new fields."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from geo.errors import Forbidden, StaleVersion
from geo.permissions import MODERATORS
from participation import consultations as services
from participation.demo import SLUG
from participation.models import Consultation
from staff.models import Membership
from tests.fixtures import body, user_in

PAYLOAD = "{{ 6*7 }} <script>alert(1)</script>"
CITY = "08118048"  # Ludwigsburg in the demo
MITTE = "08118048-01"


def square_4326(lon: float, lat: float, d: float = 0.002) -> dict:
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


INSIDE = square_4326(9.1916, 48.8973)  # around Ludwigsburg-Mitte
OUTSIDE = square_4326(9.18, 48.78)  # Stuttgart: in the region, not in the city
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[9.19, 48.89], [9.20, 48.90], [9.20, 48.89], [9.19, 48.90], [9.19, 48.89]]],
}


def window(days_from_now: int = 0, days: int = 14) -> dict:
    opens = timezone.now() + dt.timedelta(days=days_from_now)
    return {"opens_at": opens, "closes_at": opens + dt.timedelta(days=days)}


def rows() -> list:
    return list(
        Consultation.objects.order_by("id").values_list(
            "id", "title", "area", "opens_at", "closes_at", "categories", "themes", "target_groups"
        )
    )


def post_data(demo, **changes) -> dict:
    data = {
        "title": "Spielplätze in Mitte",
        "description": "Wo fehlt ein Spielplatz?",
        "city": demo[CITY].pk,
        "area": demo[MITTE].pk,
        "geom": "",
        "opens_at": "2031-05-01T09:00",
        "closes_at": "2031-06-01T18:00",
        "categories": ["idea", "problem"],
        "target_groups": ["families", "young_people"],
        "themes": "Spielen, Familie",
        "moderation": "pre",
        "allow_anonymous": "on",
        "generalise_m": "0",
    }
    data.update(changes)
    return data


@pytest.fixture
def planner_client(client, planner):
    client.force_login(planner)
    return client


# --- services -------------------------------------------------------------------------------------


def test_it_creates_a_consultation_in_a_quartier(demo, planner):
    consultation = services.consultation_create(
        city=demo[CITY],
        area=demo[MITTE],
        title="  Spielplätze  ",
        themes=["Spielen", " spielen ", "Familie"],
        target_groups=["seniors", "families", "families"],
        user=planner,
        **window(),
    )

    assert consultation.title == "Spielplätze" and consultation.slug == "spielplatze"
    assert consultation.themes == ["Spielen", "Familie"]  # duplicates dropped, case-insensitively
    assert consultation.target_groups == ["families", "seniors"]
    assert consultation.history.get().history_user == planner


def test_it_takes_a_drawn_polygon_inside_the_city(demo, planner):
    from geo.validation import geometry_from_geojson

    geom = geometry_from_geojson(json.dumps(INSIDE), field="geom")
    consultation = services.consultation_create(
        city=demo[CITY], geom=geom, title="Gezeichnet", user=planner, **window()
    )

    assert consultation.area is None and consultation.geom.geom_type == "MultiPolygon"
    assert consultation.geom.srid == 25832


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": ""}, "title"),
        ({"categories": []}, "categories"),
        ({"categories": ["gossip"]}, "categories"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"themes": ["x" * 41]}, "themes"),
        ({"generalise_m": 10_000}, "generalise_m"),
        ({"closes_at": timezone.now() - dt.timedelta(days=1)}, "closes_at"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(demo, planner, changes, field):
    before = rows()
    values = {"city": demo[CITY], "area": demo[CITY], "title": "T", **window(), **changes}

    with pytest.raises(ValidationError) as caught:
        services.consultation_create(user=planner, **values)

    assert field in caught.value.message_dict
    assert rows() == before


def test_the_area_is_the_city_or_one_of_its_quartiere(demo, planner):
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(
            city=demo[CITY], area=demo["VRS"], title="Region", user=planner, **window()
        )
    assert "area" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(city=demo[CITY], title="Nirgends", user=planner, **window())
    assert "area" in caught.value.message_dict


def test_a_drawn_area_outside_the_city_is_refused(demo, planner):
    from geo.validation import geometry_from_geojson

    before = rows()
    geom = geometry_from_geojson(json.dumps(OUTSIDE), field="geom")
    with pytest.raises(ValidationError) as caught:
        services.consultation_create(city=demo[CITY], geom=geom, title="Draußen", user=planner, **window())

    assert "innerhalb von Ludwigsburg" in caught.value.message_dict["geom"][0]
    assert rows() == before


def test_only_planners_of_the_city_write(demo):
    moderator = user_in("mod", MODERATORS)
    elsewhere = user_in("elsewhere", "planners")
    Membership.objects.create(user=elsewhere, city=demo[MITTE])  # works for another record's city
    consultation = Consultation.objects.get(slug=SLUG)
    before = rows()

    for user in (moderator, elsewhere, user_in("citizen")):
        with pytest.raises(Forbidden):
            services.consultation_create(city=demo[CITY], area=demo[CITY], title="T", user=user, **window())
        with pytest.raises(Forbidden):
            services.consultation_update(
                consultation_id=consultation.pk, expected_revision=None, user=user, title="x"
            )
    assert rows() == before


def test_a_stale_revision_changes_nothing(demo, planner):
    consultation = Consultation.objects.get(slug=SLUG)
    revision = services.consultation_revision(consultation)
    services.consultation_update(consultation_id=consultation.pk, expected_revision=revision, title="Erste")

    with pytest.raises(StaleVersion):
        services.consultation_update(
            consultation_id=consultation.pk, expected_revision=revision, user=planner, title="Zweite"
        )
    consultation.refresh_from_db()
    assert consultation.title == "Erste"


def test_the_public_api_shows_themes_and_target_groups(demo, planner, api):
    consultation = services.consultation_create(
        city=demo[CITY], area=demo[MITTE], title="T", themes=["Klima"], target_groups=["seniors"], **window()
    )

    properties = body(api.get(f"/api/consultations/{consultation.pk}/"))["properties"]

    assert properties["themes"] == ["Klima"] and properties["target_groups"] == ["seniors"]


# --- pages ----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, demo):
    response = client.get("/planung/verfahren/neu/")
    assert response.status_code == 302
    assert response["Location"] == "/planung/anmelden/?next=/planung/verfahren/neu/"


def test_others_are_refused(client, demo):
    client.force_login(user_in("mod", MODERATORS))
    before = rows()
    assert client.get("/planung/verfahren/").status_code == 403
    assert client.post("/planung/verfahren/neu/", post_data(demo)).status_code == 403
    assert rows() == before


def test_the_list_groups_open_upcoming_and_closed(planner_client, demo):
    services.consultation_create(city=demo[CITY], area=demo[CITY], title="Kommt noch", **window(30))
    services.consultation_create(city=demo[CITY], area=demo[CITY], title="Vorbei", **window(-60, 10))

    html = planner_client.get("/planung/verfahren/").content.decode()

    open_, upcoming, closed = (
        html.index('id="group-open"'),
        html.index('id="group-upcoming"'),
        html.index('id="group-closed"'),
    )
    assert open_ < html.index("Ludwigsburg gestaltet Zukunft") < upcoming < html.index("Kommt noch") < closed
    assert closed < html.index("Vorbei")


def test_a_planner_creates_a_consultation_with_a_drawn_area(planner_client, demo, planner):
    response = planner_client.post(
        "/planung/verfahren/neu/", post_data(demo, area="draw", geom=json.dumps(INSIDE))
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    consultation = Consultation.objects.get(title="Spielplätze in Mitte")
    assert consultation.area is None and consultation.geom is not None
    assert consultation.target_groups == ["young_people", "families"]
    assert consultation.themes == ["Spielen", "Familie"]
    assert consultation.allow_anonymous is True and consultation.categories == ["idea", "problem"]
    assert response["Location"] == f"/planung/verfahren/?ok={consultation.pk}"
    html = planner_client.get(response["Location"]).content.decode()
    assert f"/karte/?verfahren={consultation.slug}" in html


def test_errors_stand_beside_their_fields(planner_client, demo):
    before = rows()
    response = planner_client.post(
        "/planung/verfahren/neu/",
        post_data(demo, closes_at="2031-04-01T09:00", categories=[], area="draw", geom=json.dumps(OUTSIDE)),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_closes_at"' in html and 'id="id_closes_at-error"' in html
    assert 'id="id_categories-error"' in html
    assert 'id="id_area-error"' in html and "Ludwigsburg" in html
    assert 'value="Spielplätze in Mitte"' in html  # the input is kept
    assert rows() == before


def test_a_drawn_area_must_be_valid(planner_client, demo):
    before = rows()
    response = planner_client.post(
        "/planung/verfahren/neu/", post_data(demo, area="draw", geom=json.dumps(BOWTIE))
    )
    assert response.status_code == 400
    assert 'id="id_area-error"' in response.content.decode()
    response = planner_client.post("/planung/verfahren/neu/", post_data(demo, area="draw", geom=""))
    assert response.status_code == 400
    response = planner_client.post("/planung/verfahren/neu/", post_data(demo, area="draw", geom="{nonsense"))
    assert response.status_code == 400
    assert rows() == before


def test_a_planner_edits_a_consultation(planner_client, demo):
    consultation = Consultation.objects.get(slug=SLUG)
    page = planner_client.get(f"/planung/verfahren/{consultation.pk}/").content.decode()
    revision = services.consultation_revision(consultation)
    assert f'name="revision" value="{revision}"' in page

    response = planner_client.post(
        f"/planung/verfahren/{consultation.pk}/",
        post_data(demo, title="Neuer Titel", revision=revision, target_groups=["seniors"]),
    )

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Neuer Titel" and consultation.target_groups == ["seniors"]
    assert consultation.slug == "ludwigsburg-gestaltet-zukunft"  # public links keep working


def test_a_stale_form_shows_the_conflict(planner_client, demo):
    consultation = Consultation.objects.get(slug=SLUG)
    revision = services.consultation_revision(consultation)
    services.consultation_update(consultation_id=consultation.pk, expected_revision=None, title="Von anderen")

    response = planner_client.post(
        f"/planung/verfahren/{consultation.pk}/", post_data(demo, title="Meins", revision=revision)
    )

    assert response.status_code == 412
    assert 'value="Meins"' in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.title == "Von anderen"


def test_a_planner_sees_only_the_consultations_of_their_cities(client, demo):
    elsewhere = user_in("elsewhere", "planners")
    Membership.objects.create(user=elsewhere, city=demo[MITTE])
    client.force_login(elsewhere)
    consultation = Consultation.objects.get(slug=SLUG)

    assert "Ludwigsburg gestaltet Zukunft" not in client.get("/planung/verfahren/").content.decode()
    assert client.get(f"/planung/verfahren/{consultation.pk}/").status_code == 403
    before = rows()
    response = client.post("/planung/verfahren/neu/", post_data(demo))  # a city not theirs
    assert response.status_code == 403 and rows() == before


def test_text_is_shown_as_text(planner_client, demo):
    planner_client.post(
        "/planung/verfahren/neu/", post_data(demo, title=PAYLOAD, description=PAYLOAD, themes=PAYLOAD)
    )
    consultation = Consultation.objects.get(title=PAYLOAD)

    for url in ("/planung/verfahren/", f"/planung/verfahren/{consultation.pk}/"):
        html = planner_client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "{{ 6*7 }} &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_pages_speak_english_too(planner_client, demo):
    html = planner_client.get("/planung/verfahren/neu/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Target groups" in html and "young people" in html
    html = planner_client.get("/planung/verfahren/neu/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Zielgruppen" in html and "Jugendliche" in html


# --- the admin writes through the same services -----------------------------------------------------


def admin_form(demo, **changes) -> dict:
    data = {
        "title": "Im Admin angelegt",
        "slug": "im-admin",
        "description": "",
        "city": demo[CITY].pk,
        "area": demo[MITTE].pk,
        "geom": "",
        "opens_at_0": "2031-05-01",
        "opens_at_1": "09:00:00",
        "closes_at_0": "2031-06-01",
        "closes_at_1": "09:00:00",
        "categories": "idea,problem",
        "moderation": "pre",
        "allow_anonymous": "on",
        "generalise_m": "0",
        "themes": "Klima",
        "target_groups": "seniors",
    }
    data.update(changes)
    return data


def test_the_admin_creates_through_the_service(client, demo):
    from tests.measures.factories import UserFactory

    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)

    response = client.post("/admin/participation/consultation/add/", admin_form(demo))

    assert response.status_code == 302, response.content.decode()[:3000]
    consultation = Consultation.objects.get(slug="im-admin")
    assert consultation.target_groups == ["seniors"] and consultation.themes == ["Klima"]
    assert consultation.history.get().history_user == admin_user


def test_the_admin_shows_the_service_s_reasons(client, demo):
    from tests.measures.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    before = rows()

    response = client.post(
        "/admin/participation/consultation/add/",
        admin_form(demo, area=demo["VRS"].pk),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Must be the consultation&#x27;s city or one of its Quartiere." in html
    assert rows() == before
