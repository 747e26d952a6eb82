"""scripts/devdb: where the private cluster lives and how to reach it."""

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEVDB = ROOT / "scripts" / "devdb"


def devdb(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # without the caller's DATABASE_URL (make exports one), so the script speaks for itself
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEVDB_DIR"}}
    return subprocess.run(
        [str(DEVDB), *args], env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def data_directory(status: subprocess.CompletedProcess[str]) -> str:
    match = re.search(r"^data directory: (/\S+)$", status.stdout, re.MULTILINE)
    assert match, status.stdout
    return match.group(1)


def test_status_says_where_the_data_directory_is():
    status = devdb("status")
    # 0 running, 3 stopped or not created: either way it names the directory
    assert status.returncode in (0, 3), status.stderr
    assert re.search(r"^state: (running on port \d+|stopped|not created)", status.stdout, re.MULTILINE)
    assert data_directory(status)


def test_url_of_the_running_cluster_is_a_postgres_url_to_its_socket():
    status = devdb("status")
    if status.returncode != 0:
        pytest.skip("the private cluster is not running (DATABASE_URL points elsewhere)")
    url = devdb("url")
    assert url.returncode == 0, url.stderr
    parts = urlsplit(url.stdout.strip())
    assert parts.scheme == "postgres"
    assert parts.username == "quartiersatlas"
    assert parts.path == "/quartiersatlas"
    # the host is the socket directory, percent-encoded (libpq reads it as a path)
    host = parts.netloc.split("@", 1)[1].rsplit(":", 1)[0]
    assert unquote(host) == data_directory(status)
    assert parts.port and parts.port > 0
    assert f"url: {url.stdout.strip()}" in status.stdout


def test_url_prefers_database_url():
    url = devdb("url", DATABASE_URL="postgres://someone@db.example.org:5432/atlas")
    assert url.stdout.strip() == "postgres://someone@db.example.org:5432/atlas"


def test_an_unknown_command_prints_the_usage():
    result = devdb("restart-everything")
    assert result.returncode == 2
    assert "usage: scripts/devdb start|stop|status|url" in result.stderr
