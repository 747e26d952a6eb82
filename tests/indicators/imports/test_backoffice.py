"""The indicators' back office with Django's client: the catalogue with counts and years, creating
and editing an indicator (errors beside the fields), the upload's preview (nothing written) and
import, the city scope of staff, and who may open the pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Indicator, IndicatorValue
from quartiere.models import Area, Level
from staff.models import Membership
from tests.events.conftest import other_city
from tests.fixtures import user_in

PAYLOAD = "{{ 6*7 }} <script>alert(1)</script>"


@pytest.fixture
def planner_client(client, demo):
    client.force_login(user_in("planerin", "planners"))
    return client


def upload(client, text: str, **fields):
    data = {"file": SimpleUploadedFile("werte.csv", text.encode()), "code_column": "code", "decimal": "auto"}
    data.update({"year_column": "year", **fields})
    return client.post("/planung/indikatoren/hochladen/", data)


def test_the_catalogue_shows_counts_and_years(planner_client):
    page = planner_client.get("/planung/indikatoren/").content.decode()
    assert "Hitzetage (illustrativ)" in page
    assert "78 Werte, 2019–2024" in page  # 13 areas × 6 years
    assert "77 Werte, 2019–2024" in page  # ladenleerstand: Poppenweiler 2024 missing
    assert 'href="/planung/indikatoren/" aria-current="page">Indikatoren</a>' in page


def test_create_and_edit_an_indicator(planner_client):
    fields = {"key": "laerm", "name_de": PAYLOAD, "name_en": "Noise", "unit": "dB", "dimension": "green",
              "direction": "more_need"}  # fmt: skip
    response = planner_client.post("/planung/indikatoren/neu/", fields)
    assert response.status_code == 302
    assert Indicator.objects.get(key="laerm").name_de == PAYLOAD
    page = planner_client.get("/planung/indikatoren/").content.decode()
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    again = planner_client.post("/planung/indikatoren/neu/", fields)
    assert again.status_code == 409
    assert "existiert bereits" in again.content.decode()
    response = planner_client.post("/planung/indikatoren/laerm/", {**fields, "unit": "dB(A)", "key": "other"})
    assert response.status_code == 302
    assert Indicator.objects.get(key="laerm").unit == "dB(A)"  # the key stays
    bad = planner_client.post("/planung/indikatoren/laerm/", {**fields, "dimension": "blue"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()


def test_preview_lists_bad_rows_and_writes_nothing_then_the_import(planner_client):
    before = IndicatorValue.objects.count()
    response = upload(planner_client, "code;year;hitzetage\n08118048-01;2025;20,5\n08118048-02;2025;abc\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Zeile 3, Spalte „hitzetage“: „abc“ ist keine Zahl" in page
    assert "Jetzt importieren" not in page
    assert IndicatorValue.objects.count() == before
    response = upload(planner_client, "code;year;hitzetage\n08118048-01;2025;20,5\n08118048-02;2025;21\n")
    page = response.content.decode()
    assert "Der Import würde 2 Werte anlegen, 0 ändern und 0 unverändert lassen." in page
    assert IndicatorValue.objects.count() == before
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = planner_client.post("/planung/indikatoren/hochladen/import/", {"token": token}).content.decode()
    assert "2 Werte angelegt, 0 geändert, 0 unverändert." in done
    assert (
        IndicatorValue.objects.get(indicator__key="hitzetage", area__code="08118048-01", year=2025).value
        == 20.5
    )
    # the token is spent
    again = planner_client.post("/planung/indikatoren/hochladen/import/", {"token": token})
    assert again.status_code == 400 and "abgelaufen" in again.content.decode()


def test_staff_of_another_city_are_refused_naming_the_row(client, demo):
    asperg = other_city(Area.objects.get(level=Level.REGION))
    planner = user_in("asperg", "planners")
    Membership.objects.create(user=planner, city=asperg)
    client.force_login(planner)
    response = upload(client, "code;year;hitzetage\n08118001;2025;10\n08118048-01;2025;20\n")
    assert response.status_code == 400
    assert "Zeile 3, Spalte „code“: „08118048-01“ ist kein Gebiet Ihrer Städte" in response.content.decode()


def test_only_planners_open_the_pages(client, demo):
    assert client.get("/planung/indikatoren/").status_code == 302  # to the sign-in
    client.force_login(user_in("buerger"))
    assert client.get("/planung/indikatoren/").status_code == 403
    assert client.get("/planung/indikatoren/hochladen/").status_code == 403
