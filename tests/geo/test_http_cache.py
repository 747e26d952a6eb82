"""HTTP caching shared by the map services (``geo.http``, ``geo.dataversion``): data versions bumped
by statement triggers, ETag → 304, Cache-Control, CORS, HEAD, OPTIONS."""

import pytest
from django.db import connection
from django.test import Client, override_settings

from geo import dataversion
from geo import layers as registry
from measures.models import Measure
from participation.models import Contribution
from quartiere.models import Area
from tests.conftest import sql_value

ITEMS = "/ogc/collections/measures/items?limit=5"
TILE = "/tiles/quartiere/12/2152/1408.mvt"  # Ludwigsburg at z12


@pytest.fixture
def client() -> Client:
    return Client()


def test_it_installs_a_statement_trigger_on_every_table_of_every_layer(db):
    tables = dataversion.layer_tables()
    assert {"quartiere_area", "measures_measure", "participation_contribution"} <= set(tables)

    installed = sql_value(
        """
        SELECT array_agg(c.relname::text ORDER BY c.relname)
        FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
        WHERE t.tgname = %s
          AND t.tgtype & 1 = 0                -- FOR EACH STATEMENT
          AND t.tgtype & (4 | 8 | 16 | 32) = 4 | 8 | 16 | 32  -- INSERT, DELETE, UPDATE, TRUNCATE
        """,
        [dataversion.TRIGGER_NAME],
    )
    existing = [t for t in tables if sql_value("SELECT to_regclass(%s) IS NOT NULL", [t])]
    # every layer table has it; beyond them only the inputs of derived layer data (the priority
    # snapshot's: indicators, weightings), which planning.snapshot installs it on itself
    from planning.snapshot import INPUT_TABLES

    assert set(existing) <= set(installed)
    assert set(installed) - set(existing) <= set(INPUT_TABLES)


def test_installing_again_changes_nothing(db):
    assert dataversion.install_triggers() == []


def test_every_kind_of_write_bumps_the_version_of_its_table(demo):
    layer = registry.get("measures")
    pk = Measure.objects.values_list("pk", flat=True).first()
    seen = [dataversion.read([layer]).of(layer)]

    with connection.cursor() as cursor:
        for statement in (
            "UPDATE measures_measure SET title = title WHERE id = %s",
            # statements that change no row count too: cheap, and on the safe side
            "DELETE FROM measures_measure WHERE id = -%s",
            "INSERT INTO measures_measure SELECT * FROM measures_measure WHERE id = -%s",
        ):
            cursor.execute(statement, [pk])
            seen.append(dataversion.read([layer]).of(layer))

    assert len(set(seen)) == len(seen)
    assert seen == sorted(seen)


def test_a_truncate_bumps_the_version(db):
    before = dataversion.read().tables.get("participation_contribution", 0)
    with connection.cursor() as cursor:
        # TRUNCATE refuses to run while deferred foreign-key checks of the transaction are pending
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE participation_contribution CASCADE")
    assert dataversion.read().tables["participation_contribution"] > before


