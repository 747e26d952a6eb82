"""The region summary (region.summary, /api/region/summary/) against independent ORM computations on
the small region of tests/region/world.py; sorting, the 400s, the ETag, the schema, the budget grouped
by city, and no personal data anywhere."""

import json
from decimal import Decimal

import pytest
from django.contrib.gis.db.models.functions import Area as AreaOf
from django.db.models import Count, Sum

from indicators.models import IndicatorValue
from measures.models import BudgetLine, Measure, MeasureArea
from participation.models import Contribution
from planning.models import PrioritySnapshot
from quartiere.models import Area, Level
from region import summary
from tests.region.world import SECRET_AUTHOR, SECRET_EMAIL

pytestmark = pytest.mark.django_db
URL = "/api/region/summary/"


def expected(region_id: int) -> dict[int, dict]:
    """Every number of the summary for the cities of ``region_id``, computed with the ORM and Python
    (the rule of docs/region.md, not the statement)."""
    cities = list(Area.objects.filter(level=Level.CITY, parent_id=region_id).annotate(m2=AreaOf("geom")))
    ids = [c.pk for c in cities]
    published = Measure.objects.filter(published=True)
    links = list(
        MeasureArea.objects.filter(level=Level.CITY, share__gt=0, area_id__in=ids, measure__published=True)
    )
    per_measure: dict[int, list[MeasureArea]] = {}
    for link in links:
        per_measure.setdefault(link.measure_id, []).append(link)
    by_region = set(published.filter(city__level=Level.REGION).values_list("pk", flat=True))
    regional = {m for m, found in per_measure.items() if len(found) > 1 or m in by_region}
    lines = BudgetLine.objects.filter(measure__published=True, measure__city_id__in=ids)
    years = lines.values_list("fiscal_year", flat=True)
    span = max(years) - min(years) + 1 if years else None
    out = {}
    for city in cities:
        total = lines.filter(measure__city=city).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        touching = [link for link in links if link.area_id == city.pk and link.measure_id in regional]
        regional_money = sum(
            (
                (BudgetLine.objects.filter(measure_id=link.measure_id).aggregate(s=Sum("amount"))["s"] or 0)
                * Decimal(link.share)
                for link in touching
                if link.measure_id in by_region
            ),
            Decimal(0),
        )
        contributions = Contribution.objects.filter(city=city, status="published").count()
        quartiere = Area.objects.filter(parent=city, level=Level.QUARTIER)
        snaps = PrioritySnapshot.objects.filter(quartier__in=quartiere)
        top = snaps.filter(rank=1).order_by("quartier__name").first()
        latest = {}
        for value in IndicatorValue.objects.filter(area=city).select_related("indicator").order_by("year"):
            latest[value.indicator.key] = {
                "value": value.value,
                "year": value.year,
                "unit": value.indicator.unit,
            }
        pop = city.population
        out[city.pk] = {
            "code": city.code,
            "name": city.name,
            "population": pop,
            "area_km2": round(city.m2.sq_m / 1e6, 2),
            "measures": published.filter(city=city).count(),
            "regional_measures": len(touching),
            "regional_share": round(sum(link.share for link in touching), 3),
            "budget_total": float(round(total, 2)),
            "budget_per_inhabitant": float(round(total / pop, 2)) if pop else None,
            "budget_per_year": float(round(total / span, 2)) if span else None,
            "regional_budget": float(round(regional_money, 2)),
            "contributions": contributions,
            "contributions_per_1000": round(1000 * contributions / pop, 2) if pop else None,
            "quartiere": quartiere.count(),
            "quartiere_with_gap": sum(1 for s in snaps if "all" in s.gaps.split(",")),
            "top_quartier": top.quartier.name if top else None,
            "indicators": latest,
        }
    return out


def test_the_numbers_match_an_independent_computation(world):
    rows = summary.summary(world["region"])
    want = expected(world["region"])
    assert {row["id"] for row in rows} == set(want) == {world["a"], world["b"], world["c"]}
    for row in rows:
        mine = want[row["id"]]
        for key, value in mine.items():
            got = row[key]["name"] if key == "top_quartier" and row[key] else row[key]
            if isinstance(value, float):
                assert got == pytest.approx(value, abs=0.011), (row["name"], key)
            else:
                assert got == value, (row["name"], key)


def test_the_numbers_of_the_small_region_by_hand(world):
    rows = {row["name"]: row for row in summary.summary(world["region"])}
    a, b, c = rows["Astadt"], rows["Bdorf"], rows["Cheim"]
    # own published measures; the draft of Bdorf does not count
    assert (a["measures"], b["measures"], c["measures"]) == (2, 1, 0)
    # the regional cycle route (the region's) and the park crossing the border touch both, half and half
    assert (a["regional_measures"], b["regional_measures"]) == (2, 2)
    assert a["regional_share"] == pytest.approx(1.0, abs=0.001)
    assert (a["budget_total"], b["budget_total"], c["budget_total"]) == (3500, 300, 0)
    # fiscal years of the cities' lines: 2024–2026
    assert a["budget_per_year"] == pytest.approx(3500 / 3, abs=0.01)
    assert a["budget_per_inhabitant"] == pytest.approx(0.18, abs=0.001)
    # the region's own route: 10,000 € half in each; the region-wide programme is in no city
    assert (a["regional_budget"], b["regional_budget"], c["regional_budget"]) == (5000, 5000, 0)
    assert (a["contributions"], b["contributions"], a["contributions_per_1000"]) == (3, 1, 0.15)
    assert (a["quartiere"], b["quartiere"]) == (2, 0)
    assert a["top_quartier"]["name"] in {"Altstadt", "Aue"}
    assert b["top_quartier"] is None
    assert a["indicators"] == {"kinderarmut-test": {"value": 12.5, "year": 2024, "unit": "%"}}
    assert c["indicators"] == {}
    assert a["area_km2"] == pytest.approx(8.0) and a["density"] == pytest.approx(2500.0)


