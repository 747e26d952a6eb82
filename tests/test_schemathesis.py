"""Generated requests against every operation of ``/api/schema/``: none may end in a server error.

Later endpoints join by being in the schema. Requests go through the WSGI application into the
pytest-django test database with the Ludwigsburg demo loaded, positive and negative (schema-violating)
ones alike. The run is bounded in total, not only per operation, so that it stays near a minute as the
API grows: about ``REQUEST_BUDGET`` generated requests, shared out among the operations.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from config.wsgi import application

REQUEST_BUDGET = 900
MIN_EXAMPLES, MAX_EXAMPLES = 10, 30

# The coverage phase (every boundary value of every field, every unexpected method) sends 50–250
# requests per operation; with dozens of operations that alone takes minutes. Fuzzing with negative
# data still reaches the bad-input paths; tests/*/test_bad_input.py pins the known edge cases.
config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
EXAMPLES = max(MIN_EXAMPLES, min(MAX_EXAMPLES, REQUEST_BUDGET // max(len(schema), 1)))


@pytest.fixture
def keep_test_transaction():
    """Serve requests inside the test's transaction, as Django's test client does: the WSGI handler
    would otherwise close the connection (and so roll the demo back) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_it_covers_the_foundation_endpoints():
    paths = {operation.ok().path for operation in schema.get_all_operations()}

    assert {"/api/areas/", "/api/areas/{id}/", "/api/locate/"} <= paths


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_no_generated_request_with_a_server_error(case, demo, keep_test_transaction):
    # every real WSGI server (granian, runserver) sets REMOTE_ADDR; werkzeug's test client does not
    case.call_and_validate(checks=[not_a_server_error], environ_base={"REMOTE_ADDR": "127.0.0.1"})
