#!/bin/sh
# Container entrypoint. `serve` (the image's default command): wait for the database, migrate,
# load the Ludwigsburg demo when LOAD_DEMO=1, then exec the server (PID 1, gets the signals).
# Anything else runs as given, e.g. `docker compose run --rm web python manage.py createsuperuser`.
#
#   DB_WAIT_SECONDS   how long to wait for the database (default 60)
#   MIGRATE           1 (default) runs `migrate`; set 0 on all but one replica
#   LOAD_DEMO         1 loads the demo (idempotent: later starts report it unchanged); default 0
#   WEB_CONCURRENCY   worker processes, SERVER_THREADS threads each, SERVER_THREAD_IDLE,
#                     SERVER_KEEPALIVE, SERVER_MAX_RSS, SERVER_MALLOC_MIB, SERVER_ACCESS_LOG,
#                     SERVER_STOP_TIMEOUT: read by config/server.py (defaults and meaning there)
set -eu
cd "$(dirname "$0")/.."

if [ "${1:-serve}" != serve ]; then
  exec "$@"
fi

python - <<'PY'
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import OperationalError, connection

deadline = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except OperationalError as error:
        if time.monotonic() > deadline:
            sys.exit(f"entrypoint: database not reachable: {error}")
        print("entrypoint: waiting for the database ...", file=sys.stderr, flush=True)
        time.sleep(2)
connection.close()
PY

# Migrations and the demo import may legitimately run longer than a web request may:
# lift the statement timeout for them only.
if [ "${MIGRATE:-1}" = 1 ]; then
  DB_STATEMENT_TIMEOUT_MS=0 python manage.py migrate --noinput
fi
if [ "${LOAD_DEMO:-0}" = 1 ]; then
  DB_STATEMENT_TIMEOUT_MS=0 python manage.py load_demo
fi

# config/server.py: granian, WEB_CONCURRENCY workers × SERVER_THREADS threads, keep-alive, access and
# error log on stdout/stderr without client IPs or deletion tokens — as `make run`
exec python -m config.server --host 0.0.0.0 --port 8000
