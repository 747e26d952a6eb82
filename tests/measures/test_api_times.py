"""A record's times read the same in the list (built as JSON by PostgreSQL) and in its detail (DRF):
ISO 8601 in UTC with ``+00:00`` (``geo.fields.UtcDateTimeField``). DRF's own field wrote the site's
local time, so the same instant came as two different texts."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from geo.fields import UtcDateTimeField


@pytest.mark.parametrize("url", ["/api/measures/", "/api/focus-areas/"])
def test_list_and_detail_give_the_same_update_time_in_utc(demo, url):
    client = Client()
    features = client.get(url, {"limit": 5}).json()["features"]
    assert features
    for feature in features:
        listed = feature["properties"]["updated_at"]
        detail = client.get(f"{url}{feature['id']}/").json()
        assert detail["updated_at"] == listed
        assert listed.endswith("+00:00") and detail["created_at"].endswith("+00:00")
        assert dt.datetime.fromisoformat(detail["created_at"]) <= dt.datetime.fromisoformat(listed)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.datetime(2026, 12, 7, 17, 2, 31, 633220, tzinfo=dt.UTC), "2026-12-07T17:02:31.63322+00:00"),
        (dt.datetime(2026, 12, 7, 17, 2, 31, 500000, tzinfo=dt.UTC), "2026-12-07T17:02:31.5+00:00"),
        (dt.datetime(2026, 12, 7, 17, 2, 31, tzinfo=dt.UTC), "2026-12-07T17:02:31+00:00"),
        (
            dt.datetime(2026, 12, 7, 18, 2, 31, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "2026-12-07T17:02:31.000001+00:00",
        ),
    ],
)
def test_the_field_writes_what_postgresql_writes(db, value, text):
    assert UtcDateTimeField().to_representation(value) == text
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_jsonb(%s::timestamptz) #>> '{}'", [value])
        assert cursor.fetchone()[0] == text
