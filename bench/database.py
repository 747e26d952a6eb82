"""The benchmarks' own database and Django set-up.

The benchmarks never touch the demo database or pytest's: they use ``<default name>_bench`` on the
same server, created on first use (with PostGIS) and migrated on every run. A session-level
advisory lock serialises the runs that use the same benchmark database, so that two runs neither
rebuild the same data at once nor distort each other's timings. (Advisory locks are per database: runs
with another ``DATABASE_URL``, hence another ``…_bench``, are not held back.)
"""

import os
import secrets
import sys
import time

import psycopg
from psycopg import sql

BENCH_SUFFIX = "_bench"
# pg_advisory_lock key: "qa-bench" in ASCII
LOCK_KEY = 0x71612D62656E6368

_lock_connection: psycopg.Connection | None = None


def bench_name(default_name: str) -> str:
    """The benchmark database's name for the default database ``default_name``."""
    return default_name if default_name.endswith(BENCH_SUFFIX) else default_name + BENCH_SUFFIX


def is_bench_database(name: str) -> bool:
    return name.endswith(BENCH_SUFFIX)


def _conninfo(db: dict, dbname: str) -> dict:
    info = {
        "dbname": dbname,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {key: value for key, value in info.items() if value is not None}


def _connect(db: dict, dbname: str) -> psycopg.Connection:
    return psycopg.connect(**_conninfo(db, dbname), autocommit=True, connect_timeout=10)


def ensure_database(db: dict, name: str) -> bool:
    """Create database ``name`` with PostGIS on the server of ``db`` (Django's settings dict) when it is
    missing. Connects with the same credentials, to the default database (or ``postgres``).
    Returns whether it was created."""
    created = False
    try:
        admin = _connect(db, db["NAME"])
    except psycopg.OperationalError:
        admin = _connect(db, "postgres")
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            try:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created = True
            except psycopg.errors.DuplicateDatabase:
                pass  # another run created it a moment ago
    with _connect(db, name) as bench:
        bench.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return created


def _take_lock(db: dict, name: str) -> None:
    global _lock_connection
    conn = _connect(db, name)
    # polled rather than blocking: a run killed while it waits leaves no backend queued for the lock
    if not conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
        print(f"waiting for another benchmark run on {name} to finish …", file=sys.stderr, flush=True)
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]:
            time.sleep(2)
    _lock_connection = conn  # held until the process exits


def production_environment() -> None:
    """Run the service as in production (``DEBUG`` off: no query log, no debug cursor) unless the
    caller's environment says otherwise. The secret key is throw-away: nothing is signed that outlives
    the run."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def setup(*, migrate: bool = True, lock: bool = True) -> str:
    """Point Django's default database at the benchmark database, create and migrate it, take the
    benchmark lock and set up Django. Returns the database's name."""
    production_environment()
    from django.conf import settings

    db = settings.DATABASES["default"]
    name = bench_name(db["NAME"])
    if ensure_database(db, name):
        print(f"created database {name} (with PostGIS)", file=sys.stderr)
    # Before django.setup(): no connection exists yet, so every connection opened later goes here.
    db["NAME"] = name
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if lock:
        _take_lock(db, name)

    import warnings

    import django

    # whitenoise warns about a missing STATIC_ROOT when DEBUG is off; the API needs no static files
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    if migrate:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        elapsed = time.perf_counter() - started
        if elapsed > 5:
            print(f"migrated {name} in {elapsed:.0f} s", file=sys.stderr)
    return name
