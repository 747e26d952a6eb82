"""Two people ask for the last seat at the same moment, each on their own database connection: the
first locks the event's row; the second waits for that lock, then counts the first's seat and is
refused. Without the lock both would count the seat as free."""

import threading
import time

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection, transaction

from events import services
from events.models import Registration
from geo.errors import Conflict
from participation.models import Consultation
from quartiere.models import Area, Level
from tests.events.conftest import later


@pytest.fixture
def last_seat(transactional_db):
    square = Polygon.from_bbox((510_000, 5_410_000, 520_000, 5_420_000))
    square.srid = 25832
    region = Area.objects.create(level=Level.REGION, code="R", name="R", slug="r", geom=MultiPolygon(square))
    city = Area.objects.create(
        level=Level.CITY, parent=region, code="C", name="C", slug="c", geom=MultiPolygon(square)
    )
    consultation = Consultation.objects.create(
        title="T", slug="t", city=city, area=city, opens_at=later(-1), closes_at=later(9)
    )
    return services.event_create(
        consultation=consultation,
        title="Letzter Platz",
        starts_at=later(3),
        ends_at=later(3, 1),
        place_name="Saal",
        capacity=1,
    )


def test_two_registrations_for_the_last_seat_at_once(last_seat):
    first_holds_lock = threading.Event()
    results: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                services.registration_create(event_id=last_seat.pk, name="Erste", email="a@example.org")
                first_holds_lock.set()
                time.sleep(0.6)  # the second one asks now, while this transaction is open
            results["first"] = "registered"
        finally:
            first_holds_lock.set()
            connection.close()

    def second():
        try:
            first_holds_lock.wait(5)
            began = time.monotonic()
            try:
                services.registration_create(event_id=last_seat.pk, name="Zweite", email="b@example.org")
                results["second"] = "registered"
            except Conflict as refusal:
                results["second"] = f"refused {refusal.status}"
            results["waited"] = time.monotonic() - began
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results["first"] == "registered"
    assert results["second"] == "refused 409"
    assert results["waited"] > 0.4  # it waited for the first one's lock
    assert list(Registration.objects.values_list("name", flat=True)) == ["Erste"]
