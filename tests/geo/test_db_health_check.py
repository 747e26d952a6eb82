"""``geo.db``: the health check of a persistent connection asks the server only when the socket says
something happened; a connection the server closed is still replaced before a request uses it."""

import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "SELECT 'qa-health-marker'"


def other_connection():
    other = connection.get_new_connection(connection.get_connection_params())
    # autocommit: each query sees the server's current activity (within one transaction PostgreSQL
    # keeps showing the same pg_stat_activity snapshot)
    other.autocommit = True
    return other


def last_query_of(pid: int) -> str | None:
    with other_connection() as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0] if row else None


def terminate(pid: int) -> None:
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None:
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} did not end")


def test_the_engine_is_ours():
    assert connection.settings_dict["ENGINE"] == "geo.db"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_an_idle_healthy_connection_passes_without_a_statement():
    with connection.cursor() as cursor:
        cursor.execute(MARKER)
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    # the server saw nothing after the marker: no SELECT 1
    assert last_query_of(pid) == MARKER


def test_a_connection_the_server_closed_is_unusable_and_replaced(client):
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        terminate(pid)
        assert not connection.is_usable()
        # what request_started does (the test client leaves it out): check again before the first use
        connection.health_check_done = False
        response = client.get("/api/locate/", {"lon": 9.1956, "lat": 48.8997})
        assert response.status_code == 200
        assert connection.connection.info.backend_pid != pid
    finally:
        if not connection.is_usable():
            connection.close()  # the next test starts on a new connection, whatever happened here
