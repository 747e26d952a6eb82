"""Generated requests against the planning operations of ``/api/schema/`` as a planner (token auth), so
that writes get past the permission check into validation, If-Match and the services: none may end
in a server error. (tests/test_schemathesis.py covers every operation anonymously.)"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(
    path_regex=r"^/api/(focus-areas|priorities)/"
)


@pytest.fixture
def keep_test_transaction():
    """Serve requests inside the test's transaction (the WSGI handler would close the connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_planner_request_is_a_server_error(case, known, planner, keep_test_transaction):
    token, _ = Token.objects.get_or_create(user=planner)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=[not_a_server_error])
