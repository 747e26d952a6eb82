"""The catalogue tests share one committed demo and one live server for the whole package (as the WFS
tests do): OWSLib talks HTTP to the live server, which reads the demo through its own connections."""

from collections.abc import Iterator

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.geo.wms_support import committed_demo


@pytest.fixture(scope="package")
def catalogue_demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo, committed for the package's tests, then every table emptied."""
    with committed_demo(django_db_blocker):
        yield


@pytest.fixture(scope="package")
def server(catalogue_demo, django_db_blocker) -> Iterator[str]:
    """A live server of its own (pytest-django's ``live_server`` would flush the tables after each
    test); its root URL."""
    with django_db_blocker.unblock():
        thread = LiveServerThread("localhost", static_handler=lambda handler: handler)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture
def demo_db(catalogue_demo, db):
    """The committed demo, readable through the Django test client (each test in a transaction)."""