def test_every_city_without_a_region(world):
    ids = {row["id"] for row in summary.summary()}
    assert {world["a"], world["b"], world["c"], world["z"]} <= ids
    assert world["z"] not in {row["id"] for row in summary.summary(world["region"])}


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        (None, ["Astadt", "Bdorf", "Cheim"]),
        ("name", ["Astadt", "Bdorf", "Cheim"]),
        ("-name", ["Cheim", "Bdorf", "Astadt"]),
        ("-budget_total", ["Astadt", "Bdorf", "Cheim"]),
        ("population", ["Cheim", "Bdorf", "Astadt"]),
        ("-contributions_per_1000", ["Bdorf", "Astadt", "Cheim"]),
        # without a value last, either way
        ("ind.kinderarmut-test", ["Bdorf", "Astadt", "Cheim"]),
        ("-ind.kinderarmut-test", ["Astadt", "Bdorf", "Cheim"]),
    ],
)
def test_it_sorts(world, api, sort, names):
    assert [row["name"] for row in summary.summary(world["region"], sort=sort)] == names
    query = {"region": "VRS", **({"sort": sort} if sort else {})}
    body = json.loads(api.get(URL, query).content)
    assert [row["name"] for row in body["cities"]] == names


def test_the_api_gives_the_same_numbers(world, api):
    response = api.get(URL, {"region": world["region"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["region"] == {
        "id": world["region"],
        "code": "VRS",
        "name": "Testregion",
        "population": 26_000,
    }
    assert body["count"] == 3
    assert body["fiscal_years"] == {"first": 2024, "last": 2026}
    assert body["cities"] == summary.summary(world["region"])
    # the bare statement gives the very text the API passes on
    statement, params = summary.summary_sql(world["region"])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        assert json.loads(cursor.fetchone()[0]) == body["cities"]


def test_the_api_revalidates_with_the_etag(world, api):
    first = api.get(URL, {"region": "VRS"})
    etag = first["ETag"]
    assert etag
    again = api.get(URL, {"region": "VRS"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    Measure.objects.filter(pk=world["m5"]).update(title="Neue Ortsmitte")  # a write: a new data version
    assert api.get(URL, {"region": "VRS"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"region": "NOPE"}, "region"),
        ({"region": "999999999"}, "region"),
        ({"region": "a b"}, "region"),
        ({"region": "9" * 30}, "region"),
        ({"sort": "budget"}, "sort"),
        ({"sort": "--name"}, "sort"),
        ({"sort": "ind."}, "sort"),
        ({"sort": "ind.unknown"}, "sort"),
        ({"sort": "name;drop table x"}, "sort"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(world, api, query, name):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(json.loads(response.content)) == [name]


def test_a_city_id_is_no_region(world, api):
    response = api.get(URL, {"region": world["a"]})
    assert response.status_code == 400 and "region" in json.loads(response.content)


def test_it_is_in_the_openapi_schema(db, api):
    schema = api.get("/api/schema/", {"format": "json"})
    paths = json.loads(schema.content)["paths"]
    assert "get" in paths[URL]
    names = {p["name"] for p in paths[URL]["get"]["parameters"]}
    assert {"region", "sort"} <= names


def test_the_budget_grouped_by_city(world, api):
    response = api.get("/api/budget/", {"region": world["region"], "group_by": "city"})
    assert response.status_code == 200
    body = json.loads(response.content)
    groups = {g["area"]: g for g in body["groups"]}
    owners = (
        BudgetLine.objects.filter(measure__published=True)
        .filter(measure__city__in=[world["region"], world["a"], world["b"], world["c"]])
        .values("measure__city")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    assert {o["measure__city"]: f"{o['total']:.2f}" for o in owners} == {
        k: g["total"] for k, g in groups.items()
    }
    assert groups[world["a"]]["level"] == "city" and groups[world["a"]]["key"] == "Astadt"
    assert groups[world["region"]]["level"] == "region"
    assert groups[world["region"]]["key"] == "region: Testregion"
    assert body["total"]["total"] == "18800.00"  # 3,500 + 300 + 15,000; not Zell's 700 nor the draft
    # the cities come first, then the region
    assert [g["level"] for g in body["groups"]] == ["city", "city", "region"]
    everything = json.loads(api.get("/api/budget/", {"group_by": "city"}).content)
    assert world["z"] in {g["area"] for g in everything["groups"]}


def test_the_budget_rejects_an_unknown_region(world, api):
    response = api.get("/api/budget/", {"region": world["a"]})
    assert response.status_code == 400 and list(json.loads(response.content)) == ["region"]


def test_no_personal_data_anywhere(world, api, client):
    assert Contribution.objects.filter(email=SECRET_EMAIL).exists()
    for url in [
        URL + "?region=VRS",
        "/region/",
        "/region/?region=VRS&sort=-contributions",
        "/region/karte.json?region=VRS",
        "/region/daten.csv?region=VRS",
        "/region/daten.geojson?region=VRS",
        "/ogc/collections/cities/items?f=json&limit=100",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert SECRET_EMAIL not in text and SECRET_AUTHOR not in text, url
        assert "email" not in text and "author" not in text, url


def test_head_and_format_json(world, api):
    head = api.head(URL, {"region": "VRS"})
    assert head.status_code == 200 and head.content == b""
    assert api.get(URL, {"region": "VRS", "format": "json"}).status_code == 200
    assert api.head(URL, {"sort": "nope"}).status_code == 400
    assert api.post(URL).status_code == 405
