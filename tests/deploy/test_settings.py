"""config/settings.py read in a fresh interpreter with a controlled environment (no database needed)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DUMMY_DATABASE_URL = "postgres://nobody@db.invalid:5432/nothing"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-test-secret-that-is-long-enough-for-the-deploy-check-0123456789abcdefghijkl",
    "ALLOWED_HOSTS": "atlas.example.org",
}
SHOW = """
import json
from config import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_CONTENT_TYPE_NOSNIFF": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "SECURE_PROXY_SSL_HEADER": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "STATICFILES_BACKEND": s.STORAGES["staticfiles"]["BACKEND"],
    "DB_OPTIONS": s.DATABASES["default"]["OPTIONS"].get("options", ""),
    "DB_HOST": s.DATABASES["default"]["HOST"],
}))
"""


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run in the checkout with only ``env`` (plus PATH): nothing leaks in from the caller."""
    return subprocess.run(
        args,
        env={"PATH": os.environ["PATH"], "DATABASE_URL": DUMMY_DATABASE_URL, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(**env: str) -> dict[str, Any]:
    result = run([sys.executable, "-c", SHOW], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def import_error(**env: str) -> str:
    result = run([sys.executable, "-c", "import config.settings"], env)
    assert result.returncode != 0, result.stdout
    return result.stderr


def test_debug_off_without_secret_key_is_refused():
    stderr = import_error(DEBUG="0", ALLOWED_HOSTS="atlas.example.org")
    assert "ImproperlyConfigured: SECRET_KEY must be set" in stderr


def test_debug_off_with_an_empty_secret_key_is_refused():
    stderr = import_error(DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="atlas.example.org")
    assert "ImproperlyConfigured: SECRET_KEY must be set" in stderr


def test_debug_off_without_allowed_hosts_is_refused():
    stderr = import_error(DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in stderr


def test_a_malformed_boolean_is_refused_not_guessed():
    stderr = import_error(DEBUG="maybe")
    assert "ImproperlyConfigured: DEBUG must be a boolean" in stderr


def test_debug_off_turns_on_secure_cookies_hsts_and_hashed_static_files():
    settings = settings_with(**PRODUCTION)
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["atlas.example.org"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] > 0
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert settings["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_development_defaults_are_not_the_production_ones():
    settings = settings_with()
    assert settings["DEBUG"] is True
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_secret_key_is_read_from_a_file(tmp_path):
    # Docker/Kubernetes secrets are mounted as files; the trailing newline is not part of the key
    secret = tmp_path / "secret_key"
    secret.write_text("key-from-a-mounted-secret-file\n")
    settings = settings_with(DEBUG="0", SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="atlas.example.org")
    assert settings["SECRET_KEY"] == "key-from-a-mounted-secret-file"


def test_allowed_hosts_are_read_from_a_file(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.write_text("a.example.org, b.example.org\n")
    settings = settings_with(DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"], ALLOWED_HOSTS_FILE=str(hosts))
    assert settings["ALLOWED_HOSTS"] == ["a.example.org", "b.example.org"]


def test_database_connections_carry_the_statement_timeout_and_no_parallel_gather():
    settings = settings_with(**PRODUCTION, DB_STATEMENT_TIMEOUT_MS="1234")
    assert "-c statement_timeout=1234" in settings["DB_OPTIONS"]
    assert "-c max_parallel_workers_per_gather=0" in settings["DB_OPTIONS"]
    assert settings["DB_HOST"] == "db.invalid"


def test_the_statement_timeout_defaults_to_30_seconds():
    assert "-c statement_timeout=30000" in settings_with(**PRODUCTION)["DB_OPTIONS"]


def test_behind_a_tls_proxy_x_forwarded_proto_is_trusted():
    assert settings_with(**PRODUCTION)["SECURE_PROXY_SSL_HEADER"] is None
    assert settings_with(**PRODUCTION, BEHIND_TLS_PROXY="1")["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_the_production_configuration_passes_the_security_deploy_checks():
    # What docs/operations.md recommends behind TLS; only the HSTS preload hint may remain.
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "ERROR"],
        {**PRODUCTION, "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"},
    )
    assert result.returncode == 0, result.stderr
    found = set(re.findall(r"\((security\.[EW]\d+)\)", result.stdout + result.stderr))
    assert found <= {"security.W021"}, result.stderr
