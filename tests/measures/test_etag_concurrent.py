"""Two planners writing the same measure at the same moment: exactly one wins (a module of its own,
as it needs real transactions and so cannot share the per-module grid)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from measures import services
from measures.models import Measure
from quartiere.models import Area
from tests.fixtures import geom
from tests.measures.conftest import build_grid
from tests.measures.factories import PlannerFactory


def url(measure) -> str:
    return f"/api/measures/{measure.pk}/"


@pytest.mark.django_db(transaction=True)
def test_two_writes_at_the_same_moment_never_both_win():
    """Real concurrency: two threads, two connections, the same ETag. The check and the write are
    one atomic step (row lock), so exactly one wins. (The planners' group is created on demand by the
    factory: the flush that ends a transactional test removes what the migrations stored.)"""
    build_grid()
    measure = services.measure_create(
        city=Area.objects.get(code="C"), title="Platz", geom=geom("POINT(300 300)")
    )
    planners = [PlannerFactory(), PlannerFactory()]
    etag = f'"measure-{measure.pk}-1"'
    start = threading.Barrier(2)
    results: list[int] = []

    def edit(i: int) -> None:
        try:
            client = APIClient()
            client.force_authenticate(planners[i])
            start.wait()
            response = client.patch(url(measure), {"title": f"Planer {i}"}, format="json", HTTP_IF_MATCH=etag)
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [200, 412]
    stored = Measure.objects.get(pk=measure.pk)
    assert stored.version == 2
    assert stored.history.count() == 2
