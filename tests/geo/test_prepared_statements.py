"""Prepared statements (``geo.db``'s ``prepared_cursor``): a vector tile's statement is parsed and planned
once per database session; Django's own statements stay unprepared; ``DB_PREPARED_STATEMENTS`` off
turns it off. Read off PostgreSQL's ``pg_prepared_statements`` of the session the service used."""

import mapbox_vector_tile
import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from quartiere.models import Area

TILES = [f"/tiles/quartiere/14/{x}/{y}.mvt" for x in (8609, 8610) for y in (5633, 5634, 5635, 5636)]


def prepared() -> dict[str, int]:
    """This session's prepared statements: their text → how often each ran (its custom and generic plans)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def tile_statements(statements: dict[str, int]) -> dict[str, int]:
    return {text: runs for text, runs in statements.items() if "ST_AsMVT" in text}


@pytest.fixture
def client() -> Client:
    return Client()


def test_a_tile_statement_is_prepared_once_and_then_only_executed(client, demo):
    before = tile_statements(prepared())
    bodies = [client.get(path) for path in TILES]
    assert all(response.status_code == 200 for response in bodies)
    assert any(response.content for response in bodies)  # the demo's Quartiere are in these tiles
    after = tile_statements(prepared())

    ran = {text: runs - before.get(text, 0) for text, runs in after.items() if runs != before.get(text, 0)}
    # one statement, with its parameters as $n, ran once for every tile
    assert list(ran.values()) == [len(TILES)], ran
    (text,) = ran
    assert "$1" in text and "%(" not in text
    assert "quartiere_area" in text and "geo_dataversion" in text  # the tile and its data version


def test_prepared_and_unprepared_tiles_are_the_same_bytes(client, demo):
    with override_settings(PREPARED_STATEMENTS=False):
        before = prepared()
        plain = [client.get(path).content for path in TILES]
        assert prepared() == before  # nothing prepared
    assert [client.get(path).content for path in TILES] == plain
    assert tile_statements(prepared()) != tile_statements(before)


def test_a_tile_of_another_version_is_not_cached_by_its_prepared_statement(client, demo):
    path = "/tiles/quartiere/12/2152/1408.mvt"
    first = client.get(path)
    etag = first.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    Area.objects.filter(level=3, code="08118048-01").update(name="Neue Mitte")
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"Neue Mitte" in changed.content and b"Neue Mitte" not in first.content


def test_django_s_own_statements_are_not_prepared(demo):
    before = prepared()
    for _ in range(12):  # more than psycopg's prepare threshold
        assert Area.objects.filter(level=3).count() > 0
    assert prepared() == before


def test_the_prepared_cursor_is_django_s_cursor_logged_and_wrapped(demo):
    with CaptureQueriesContext(connection) as captured, connection.prepared_cursor() as cursor:
        cursor.execute("SELECT count(*) FROM quartiere_area WHERE level = %(level)s", {"level": 3})
        assert cursor.fetchone()[0] == Area.objects.filter(level=3).count()
    assert "quartiere_area" in captured.captured_queries[-1]["sql"]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.prepared_cursor() as cursor:
        # Django's error, not psycopg's
        cursor.execute("SELECT no_such_column FROM quartiere_area WHERE level = %(level)s", {"level": 3})


def test_a_tile_is_the_same_bytes_whatever_plan_or_row_order(client, demo):
    # a custom plan (the first runs), a generic one (later runs) and a table whose rows moved (an
    # UPDATE writes a new row version at the heap's end) give one tile: its features in id order
    path = "/tiles/quartiere/12/2152/1408.mvt"
    first = client.get(path).content
    assert all(client.get(path).content == first for _ in range(7))
    ids = [feature["id"] for feature in mapbox_vector_tile.decode(first)["quartiere"]["features"]]
    assert len(ids) > 3 and ids == sorted(ids)
    Area.objects.filter(pk__in=ids[:2]).update(population=F("population"))  # same values, moved rows
    moved = client.get(path).content
    assert moved == first
