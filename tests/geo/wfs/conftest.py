"""The WFS tests share one committed demo and one live server for the whole package: the demo is
loaded once (``load_demo`` takes seconds) and the server's own connections see it. Tests that change
data do it in their own transaction (the Django test client) or not at all."""

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread
from lxml import etree

from tests.geo.wms_support import committed_demo

NS = {
    "wfs": "http://www.opengis.net/wfs/2.0",
    "ows": "http://www.opengis.net/ows/1.1",
    "gml": "http://www.opengis.net/gml/3.2",
    "fes": "http://www.opengis.net/fes/2.0",
    "xsd": "http://www.w3.org/2001/XMLSchema",
    "qa": "https://quartiersatlas.de/ns/wfs",
}


@pytest.fixture(scope="package")
def wfs_demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo, committed for the package's tests, then every table emptied."""
    with committed_demo(django_db_blocker):
        yield


@pytest.fixture(scope="package")
def wfs_url(wfs_demo, django_db_blocker) -> Iterator[str]:
    """A live server of its own (pytest-django's ``live_server`` would flush the tables after each
    test); the ``/ows`` URL."""
    with django_db_blocker.unblock():
        thread = LiveServerThread("localhost", static_handler=lambda handler: handler)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
    yield f"http://localhost:{thread.port}/ows"
    thread.terminate()
    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture
def wfs(wfs_demo, db):
    """The committed demo, readable through the Django test client (each test in a transaction)."""


def ows(**params) -> str:
    return "/ows?" + urlencode({"SERVICE": "WFS", **params})


def feature_url(**params) -> str:
    return ows(VERSION="2.0.0", REQUEST="GetFeature", **params)


def xml(content: bytes):
    return etree.fromstring(content)
