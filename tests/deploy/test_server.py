"""The server people run: `make run` starts granian with config/server.py and production settings
(DEBUG off), and that server keeps connections alive, serves hashed static files with far-future cache
headers, answers with the project's error pages, draws maps from several threads at once, keeps its
process environment out of the requests and reloads without dropping a request.

The server here is started with `make run`'s own command and environment (read from the Makefile, so
the two cannot drift apart) against the test database; the static files are collected as `make run`
does, into a temporary directory, leaving out the large API documentation bundles no page here uses.
"""

import gc
import http.client
import json
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = (ROOT / "Makefile").read_text()
SERVE = "-m config.server --host"
# collected for this test only: the 404 page's stylesheet and the site's frame need none of these
NOT_COLLECTED = ("drf_spectacular_sidecar", "rest_framework", "admin", "gis", "vendor/swagger*")
ANY_HOST = "0.0.0.0"  # noqa: S104 - `make run HOST=0.0.0.0`, as the README shows
GETMAP = (
    "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=quartiere,measures&STYLES=&CRS=EPSG:25832"
    "&BBOX=510000,5410000,520000,5420000&WIDTH=256&HEIGHT=256&FORMAT=image/png"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_run_environment(tmp: Path, host: str, port: int = 8000) -> dict[str, str]:
    """The environment `make run` gives the server: its RUN_ENV lines, run by the shell."""
    block = re.search(r"^RUN_ENV = (.*?)(?=^\S)", MAKEFILE, re.MULTILINE | re.DOTALL)
    assert block, "the Makefile defines RUN_ENV"
    script = block.group(1).replace("\\\n", " ").replace("$$", "$").replace("$(HOST)", host)
    script = script.replace("$(PORT)", str(port))
    script = script.replace("$(PY)", shlex.quote(sys.executable))
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env["SECRET_KEY_FILE"] = str(tmp / "secret-key")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", f"{script.strip()}; env -0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    pairs = (item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return dict(pairs)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """The server as `make run` starts it, on a free port, against the test database."""
    tmp = tmp_path_factory.mktemp("server")
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    url = os.environ.get("DATABASE_URL") or (ROOT / ".devdb-url").read_text().strip()
    port = free_port()
    env = make_run_environment(tmp, "127.0.0.1", port)
    env.update(
        DATABASE_URL=url.rsplit("/", 1)[0] + "/" + database,
        STATIC_ROOT=str(tmp / "static"),
        PYTHONUNBUFFERED="1",
        SERVER_STOP_TIMEOUT="5",
        SERVER_THREAD_IDLE="5",  # granian's least: threads idle that long end (and close their sessions)
    )
    ignore = [arg for pattern in NOT_COLLECTED for arg in ("-i", pattern)]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0", *ignore],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    command = [sys.executable, *SERVE.split(), "127.0.0.1", "--port", str(port)]
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}: {(tmp / 'server.log').read_text()}")
        try:
            if get(port, "/health")[0] == 200:  # granian listens before its workers answer
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail("the server did not answer within 60 s")
        time.sleep(0.2)
    try:
        yield {"port": port, "process": process, "log": tmp / "server.log", "env": env}
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_make_run_serves_with_config_server_and_make_dev_with_the_reloader():
    run = MAKEFILE[MAKEFILE.index("\nrun:") : MAKEFILE.index("\ndev:")]
    dev = MAKEFILE[MAKEFILE.index("\ndev:") : MAKEFILE.index("\nlint:")]
    assert f'exec $(PY) {SERVE} "$(HOST)" --port "$(PORT)"' in run
    assert "$(RUN_ENV)" in run and "collectstatic" in run
    assert "runserver" not in run
    assert 'exec $(PY) manage.py runserver "$(HOST):$(PORT)"' in dev
    assert "--noreload" not in dev


def test_make_run_has_debug_off_a_kept_secret_key_and_its_host_allowed(tmp_path):
    env = make_run_environment(tmp_path, ANY_HOST)
    assert env["DEBUG"] == "0"
    assert "SECRET_KEY" not in env  # only the file's name: the key is in no process's environment
    key = Path(env["SECRET_KEY_FILE"])
    secret = key.read_text().strip()
    assert len(secret) >= 50
    assert key.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert make_run_environment(tmp_path, ANY_HOST)["SECRET_KEY_FILE"] == str(key)
    assert key.read_text().strip() == secret  # kept for the next start, not made anew
    assert env["ALLOWED_HOSTS"].split(",")[0] == ANY_HOST
    assert {"localhost", "127.0.0.1"} <= set(env["ALLOWED_HOSTS"].split(","))
    # /wmts's MapProxy asks the server itself for the tiles it has not cached yet
    assert env["MAPPROXY_SOURCE_URL"] == f"http://{ANY_HOST}:8000"
    # plain HTTP: cookies without the Secure flag, or sign-in would fail on any other host
    assert env["SESSION_COOKIE_SECURE"] == env["CSRF_COOKIE_SECURE"] == "0"
    assert (ROOT / ".gitignore").read_text().splitlines().count(".secret-key") == 1
    assert ".secret-key" in (ROOT / ".dockerignore").read_text().split()


def test_it_answers_health_and_a_page(server):
    status, headers, body = get(server["port"], "/health")
    assert (status, json.loads(body)["status"]) == (200, "ok")
    status, headers, body = get(server["port"], "/karte/datenschutz/")
    assert status == 200, body[:500]
    assert headers["content-type"].startswith("text/html")
    assert b"<html" in body


def test_it_keeps_the_connection_alive_between_requests(server):
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=90)
    try:
        local_ports = []
        for path in ("/health", "/tiles/quartiere.json", "/health"):
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert (response.getheader("Connection") or "").lower() != "close"
            assert not response.will_close
            local_ports.append(conn.sock.getsockname()[1])
        assert len(set(local_ports)) == 1, local_ports  # one TCP connection for all three
    finally:
        conn.close()


