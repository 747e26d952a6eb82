"""Dockerfile, entrypoint and healthcheck: what can be checked without a Docker engine."""

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


def instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    return [m.group(1).strip() for m in re.finditer(rf"^{name}\s+(.*)$", text, re.MULTILINE)]


def test_it_builds_on_debian_bookworm_with_python_3_11():
    assert instructions("FROM") == ["python:3.11-slim-bookworm"]


def test_it_installs_gdal_geos_from_debian():
    run = " ".join(instructions("RUN"))
    for package in ("libgdal32", "libgeos-c1v5", "binutils"):
        assert package in run


def test_it_serves_as_an_unprivileged_user():
    users = instructions("USER")
    assert users and users[-1] not in {"root", "0"}


def test_collectstatic_runs_at_build_time_with_throwaway_secrets_only():
    collect = [run for run in instructions("RUN") if "collectstatic" in run]
    assert len(collect) == 1
    assert "DEBUG=0" in collect[0]
    # the dummy key is set for that step only, never as an ENV of the image
    assert not any("SECRET_KEY" in env for env in instructions("ENV"))


def test_it_checks_health_at_health():
    assert any("healthcheck.py" in check for check in instructions("HEALTHCHECK"))
    assert '"/health"' in (ROOT / "docker" / "healthcheck.py").read_text()


def test_secrets_and_local_state_stay_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".devdb-url", ".pgdata", ".venv", ".git"):
        assert entry in ignored


def test_entrypoint_is_valid_sh_and_serves_as_make_run_does():
    assert subprocess.run(["sh", "-n", str(ENTRYPOINT)], capture_output=True).returncode == 0
    text = ENTRYPOINT.read_text()
    # the server of `make run`: config/server.py, which also sets the logging (no client IPs, no
    # deletion tokens: tests/security/test_logs.py)
    assert "exec python -m config.server --host 0.0.0.0 --port 8000" in text
    assert (ROOT / "config" / "server.py").is_file()
    # workers, threads, keep-alive, timeouts and logs: config/server.py reads them, as for `make run`
    for option in ("--workers", "--blocking-threads", "--http1", "--access-log", "--log-config", "granian "):
        assert option not in text


def test_entrypoint_runs_any_other_command_as_given():
    result = subprocess.run(
        [str(ENTRYPOINT), "python", "-c", "import os; print(os.getcwd())"],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT)


@pytest.fixture
def healthcheck():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("atlas.example.org,localhost", "atlas.example.org"),
        (".example.org", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_healthcheck_asks_for_a_host_django_allows(healthcheck, monkeypatch, allowed_hosts, host):
    # Django answers 400 to a Host outside ALLOWED_HOSTS, which would mark the container unhealthy
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    assert healthcheck.allowed_host() == host


def test_healthcheck_fails_when_nothing_listens(healthcheck, monkeypatch):
    monkeypatch.setattr(healthcheck.http.client.HTTPConnection, "connect", _refuse)
    assert healthcheck.main() == 1


def _refuse(self):
    raise ConnectionRefusedError("nothing listens")
