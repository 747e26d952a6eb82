"""The place search: ``quartiere.places`` offline (ranking, normalisation) and through geopy against a
fake Nominatim/Photon served here over real HTTP (never the internet), and ``GET /api/places/``."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import caches
from django.test import Client

from quartiere import places
from quartiere.addresses import address_import
from quartiere.management.commands.load_demo import load_demo_places
from quartiere.models import Address
from tests.fixtures import body, kept_for_the_module


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    def build():
        load_demo_places()
        # text is data: a street name that looks like code
        address_import(
            rows=[(1, "row 1", "", "<script>{{ 6*7 }}{#", "9", "71634", "", None, 9.1925, 48.8965, None)],
            source_srid=4326,
            source="test",
        )

    with kept_for_the_module(django_db_blocker, build):
        yield


@pytest.fixture(autouse=True)
def fresh_caches():
    caches["participation"].clear()  # the throttle's counters
    caches["default"].clear()  # the geocoder's answers


def labels(q: str, limit: int = 5) -> list[str]:
    return [p.label for p in places.offline_search(q=q, limit=limit)]


@pytest.mark.django_db
def test_an_address_with_its_number_comes_first_then_the_longer_numbers():
    assert labels("Marktplatz 1", 4) == [
        "Marktplatz 1, 71634 Ludwigsburg",
        "Marktplatz 10, 71634 Ludwigsburg",
        "Marktplatz 11, 71634 Ludwigsburg",
        "Marktplatz 12, 71634 Ludwigsburg",
    ]
    # a street alone: its houses in numeric order (2 before 10)
    assert labels("Marktplatz", 3)[:3] == [
        "Marktplatz 1, 71634 Ludwigsburg",
        "Marktplatz 2, 71634 Ludwigsburg",
        "Marktplatz 3, 71634 Ludwigsburg",
    ]


@pytest.mark.parametrize(
    "q",
    [
        "Schloßstraße 3",
        "Schloßstr. 3",
        "Schlossstrasse 3",
        "schlossstr 3",
        "SCHLOSSSTRASSE 3",
        "Schloss-Str. 3",
    ],
)
@pytest.mark.django_db
def test_spellings_of_a_street_find_the_same_house(q):
    if q == "Schloss-Str. 3":  # a hyphen splits the word: still found, by similarity
        assert "Schloßstraße 3, 71634 Ludwigsburg" in labels(q)
    else:
        assert labels(q)[0] == "Schloßstraße 3, 71634 Ludwigsburg"


@pytest.mark.django_db
def test_areas_by_name_with_umlauts_written_out_and_before_addresses():
    for q in ("Oßweil", "Ossweil", "OSSWEIL", "Osweil"):
        found = places.offline_search(q=q, limit=3)
        assert (found[0].kind, found[0].label) == ("quartier", "Oßweil, Ludwigsburg"), q
        assert found[0].bbox is not None and found[0].bbox[0] < found[0].lon < found[0].bbox[2]
    assert [(p.kind, p.label) for p in places.offline_search(q="Grünbühl", limit=1)] == [
        ("quartier", "Grünbühl-Sonnenberg, Ludwigsburg")
    ]
    assert [(p.kind, p.name) for p in places.offline_search(q="gruenbuehl sonnenberg", limit=1)] == [
        ("quartier", "Grünbühl-Sonnenberg")
    ]
    city = places.offline_search(q="Ludwigsburg", limit=2)
    assert (city[0].kind, city[0].label) == ("city", "Ludwigsburg")
    assert city[1].kind == "address"


@pytest.mark.django_db
def test_a_typo_still_finds_the_street_and_nothing_matches_nonsense():
    assert labels("Markplatz 1")[0] == "Marktplatz 1, 71634 Ludwigsburg"
    assert labels("Wilhelmstr 1")[0] == "Wilhelmstraße 1, 71638 Ludwigsburg"
    assert labels("Qwxyz") == []
    assert len(places.offline_search(q="Ludwigsburg", limit=7)) == 7


@pytest.mark.django_db
def test_the_api_answers_geojson_in_4326_at_the_address():
    response = Client().get("/api/places/", {"q": "Schloßstr. 3", "limit": "2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = body(response)
    assert data["type"] == "FeatureCollection" and data["source"] == "offline"
    assert len(data["features"]) == 2
    first = data["features"][0]
    assert first["properties"] == {
        "name": "Schloßstraße 3",
        "kind": "address",
        "label": "Schloßstraße 3, 71634 Ludwigsburg",
    }
    point = Address.objects.get(street="Schloßstraße", number="3").point.transform(4326, clone=True)
    assert first["geometry"]["coordinates"] == pytest.approx([point.x, point.y], abs=1e-6)
    mitte = body(Client().get("/api/places/", {"q": "Mitte"}))["features"][0]
    assert mitte["properties"]["kind"] == "quartier" and len(mitte["bbox"]) == 4


@pytest.mark.django_db
def test_text_is_data():
    data = body(Client().get("/api/places/", {"q": "<script>{{ 6*7 }}"}))
    assert data["features"][0]["properties"]["name"] == "<script>{{ 6*7 }}{# 9"


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ({}, "q", "at least 3"),
        ({"q": "  a  "}, "q", "at least 3"),
        ({"q": "x" * 201}, "q", "at most 200"),
        ({"q": "Marktplatz", "limit": "0"}, "limit", "between 1 and 20"),
        ({"q": "Marktplatz", "limit": "abc"}, "limit", "must be an integer"),
        ({"q": "Marktplatz", "limit": "99"}, "limit", "between 1 and 20"),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_a_400_naming_the_parameter(query, field, says):
    response = Client().get("/api/places/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert says in body(response)[field][0]


@pytest.mark.django_db
def test_too_many_searches_are_throttled(settings):
    settings.PLACES_SEARCH_RATE = "3/m"
    client = Client()
    statuses = [client.get("/api/places/", {"q": "Marktplatz"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/places/", {"q": "Marktplatz"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60


# --- the online geocoder, served here -----------------------------------------------------------------


class FakeGeocoder(BaseHTTPRequestHandler):
    """Answers Nominatim's /search (jsonv2 list) and Photon's /api (GeoJSON) like the real ones;
    records every request; ``delay`` seconds before answering, ``status`` other than 200 to fail."""

    requests: list = []
    delay = 0.0
    status = 200

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        type(self).requests.append(
            {"path": url.path, "query": parse_qs(url.query), "headers": dict(self.headers)}
        )
        time.sleep(self.delay)
        if self.status != 200:
            self.send_response(self.status)
            self.end_headers()
            return
        if url.path.endswith("/search"):
            answer = [
                {
                    "lat": "48.8997",
                    "lon": "9.1956",
                    "display_name": "Residenzschloss, Schlossstraße, Ludwigsburg",
                },
                # outside the service's extent: dropped even if a geocoder sends it
                {"lat": "52.5163", "lon": "13.3777", "display_name": "Brandenburger Tor, Berlin"},
            ]
        else:
            answer = {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [9.1956, 48.8997]},
                        "properties": {
                            "name": "Residenzschloss",
                            "city": "Ludwigsburg",
                            "country": "Deutschland",
                        },
                    }
                ],
            }
        data = json.dumps(answer).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except BrokenPipeError:
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder(settings):
    FakeGeocoder.requests, FakeGeocoder.delay, FakeGeocoder.status = [], 0.0, 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGeocoder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/nominatim/"
    settings.GEOCODER_USER_AGENT = "Quartiersatlas test"
    settings.GEOCODER_TIMEOUT_S = 0.5
    yield FakeGeocoder
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_nominatim_through_geopy_gets_the_query_and_the_extent_only_and_is_cached(geocoder):
    client = Client()
    data = body(
        client.get(
            "/api/places/",
            {"q": "Residenzschloss"},
            HTTP_COOKIE="sessionid=secret",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    )
    assert data["source"] == "nominatim"
    assert [f["properties"] for f in data["features"]] == [
        {"name": "Residenzschloss", "kind": "place", "label": "Residenzschloss, Schlossstraße, Ludwigsburg"}
    ]
    assert data["features"][0]["geometry"]["coordinates"] == [9.1956, 48.8997]
    (sent,) = geocoder.requests
    assert sent["path"] == "/nominatim/search"
    assert sent["query"]["q"] == ["Residenzschloss"]
    assert sent["query"]["bounded"] == ["1"]
    west, south, east, north = map(float, sent["query"]["viewbox"][0].split(","))
    assert west < 9.1956 < east and south < 48.8997 < north and east - west < 3
    # nothing about the person: no cookie, no address, our user agent
    assert set(sent["query"]) <= {"q", "format", "limit", "viewbox", "bounded"}
    assert "Cookie" not in sent["headers"] and "X-Forwarded-For" not in sent["headers"]
    assert sent["headers"]["User-Agent"] == "Quartiersatlas test"
    # the same query again: from the cache
    assert body(client.get("/api/places/", {"q": "Residenzschloss"}))["source"] == "nominatim"
    assert len(geocoder.requests) == 1


@pytest.mark.django_db
def test_photon_through_geopy(geocoder, settings):
    settings.GEOCODER = "photon"
    found = places.place_search(q="Residenzschloss", limit=5)
    assert found.source == "photon"
    assert [(p.kind, p.lon, p.lat) for p in found.places] == [("place", 9.1956, 48.8997)]
    assert geocoder.requests[0]["path"] == "/nominatim/api"
    assert geocoder.requests[0]["query"]["q"] == ["Residenzschloss"]


@pytest.mark.django_db
def test_a_geocoder_that_times_out_or_fails_leaves_the_offline_search(geocoder):
    geocoder.delay = 1.0  # beyond GEOCODER_TIMEOUT_S
    started = time.monotonic()
    found = places.place_search(q="Marktplatz 1", limit=3)
    assert time.monotonic() - started < 1.0
    assert found.source == "offline"
    assert found.places[0].label == "Marktplatz 1, 71634 Ludwigsburg"
    geocoder.delay, geocoder.status = 0.0, 500
    data = body(Client().get("/api/places/", {"q": "Marktplatz 1"}))
    assert data["source"] == "offline"
    assert data["features"][0]["properties"]["label"] == "Marktplatz 1, 71634 Ludwigsburg"
    assert len(geocoder.requests) >= 2  # asked both times: failures are not cached


@pytest.mark.django_db
def test_suggestions_while_typing_never_go_to_nominatim_but_to_photon(geocoder, settings):
    client = Client()
    typing = body(client.get("/api/places/", {"q": "Marktplatz 1", "typing": "1"}))
    assert typing["source"] == "offline" and geocoder.requests == []
    assert body(client.get("/api/places/", {"q": "Marktplatz 1", "typing": "0"}))["source"] == "nominatim"
    settings.GEOCODER = "photon"
    assert body(client.get("/api/places/", {"q": "Marktplatz 2", "typing": "1"}))["source"] == "photon"
    assert client.get("/api/places/", {"q": "Marktplatz", "typing": "yes"}).status_code == 400