def test_static_files_are_hashed_compressed_and_cached_for_a_year(server):
    status, _, page = get(server["port"], "/nirgends/")
    assert status == 404
    stylesheet = re.search(rb'href="(/static/css/error-pages\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, page[:2000]
    status, headers, body = get(server["port"], stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    cache = headers["cache-control"]
    assert "immutable" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600


def test_debug_is_off_errors_are_the_projects_own_pages(server):
    status, headers, body = get(server["port"], "/nirgends/", **{"Accept-Language": "de"})
    assert status == 404
    assert "<h1>Seite nicht gefunden</h1>" in body.decode()
    assert b"URLconf" not in body and b"Traceback" not in body and b"DEBUG = True" not in body
    # an unknown Host is refused (ALLOWED_HOSTS is enforced), without Django's debug page
    status, _, body = get(server["port"], "/health", Host="attacker.example")
    assert status == 400
    assert b"DisallowedHost" not in body and b"Traceback" not in body


def test_the_process_environment_stays_out_of_the_requests():
    # granian merges its process environment into every request's environ; config.server takes it out
    # again (a settings value in request.META would be one error report away from a log or a mail)
    import config.server

    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return [b""]

    environ = {"QA_PROCESS_ONLY": "process-only-value-7d1c", "HTTP_PROXY": "http://proxy.invalid",
               "HTTP_HOST": "atlas.example", "PATH_INFO": "/", "HTTP_ACCEPT": "x"}  # fmt: skip
    process = {"QA_PROCESS_ONLY": "process-only-value-7d1c", "HTTP_PROXY": "http://proxy.invalid",
               "HTTP_ACCEPT": "*/*", "PATH_INFO": "/elsewhere"}  # fmt: skip
    config.server.without_process_environment(app, process)(environ, None)
    # the process's own keys are gone; a header the request really sent (Accept) and what the
    # server sets (PATH_INFO) stay, even where the process environment has the same name
    assert seen == {"HTTP_HOST": "atlas.example", "PATH_INFO": "/", "HTTP_ACCEPT": "x"}
    # and what granian loads is that wrapper around Django's application
    assert config.server.TARGET == "config.server:application"
    assert config.server.application.__qualname__ == "without_process_environment.<locals>.application"


def test_maps_are_drawn_by_several_threads_at_once(server):
    # 2 workers × 4 threads: 16 GetMaps at once share each worker's Mapnik datasources and pool
    def getmap(_):
        status, headers, body = get(server["port"], GETMAP)
        return status, headers.get("content-type"), body[:8]

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(getmap, range(16)))
    assert answers == [(200, "image/png", b"\x89PNG\r\n\x1a\n")] * 16
    deadline = time.monotonic() + 10  # granian writes an access line once the answer is sent
    while (log := server["log"].read_text()).count(
        "GET /ows?SERVICE=WMS"
    ) < 16 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "WMS render failed" not in log and "Null connection" not in log and "[ERROR]" not in log
    assert log.count("GET /ows?SERVICE=WMS") == 16  # the access log: a line per request


def test_a_graceful_reload_keeps_serving(server):
    # `systemctl reload` (HUP): new workers start, each old one finishes its requests and leaves once
    # its successor listens (config.server.Server; on a busy machine a worker takes seconds to start)
    before = set(workers(server["process"].pid))
    assert len(before) == 2
    os.kill(server["process"].pid, signal.SIGHUP)
    deadline = time.monotonic() + 60
    answered = []
    while time.monotonic() < deadline:
        answered.append(get(server["port"], "/health")[0])
        now = set(workers(server["process"].pid))
        if len(now) == 2 and not now & before:
            break
        time.sleep(0.2)
    assert not set(workers(server["process"].pid)) & before, "the workers were not replaced"
    assert set(answered) == {200}


ITEMS = "/ogc/collections/quartiere/items?limit=1"


def server_sessions(database: str) -> set[int]:
    """The server's sessions on the test database (every other one but this test's own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the test's transaction would keep the first
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'"
            " AND pid <> pg_backend_pid()",
            [database],
        )
        return {pid for (pid,) in cursor.fetchall()}


@pytest.mark.django_db
def test_threads_the_server_ends_close_their_database_sessions(server):
    # granian ends a thread that went SERVER_THREAD_IDLE (5 s here) without a request, all but the one
    # each worker keeps, and starts new ones for the next burst; the ended threads' sessions used to
    # stay open, a set more after every burst
    database = connection.settings_dict["NAME"]
    kept = int(server["env"].get("WEB_CONCURRENCY", "2"))  # a thread per worker stays

    def burst() -> set[int]:
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda _: get(server["port"], ITEMS)[0], range(48)))
        assert statuses == [200] * 48
        return server_sessions(database)

    def after_idle() -> set[int]:
        deadline = time.monotonic() + 30
        while len(now := server_sessions(database)) > kept and time.monotonic() < deadline:
            time.sleep(0.5)
        return now

    first = burst()
    assert len(first) > kept, first  # more threads answered than stay, each with its own session
    idle = after_idle()
    assert len(idle) <= kept, f"{len(idle)} sessions left of {len(first)}: the ended threads' stayed open"
    second = burst()
    assert second - first, "the second burst ran on new threads, with new sessions"
    assert len(after_idle()) <= kept


def thread_sessions(remember: bool, threads: int = 3) -> list[int]:
    """The backend pids of ``threads`` Python threads that each read through their own connection and
    ended (having handed their connections to ``ThreadConnections`` when ``remember``)."""
    from django.db import connections

    from config.server import ThreadConnections

    pids = []

    def work() -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
        if remember:
            ThreadConnections.remember()

    for _ in range(threads):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    return pids


def still_open(pids: list[int], wait: float = 0) -> list[int]:
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
            found = sorted(pid for (pid,) in cursor.fetchall())
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_thread_that_ends_closes_the_database_sessions_it_handed_over():
    gc.disable()  # no full collection may close them in between
    try:
        leaked = thread_sessions(remember=False)
        assert still_open(leaked) == sorted(leaked)  # Django's wrappers outlive their thread in cycles
        assert still_open(thread_sessions(remember=True), wait=10) == []
    finally:
        gc.enable()
        gc.collect()
    assert still_open(leaked, wait=10) == []


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()]


def test_the_config_keeps_connections_alive_with_threaded_workers():
    from granian.constants import Interfaces

    from config.server import options

    settings = options({})
    assert settings["interface"] == Interfaces.WSGI and settings["target"] == "config.server:application"
    assert (settings["workers"], settings["blocking_threads"]) == (2, 4)
    http1 = settings["http1_settings"]
    # an idle connection stays 60 s, longer than nginx's upstream keepalive_timeout of 55 s
    # (docs/operations.md): the proxy, not the server, closes idle ones
    assert http1.keep_alive is True and http1.header_read_timeout == 60_000
    assert settings["respawn_failed_workers"] is True  # a worker that dies is replaced
    assert settings["workers_kill_timeout"] == 35  # above the 30 s statement timeout
    assert settings["workers_max_rss"] is None
    assert settings["log_access"] is True


def test_the_environment_sizes_the_server(tmp_path):
    from config.server import options

    settings = options(
        {
            "WEB_CONCURRENCY": "5",
            "SERVER_THREADS": "2",
            "SERVER_KEEPALIVE": "5",
            "SERVER_MAX_RSS": "900",
            "SERVER_STOP_TIMEOUT": "90",
            "SERVER_THREAD_IDLE": "120",
            "SERVER_ACCESS_LOG": str(tmp_path / "access.log"),
        }
    )
    assert (settings["workers"], settings["blocking_threads"]) == (5, 2)
    assert settings["blocking_threads_idle_timeout"] == 120
    assert options({})["blocking_threads_idle_timeout"] == 30
    assert settings["http1_settings"].header_read_timeout == 5_000
    assert (settings["workers_max_rss"], settings["workers_kill_timeout"]) == (900, 90)
    handler = settings["log_dictconfig"]["handlers"]["access"]
    assert (handler["class"], handler["filename"]) == ("logging.FileHandler", str(tmp_path / "access.log"))
    assert options({"SERVER_ACCESS_LOG": "off"})["log_access"] is False
    with pytest.raises(SystemExit, match="SERVER_KEEPALIVE: 61 is not between 1 and 60"):
        options({"SERVER_KEEPALIVE": "61"})
    with pytest.raises(SystemExit, match="SERVER_THREAD_IDLE: 4 is not between 5 and 600 seconds"):
        options({"SERVER_THREAD_IDLE": "4"})
    with pytest.raises(SystemExit, match="SERVER_THREADS: 'vier' is not a whole number"):
        options({"SERVER_THREADS": "vier"})
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY: '-2' is not a whole number"):
        options({"WEB_CONCURRENCY": "-2"})
    with pytest.raises(SystemExit, match="SERVER_MALLOC_MIB: 64 is above glibc's limit of 32 MiB"):
        options({"SERVER_MALLOC_MIB": "64"})


FAULTS = """
import resource, sys
from config.server import malloc_mib, tune_malloc
applied = tune_malloc(malloc_mib())

def faults():  # minor page faults while 4 MiB buffers are made, copied and freed 20 times
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        image = bytearray(4 << 20)
        copy = bytes(image)
        del image, copy
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults()  # the first round may grow the heap
print(applied, faults())
"""


@pytest.mark.parametrize("mib", ["32", "0"])
def test_a_worker_reuses_the_heap_for_a_maps_buffers_instead_of_faulting_in_new_pages(mib):
    """``SERVER_MALLOC_MIB`` (config.server.tune_malloc, applied in every worker): 4 MiB blocks come from
    glibc's heap again and again; with 0 (glibc's defaults) each is mapped and faulted in anew."""
    env = {**os.environ, "SERVER_MALLOC_MIB": mib}
    done = subprocess.run(
        [sys.executable, "-c", FAULTS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    applied, faults = done.stdout.split()
    pages = 20 * 2 * (4 << 20) // resource.getpagesize()  # every page of every buffer
    if mib == "0":
        assert applied == "False" and int(faults) > pages // 2
    else:
        assert applied == "True" and int(faults) < pages // 100


def test_a_successor_counts_as_started_once_it_listens():
    from config.server import listening

    with socket.socket() as bound, socket.socket() as server:
        bound.bind(("127.0.0.1", 0))  # bound, not listening
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert listening(os.getpid(), server.getsockname()[1])
        assert not listening(os.getpid(), bound.getsockname()[1])
    assert not listening(2**22 + 7, 8000)  # no such process


def test_a_stop_while_the_workers_still_load_ends_the_server_at_once(tmp_path):
    """Stopped while its workers still load Django (a stop right after a start or a reload), the
    server ends within seconds, not after the stop timeout (35 s) that kills a worker which missed
    the stop."""
    port = free_port()
    env = make_run_environment(tmp_path, "127.0.0.1", port)
    env.update(DATABASE_URL=os.environ.get("DATABASE_URL") or (ROOT / ".devdb-url").read_text().strip())
    env.update(STATIC_ROOT=str(tmp_path / "static"), PYTHONUNBUFFERED="1", SERVER_STOP_TIMEOUT="35")
    log = tmp_path / "server.log"
    command = [sys.executable, *SERVE.split(), "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while "Spawning worker-2" not in log.read_text():
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.01)
            process.send_signal(signal.SIGTERM)  # the workers are importing Django now
            stopped = time.monotonic()
            process.wait(timeout=60)
            took = time.monotonic() - stopped
        finally:
            process.kill()
            process.wait()
    assert "Started worker" not in log.read_text()  # it was stopped while loading indeed
    assert took < 10, (took, log.read_text())
