"""docker-compose.yml, validated by Debian's docker-compose 1.29 (no Docker engine needed)."""

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SECRETS = {"SECRET_KEY": "compose-test-secret", "POSTGRES_PASSWORD": "compose-test-password"}


def compose_config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` with exactly ``env``: an empty --env-file keeps a developer's .env out."""
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is missing: scripts/install-system-packages installs it")
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return subprocess.run(
        ["docker-compose", "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"],
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def config(tmp_path: Path) -> dict[str, Any]:
    result = compose_config(tmp_path, **SECRETS)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_it_defines_db_web_and_mapproxy(config):
    assert set(config["services"]) == {"db", "web", "mapproxy"}


def test_mapproxy_serves_the_same_image_asking_the_web_services_wms_and_keeps_tiles_in_a_volume(config):
    mapproxy, web = config["services"]["mapproxy"], config["services"]["web"]
    environment = mapproxy["environment"]
    assert mapproxy["image"] == web["image"]
    assert mapproxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert environment["MAPPROXY_SOURCE_URL"] == "http://web:8000"
    assert "web" in web["environment"]["ALLOWED_HOSTS"].split(",")  # MapProxy's Host header
    assert environment["MIGRATE"] == "0" and environment["LOAD_DEMO"] == "0"
    assert environment["DATABASE_URL"] == web["environment"]["DATABASE_URL"]  # it reads the data versions
    assert environment["MAPPROXY_CACHE_DIR"].startswith("/var/cache/quartiersatlas/")
    assert any(v.startswith("tiles:/var/cache/quartiersatlas") for v in mapproxy["volumes"])
    assert "tiles" in config["volumes"]
    assert {"published": 8001, "target": 8000} in [
        {"published": int(p["published"]), "target": int(p["target"])} for p in mapproxy["ports"]
    ]


def test_db_image_pins_postgresql_and_postgis_majors(config):
    assert re.fullmatch(r"postgis/postgis:15-3\.\d+", config["services"]["db"]["image"])


def test_db_keeps_data_in_a_named_volume(config):
    volumes = config["services"]["db"]["volumes"]
    assert any(v.startswith("pgdata:/var/lib/postgresql/data") for v in volumes)
    assert "pgdata" in config["volumes"]


def test_db_disables_parallel_gather(config):
    # parallel plans make the planner drop the spatial index (DESIGN.md)
    command = config["services"]["db"]["command"]
    assert "-c" in command
    assert "max_parallel_workers_per_gather=0" in command


def test_db_reports_health_with_pg_isready(config):
    assert "pg_isready" in " ".join(config["services"]["db"]["healthcheck"]["test"])


def test_web_starts_after_the_db_is_healthy(config):
    assert config["services"]["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_web_is_built_from_the_dockerfile_and_has_a_healthcheck(config):
    web = config["services"]["web"]
    assert Path(web["build"]["context"]) == ROOT
    assert (ROOT / "Dockerfile").is_file()
    assert "/app/docker/healthcheck.py" in web["healthcheck"]["test"]


def test_web_runs_with_production_settings_against_the_db_service(config):
    environment = config["services"]["web"]["environment"]
    assert environment["DEBUG"] == "0"
    assert environment["SECRET_KEY"] == SECRETS["SECRET_KEY"]
    assert environment["DATABASE_URL"] == (
        f"postgres://quartiersatlas:{SECRETS['POSTGRES_PASSWORD']}@db:5432/quartiersatlas"
    )
    assert environment["ALLOWED_HOSTS"]
    assert environment["LOAD_DEMO"] == "1"
    assert config["services"]["db"]["environment"]["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]


def test_web_is_published_on_port_8000(config):
    ports = config["services"]["web"]["ports"]
    assert {"published": 8000, "target": 8000} in [
        {"published": int(p["published"]), "target": int(p["target"])} for p in ports
    ]


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_it_refuses_to_start_without_a_secret(tmp_path, missing):
    # no default secret can reach a deployment: compose stops with the variable's name
    others = {name: value for name, value in SECRETS.items() if name != missing}
    result = compose_config(tmp_path, **others)
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr


def test_web_sizes_the_server_as_config_server_py_reads_it(config):
    # the entrypoint starts config/server.py, as `make run` does; compose passes the sizes
    environment = config["services"]["web"]["environment"]
    assert int(environment["WEB_CONCURRENCY"]) >= 1
    assert int(environment["SERVER_THREADS"]) >= 1
