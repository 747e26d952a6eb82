"""docs/operations.md keeps up with the settings: every variable settings.py and the server
(config/server.py) read is documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = r"\b(?:env|envbool|envint|envlist|required)\(\s*\"([A-Z][A-Z0-9_]*)\""


SERVER_READERS = r"\b(?:_number\(environ, |environ\.get\()\"([A-Z][A-Z0-9_]*)\""


def variables_read_by_settings() -> set[str]:
    return set(re.findall(READERS, (ROOT / "config" / "settings.py").read_text()))


def variables_read_by_the_server() -> set[str]:
    return set(re.findall(SERVER_READERS, (ROOT / "config" / "server.py").read_text()))


def test_the_settings_read_the_variables_we_expect_at_least():
    # guards the regular expression above: it must keep finding the calls
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DB_STATEMENT_TIMEOUT_MS"} <= (
        variables_read_by_settings()
    )


def test_every_variable_read_by_settings_is_in_the_operations_table():
    doc = (ROOT / "docs" / "operations.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", doc, re.MULTILINE))
    assert variables_read_by_settings() - documented == set()


def test_every_variable_the_server_reads_is_in_the_operations_table():
    assert {"WEB_CONCURRENCY", "SERVER_THREADS", "SERVER_KEEPALIVE", "SERVER_ACCESS_LOG"} <= (
        variables_read_by_the_server()
    )
    doc = (ROOT / "docs" / "operations.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", doc, re.MULTILINE))
    assert variables_read_by_the_server() - documented == set()