def test_it_answers_304_to_a_repeated_request_with_the_etag(client, demo):
    first = client.get(ITEMS)
    etag = first["ETag"]

    again = client.get(ITEMS, HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and etag.startswith('"')
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == first["Cache-Control"]
    assert again["Access-Control-Allow-Origin"] == "*"


def test_it_accepts_weak_and_listed_tags(client, demo):
    etag = client.get(TILE)["ETag"]

    assert client.get(TILE, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert client.get(TILE, HTTP_IF_NONE_MATCH="*").status_code == 304
    assert client.get(TILE, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_when_the_layers_data_changes(client, demo):
    items, tile = client.get(ITEMS)["ETag"], client.get(TILE)["ETag"]

    Measure.objects.filter(published=True).update(title="Geändert")

    assert client.get(ITEMS, HTTP_IF_NONE_MATCH=items).status_code == 200
    assert client.get(ITEMS)["ETag"] != items
    # the tile's layer (quartiere) did not change
    assert client.get(TILE, HTTP_IF_NONE_MATCH=tile).status_code == 304


def test_the_etag_depends_on_the_parameters_and_the_format(client, demo):
    tags = {
        client.get(ITEMS)["ETag"],
        client.get(ITEMS + "&offset=1")["ETag"],
        client.get(ITEMS + "&f=html")["ETag"],
        client.get(ITEMS, HTTP_ACCEPT="text/html")["ETag"],
    }
    assert len(tags) == 4
    assert client.get(ITEMS)["ETag"] == client.get(ITEMS)["ETag"]


def test_a_publication_changes_the_etag_of_contributions(client, demo):
    url = "/ogc/collections/contributions/items?limit=1"
    etag = client.get(url)["ETag"]

    Contribution.objects.filter(status="pending").update(status="published")

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


@override_settings(MAP_CACHE_CONTROL="public, max-age=5", MAP_CORS_ALLOW_ORIGIN="https://karte.example")
def test_cache_control_and_cors_come_from_the_settings(client, demo):
    response = client.get(TILE)

    assert response["Cache-Control"] == "public, max-age=5"
    assert response["Access-Control-Allow-Origin"] == "https://karte.example"
    assert "Origin" in response["Vary"]


@pytest.mark.parametrize(
    "url", [ITEMS, "/ogc/", "/ogc/collections", "/ogc/api", TILE, "/tiles/quartiere.json"]
)
def test_every_map_response_allows_any_origin_and_exposes_the_etag(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert response["Cache-Control"] == "public, max-age=60"


def test_errors_carry_cors_but_no_etag(client, demo):
    response = client.get("/ogc/collections/measures/items?limit=x")

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" not in response and "Cache-Control" not in response


def test_head_answers_the_headers_without_the_body(client, demo):
    get = client.get(ITEMS)
    head = client.head(ITEMS)

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Type"] == get["Content-Type"]
    assert int(head["Content-Length"]) == len(get.content)


def test_head_of_a_streamed_page_has_no_body(client, demo):
    response = client.head("/ogc/collections/contributions/items?limit=5000")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b""


def test_it_answers_the_cors_preflight(client, db):
    response = client.options(
        TILE,
        HTTP_ORIGIN="https://karte.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response["Access-Control-Allow-Headers"] == "if-none-match"
    assert int(response["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_it_refuses_writes(client, db, method):
    response = getattr(client, method)("/ogc/collections")

    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_a_tile_and_its_data_version_come_in_one_statement(client, demo):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(db) as fresh:
        etag = client.get(TILE)["ETag"]
    with CaptureQueriesContext(db) as revalidated:
        assert client.get(TILE, HTTP_IF_NONE_MATCH=etag).status_code == 304

    assert len(fresh.captured_queries) == 1 and len(revalidated.captured_queries) == 1
    assert "geo_dataversion" in fresh.captured_queries[0]["sql"]
    Area.objects.filter(level=3).update(population=1)
    response = client.get(TILE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag and response.content


def test_an_etag_of_another_request_is_no_claim(client, demo):
    other = client.get("/tiles/quartiere/12/2152/1409.mvt")["ETag"]

    assert client.get(TILE, HTTP_IF_NONE_MATCH=other).status_code == 200


def test_the_version_expression_names_its_tables_as_checked_literals():
    from geo.dataversion import version_sql

    assert version_sql([]) == "0::bigint"
    one = version_sql(["quartiere_area"])
    assert one.count("geo_dataversion") == 1 and "'quartiere_area'" in one
    both = version_sql(["measures_measure", "quartiere_area", "measures_measure"])
    assert both.startswith("greatest(") and both.count("geo_dataversion") == 2
    with pytest.raises(ValueError):
        version_sql(["x'); DROP TABLE quartiere_area; --"])


def test_the_version_expression_gives_the_token_of_the_versions_read(demo):
    from django.db import connection as db

    from geo import dataversion
    from geo import layers as registry

    for layer in registry.all_layers():
        with db.cursor() as cursor:
            cursor.execute(f"SELECT {dataversion.version_sql(layer.tables)}")
            assert cursor.fetchone()[0] == dataversion.read([layer]).token([layer]), layer.id


def test_an_items_page_and_its_data_version_come_in_one_statement_and_a_full_one_is_counted(client, demo):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(db) as whole:  # not full: the page tells numberMatched
        everything = client.get("/ogc/collections/measures/items?limit=1000").json()
    total = len(everything["features"])
    assert total > 5 and everything["numberMatched"] == total
    with CaptureQueriesContext(db) as fresh:  # full: counted, with the data version read again
        first = client.get(ITEMS)
    with CaptureQueriesContext(db) as revalidated:
        assert client.get(ITEMS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    assert first.json()["numberMatched"] == total
    assert len(whole.captured_queries) == 1 and len(revalidated.captured_queries) == 1
    assert "count(*)" not in whole.captured_queries[0]["sql"]
    assert len(fresh.captured_queries) == 2
    assert all("geo_dataversion" in query["sql"] for query in fresh.captured_queries)
    assert "count(*)" in fresh.captured_queries[1]["sql"]
    Measure.objects.filter(published=True).update(title="Neu")
    changed = client.get(ITEMS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert b"Neu" in changed.content and b"Neu" not in first.content


def test_a_write_between_a_page_and_its_count_reads_both_again(client, demo, monkeypatch):
    from geo.ogc import queries

    counts = []
    original = queries.Query.versioned_count_sql
    shown = client.get(ITEMS).json()["features"][0]["id"]

    def count_after_a_write(query):
        counts.append(1)
        if len(counts) == 1:  # another request changes a measure between the page and its count
            Measure.objects.filter(pk=shown).update(title="Dazwischen")
        return original(query)

    monkeypatch.setattr(queries.Query, "versioned_count_sql", count_after_a_write)
    page = client.get(ITEMS + "&offset=0").json()

    assert len(counts) == 2  # the page and its count read again, now from the same data
    assert page["features"][0]["properties"]["title"] == "Dazwischen"
    everything = client.get("/ogc/collections/measures/items?limit=1000").json()
    assert page["numberMatched"] == len(everything["features"])


def test_html_and_streamed_items_read_the_version_before_the_data(client, demo):
    for url in (ITEMS + "&f=html", "/ogc/collections/measures/items?limit=5000"):
        etag = client.get(url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        Measure.objects.filter(published=True).update(title=f"Neu {len(url)}")
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
