"""``/api/participation/stats/`` (one SQL statement) and the planners' export."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import Support
from tests.participation.conftest import body, client_for, create, user_in

EGLOSHEIM = (9.1686, 48.9083)


@pytest.fixture
def some(consultation):
    a = create(consultation, publish=True, category="idea")
    b = create(consultation, publish=True, category="problem", lonlat=EGLOSHEIM)
    create(consultation, publish=True, category="idea", lonlat=EGLOSHEIM)
    create(consultation, category="idea", lonlat=EGLOSHEIM)  # pending: not counted
    Support.objects.create(contribution=a, browser="x")
    Support.objects.create(contribution=b, browser="x")
    Support.objects.create(contribution=b, browser="y")
    return a, b


def test_stats_per_quartier_in_one_statement(api, some, consultation, areas):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/participation/stats/?consultation={consultation.pk}&level=quartier")
    assert response.status_code == 200
    assert len([q for q in queries if "participation_contribution" in q["sql"]]) == 1

    data = body(response)
    assert data["level"] == "quartier" and data["consultation"] == consultation.pk
    by_name = {a["name"]: a for a in data["areas"]}
    assert len(by_name) == 12  # every Quartier of the city, with zeros
    eglosheim = by_name["Eglosheim"]
    assert (eglosheim["contributions"], eglosheim["supports"]) == (2, 2)
    assert eglosheim["by_category"] == {"idea": 1, "problem": 1, "praise": 0, "question": 0}
    assert eglosheim["per_1000"] == pytest.approx(round(2000 / eglosheim["population"], 2))
    assert by_name["Mitte"]["contributions"] == 1
    assert by_name["Hoheneck"] == {**by_name["Hoheneck"], "contributions": 0, "supports": 0, "per_1000": 0}


def test_stats_per_city_and_region(api, some, consultation):
    city = body(api.get(f"/api/participation/stats/?consultation={consultation.pk}&level=city"))["areas"]
    region = body(api.get(f"/api/participation/stats/?consultation={consultation.pk}&level=region"))["areas"]
    assert [(a["name"], a["contributions"], a["supports"]) for a in city] == [("Ludwigsburg", 3, 3)]
    assert [(a["name"], a["contributions"]) for a in region] == [("Verband Region Stuttgart", 3)]


@pytest.mark.parametrize(
    "query", ["level=street", "consultation=abc", "consultation=999999", "consultation=-1"]
)
def test_stats_bad_parameters_are_400(api, consultation, query):
    response = api.get(f"/api/participation/stats/?{query}")
    assert response.status_code == 400
    assert body(response)


def test_export_csv_for_planners_without_email(some, planner, consultation):
    create(consultation, text='=HYPERLINK("http://evil")', email="x@example.org")

    response = client_for(planner).get(f"/api/participation/export/?consultation={consultation.pk}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert "email" not in rows[0]
    assert {r["status"] for r in rows} == {"published", "pending"}
    assert rows[-1]["text"].startswith("'=")  # no formula injection into spreadsheets
    assert "x@example.org" not in text


def test_export_geojson_with_email_only_with_the_permission(some, consultation):
    dpo = user_in("dpo", "planners")
    dpo.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    create(consultation, email="x@example.org")

    data = json.loads(client_for(dpo).get("/api/participation/export/?output=geojson&status=pending").content)

    assert data["numberMatched"] == len(data["features"]) == 2
    assert {f["properties"]["email"] for f in data["features"]} == {"", "x@example.org"}
    assert data["features"][0]["geometry"]["type"] == "Point"


def test_citizens_cannot_export(api, citizen, some):
    assert api.get("/api/participation/export/").status_code in (401, 403)
    assert client_for(citizen).get("/api/participation/export/").status_code == 403
