"""Helpers for the WMS tests: committed demo data (Mapnik reads through its own connections, so it sees
only committed rows), decoding PNGs, requests and XML."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from lxml import etree

from geo.mapnik_env import mapnik
from geo.wms.render import reset_connections
from tests.fixtures import load_demo_committed

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "wms"
WMS_NS = {"wms": "http://www.opengis.net/wms", "xlink": "http://www.w3.org/1999/xlink"}
OGC_NS = {"ogc": "http://www.opengis.net/ogc"}

# The Ludwigsburg demo: its Quartiere lie within x 510351–521322, y 5413163–5418896 (EPSG:25832).
CITY_25832 = (509_000.0, 5_411_000.0, 523_000.0, 5_421_000.0)
MITTE_25832 = (514_020.3, 5_415_863.7)  # a point inside the Quartier "Mitte"


@contextmanager
def committed_demo(django_db_blocker) -> Iterator[None]:
    """The demo, committed for the duration of the block, then every table emptied (``flush``)."""
    with django_db_blocker.unblock():
        load_demo_committed()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            reset_connections(terminate=True)
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module", autouse=True)
def wms_connections(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Import into a test module that renders: afterwards Mapnik's own sessions on the test database
    are ended (else the database cannot be dropped at the end of the run)."""
    yield
    with django_db_blocker.unblock():
        reset_connections(terminate=True)


def ows(**params) -> str:
    return "/ows?" + urlencode(params)


def getmap(bbox=CITY_25832, *, layers="quartiere", crs="EPSG:25832", size=(256, 256), **extra) -> str:
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetMap",
        "LAYERS": layers,
        "STYLES": "",
        "CRS": crs,
        "BBOX": bbox if isinstance(bbox, str) else ",".join(repr(float(v)) for v in bbox),
        "WIDTH": size[0],
        "HEIGHT": size[1],
        "FORMAT": "image/png",
    }
    params.update(extra)
    return ows(**params)


class Picture:
    """A decoded image: ``rgba(x, y)`` → (r, g, b, a)."""

    def __init__(self, data: bytes):
        self.image = mapnik().Image.from_string(data)
        self.width = self.image.width()
        self.height = self.image.height()

    def rgba(self, x: int, y: int) -> tuple[int, int, int, int]:
        value = self.image.get_pixel(x, y)  # packed as 0xAABBGGRR
        return value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, (value >> 24) & 0xFF

    def pixels(self) -> list[tuple[int, int, int, int]]:
        return [self.rgba(x, y) for y in range(self.height) for x in range(self.width)]

    def painted(self, background: tuple[int, int, int, int]) -> set[tuple[int, int]]:
        """The pixels that differ from ``background``."""
        return {
            (x, y) for y in range(self.height) for x in range(self.width) if self.rgba(x, y) != background
        }


def capabilities_schema() -> etree.XMLSchema:
    """The OGC WMS 1.3.0 schema, its imports resolved to the copies in tests/data/wms (no network)."""

    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            candidate = SCHEMAS / url.rsplit("/", 1)[-1]
            return self.resolve_filename(str(candidate), context) if candidate.exists() else None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "capabilities_1_3_0.xsd"), parser))


def xml(content: bytes) -> etree._Element:
    return etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))


def exception_code(content: bytes) -> tuple[str | None, str]:
    """(code, text) of the ServiceException in a report of either version."""
    root = xml(content)
    found = root.find("ogc:ServiceException", OGC_NS)
    if found is None:
        found = root.find("ServiceException")
    return found.get("code"), (found.text or "").strip()
