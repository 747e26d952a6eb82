"""The server people run: granian's WSGI server, configured in one place.

    python -m config.server [--host 127.0.0.1] [--port 8000]

``make run``, the container (docker/entrypoint.sh) and the systemd unit of docs/operations.md all start
the service this way. granian parses HTTP and keeps connections alive in Rust; each worker is a process
whose threads run the Django application (``config.wsgi``), so one process answers other requests
while some wait for PostgreSQL or Mapnik. Chosen by measurement over gunicorn's ``gthread`` workers
(docs/operations.md, "The server": the same work for ≈0.6 ms less per request, which is a third of a
vector tile's time).

The environment sizes it (defaults in brackets):

- ``WEB_CONCURRENCY`` worker processes [2]; ``SERVER_THREADS`` threads per worker running the
  application [4]. Every thread keeps its own database connection (Django's are per thread) and each
  worker's Mapnik pool holds up to 4 more: PostgreSQL sees up to workers × (threads + 4).
- ``SERVER_KEEPALIVE`` seconds an idle keep-alive connection stays open, at most 60 [60]; behind nginx
  keep its upstream ``keepalive_timeout`` below it (docs/operations.md: 55 s), so the proxy closes first.
- ``SERVER_MAX_RSS`` MiB: a worker above it (three samples 30 s apart) is replaced gracefully [0: never].
- ``SERVER_ACCESS_LOG``: ``-`` standard output [default], a file's path, or ``off``.
- ``SERVER_STOP_TIMEOUT`` seconds a stopping or reloaded worker has to finish its requests before it is
  killed [35: above the 30 s statement timeout].
- ``SERVER_MALLOC_MIB``: glibc's malloc serves blocks up to this many MiB from its heap instead of
  mapping fresh pages for each, and keeps up to twice that free at the heap's top [32, glibc's upper
  limit; 0: glibc's defaults]. A 1024² map's image is 4 MiB; mapped anew for every copy, its pages were
  faulted in one by one on every request (``tune_malloc``).

Signals: ``TERM``/``INT`` stop gracefully; ``HUP`` replaces the workers one after the other (a reload:
``systemctl reload``): each old worker is stopped only once its successor listens (``Server``; granian
itself waits a fixed 3.5 s, less than a worker's start on a busy machine, and connections were refused
in between). A worker that dies is replaced.

Logs (``config.logs``): the access line is time, request line, status and duration — no client
address, no referer, no user agent — and every line of the access and error log is redacted (deletion
links, secret-looking query parameters, addresses). granian hands the WSGI application its own process
environment merged into every request's ``environ``; ``application`` below takes it out again, so no
setting (``DATABASE_URL``, ``SECRET_KEY_FILE`` …) can turn up in ``request.META``.
"""

import argparse
import ctypes
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from config.logs import redact

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 120  # a new worker not listening by then: its predecessor is stopped anyway
TARGET = "config.server:application"
# the atoms AccessLine reads (granian's format; the address it also offers is never printed)
ACCESS_ATOMS = "%(time)s %(method)s %(path)s %(query_string)s %(protocol)s %(status)s %(dt_ms)s"
THREAD_IDLE_S = (5, 600)  # granian's limits for blocking_threads_idle_timeout
MAX_KEEPALIVE_S = 60  # granian's limit (its idle timeout is the time allowed to read the next request's head)
# what granian sets itself for every request, whatever the process environment holds
SERVER_KEYS = frozenset(
    {
        "GATEWAY_INTERFACE",
        "SCRIPT_NAME",
        "SERVER_SOFTWARE",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REQUEST_METHOD",
        "PATH_INFO",
        "QUERY_STRING",
    }
)


def _number(environ: dict[str, str], name: str, default: int) -> int:
    """The whole number ``environ[name]`` (``default`` when unset or empty); anything else stops the
    server at its start with a message naming the variable."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise SystemExit(f"{name}: {value[:40]!r} is not a whole number")
    return int(value)


# mallopt(3) parameters (glibc's malloc.h) and the largest threshold glibc accepts on 64-bit systems
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MAX_MALLOC_MIB = 32


def malloc_mib(environ: dict[str, str] | None = None) -> int:
    """``SERVER_MALLOC_MIB``, checked (0–32)."""
    mib = _number(dict(os.environ if environ is None else environ), "SERVER_MALLOC_MIB", MAX_MALLOC_MIB)
    if mib > MAX_MALLOC_MIB:
        raise SystemExit(f"SERVER_MALLOC_MIB: {mib} is above glibc's limit of {MAX_MALLOC_MIB} MiB")
    return mib


def tune_malloc(mib: int) -> bool:
    """Let glibc's malloc serve blocks up to ``mib`` MiB from its heap and keep 2 × ``mib`` MiB free at
    its top. By default it maps blocks from 128 KiB up anew and returns them on ``free``: each 4 MiB
    buffer of a 1024² map (Mapnik's image, its bytes, the PNG writer's) was faulted in page by page on
    every request — measured in-process on a 2 km GetMap: encoding 12.3 → 4.5 ms. Whether it was
    applied (False with ``mib`` 0 or without glibc)."""
    if mib <= 0:
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, mib << 20)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * mib << 20))


def options(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """granian's settings (``granian.server.Server``'s keyword arguments) from the environment."""
    environ = dict(os.environ if environ is None else environ)
    keepalive = _number(environ, "SERVER_KEEPALIVE", MAX_KEEPALIVE_S)
    if not 1 <= keepalive <= MAX_KEEPALIVE_S:
        raise SystemExit(f"SERVER_KEEPALIVE: {keepalive} is not between 1 and {MAX_KEEPALIVE_S} seconds")
    idle = _number(environ, "SERVER_THREAD_IDLE", 30)
    if not THREAD_IDLE_S[0] <= idle <= THREAD_IDLE_S[1]:
        raise SystemExit(
            f"SERVER_THREAD_IDLE: {idle} is not between {THREAD_IDLE_S[0]} and {THREAD_IDLE_S[1]} seconds"
        )
    max_rss = _number(environ, "SERVER_MAX_RSS", 0)
    malloc_mib(environ)  # checked here, at the start; each worker applies it (_load)
    access = environ.get("SERVER_ACCESS_LOG", "-").strip() or "-"
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    return {
        "target": TARGET,
        "interface": Interfaces.WSGI,
        "http": HTTPModes.http1,
        "websockets": False,
        "workers": _number(environ, "WEB_CONCURRENCY", 2),
        "blocking_threads": _number(environ, "SERVER_THREADS", 4),
        "blocking_threads_idle_timeout": idle,
        "http1_settings": HTTP1Settings(header_read_timeout=keepalive * 1000, keep_alive=True),
        "respawn_failed_workers": True,
        "workers_kill_timeout": _number(environ, "SERVER_STOP_TIMEOUT", 35),
        "workers_max_rss": max_rss or None,
        "rss_samples": 3,
        "log_enabled": True,
        "log_access": access != "off",
        "log_access_format": ACCESS_ATOMS,
        "log_dictconfig": logging_config(access),
        "working_dir": ROOT,
        "respawn_interval": 0,  # Server waits for the successor to listen instead
    }


def logging_config(access: str = "-") -> dict[str, Any]:
    """granian's logging: its messages on standard error, the access log where ``access`` says; every
    handler redacts (``config.logs.RedactFilter``)."""
    if access in ("-", "off"):
        access_handler: dict[str, Any] = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    else:
        access_handler = {"class": "logging.FileHandler", "filename": access}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "config.logs.RedactFilter"}, "access": {"()": f"{__name__}.AccessLine"}},
        "formatters": {
            "generic": {"format": "[%(asctime)s] [%(levelname)s] %(message)s"},
            "access": {"format": "%(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "generic",
                "filters": ["redact"],
            },
            "access": {**access_handler, "formatter": "access", "filters": ["access"]},
        },
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


class AccessLine(logging.Filter):
    """granian's access record (its arguments: a dict of atoms) as our line, redacted:
    ``[time] "GET /path?query HTTP/1.1" 200 3.1ms`` — no client address, whatever the format asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args if isinstance(record.args, dict) else None
        if atoms is None:  # not granian's access record: redacted as any other line
            record.msg, record.args = redact(record.getMessage()), None
            return True
        query = atoms.get("query_string") or ""
        target = f"{atoms.get('path', '')}?{query}" if query else f"{atoms.get('path', '')}"
        request = f"{atoms.get('method', '-')} {target} {atoms.get('protocol', '-')}"
        duration = float(atoms.get("dt_ms") or 0)
        record.msg = redact(
            f'[{atoms.get("time", "-")}] "{request}" {atoms.get("status", "-")} {duration:.1f}ms'
        )
        record.args = None
        return True


def without_process_environment(app: Callable, process: dict[str, str] | None = None) -> Callable:
    """``app`` called with the request's ``environ`` only: granian merges its whole process environment
    into every ``environ`` (the request's keys win); those keys are taken out again, unless the request
    set them to another value (a header ``Proxy`` while the process has ``HTTP_PROXY``)."""
    inherited = tuple(
        (key, value)
        for key, value in (os.environ if process is None else process).items()
        if key not in SERVER_KEYS
    )

    def application(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        for key, value in inherited:
            if environ.get(key) == value:
                del environ[key]
        return app(environ, start_response)

    return application


class ThreadConnections:
    """The database connections of one application thread, closed when the thread ends.

    granian ends a thread that went ``SERVER_THREAD_IDLE`` seconds without a request and starts new ones
    for the next burst. Django keeps a thread's connections in thread-local storage, which Python drops
    with the thread; but each connection wrapper references itself through its helpers (``ops``,
    ``features``, ``client`` …), so the wrappers, and their open sessions, outlived their thread until a
    full garbage collection, which a worker seldom runs: each burst after an idle spell left another set
    of sessions open on PostgreSQL (one server with 3 workers: 12 → 21 → 30 over three bursts). This
    object sits in the same thread-local storage, in no cycle: it is freed, and closes the sessions,
    the moment its thread ends.
    """

    _local = threading.local()

    def __init__(self) -> None:
        self.wrappers: tuple[Any, ...] = ()

    @classmethod
    def remember(cls, **_: Any) -> None:
        """``request_finished``: the connections this thread holds now are the ones to close with it."""
        from django.db import connections

        kept = getattr(cls._local, "kept", None)
        if kept is None:
            kept = cls._local.kept = cls()
        kept.wrappers = tuple(connections.all(initialized_only=True))

    def __del__(self) -> None:
        for wrapper in self.wrappers:
            session = wrapper.connection  # psycopg's: Django's own close() refuses another thread
            if session is not None:
                with suppress(Exception):
                    session.close()


def _load() -> Callable:
    tune_malloc(malloc_mib())  # in the worker: glibc's settings are per process
    from django.core.signals import request_finished

    from config.wsgi import application as django_application

    request_finished.connect(ThreadConnections.remember, dispatch_uid="config.server.ThreadConnections")
    warm_up()
    return without_process_environment(django_application)


def warm_up() -> None:
    """Import every URL module and view now, at the worker's start, not in its first request (which
    took ≈2 s: a replaced worker's first clients waited that long)."""
    from django.urls import get_resolver

    started = time.monotonic()
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and, through it, every view
    logging.getLogger(__name__).debug("URLconf loaded in %.1f s", time.monotonic() - started)


def __getattr__(name: str) -> Any:
    # granian imports ``config.server:application`` in each worker; the launcher itself never loads
    # Django (its workers are new processes)
    if name == "application":
        value = _load()
        globals()[name] = value
        return value
    raise AttributeError(name)


def listening(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a listening TCP socket on ``port`` (from /proc: its descriptors'
    socket inodes against the kernel's socket tables)."""
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    except OSError:  # gone
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                    return True
    return False


def server_class() -> type:
    """granian's process server, which replaces a worker (``HUP``, or one that died) by starting its
    successor, waiting a fixed ``respawn_interval`` and stopping it; here a successor started once the
    server runs is waited for until it listens (``listening``), at most ``START_TIMEOUT_S``. Each worker
    binds its own socket (``SO_REUSEPORT``), so a gap between the two was a refused connection."""
    from granian.server.mp import MPServer, WorkerProcess

    class Server(MPServer):
        running = False

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.launcher = os.getpid()

        def signal_handler_interrupt(self, signum: int, *args: Any, **kwargs: Any) -> None:
            # A worker is forked with this handler, which in the worker only sets a flag nobody reads
            # until granian gives it its own handlers, after loading Django: a worker told to stop
            # while it loaded went on to serve and sat out the stop timeout (35 s) before it was
            # killed. It serves nothing yet: it ends at once.
            if os.getpid() != self.launcher:
                os._exit(128 + signum)
            super().signal_handler_interrupt(signum, *args, **kwargs)

        def startup(self, *args: Any, **kwargs: Any) -> Any:
            result = super().startup(*args, **kwargs)
            self.running = True  # the first workers start together; successors are waited for
            return result

        def _spawn_worker(self, *args: Any, **kwargs: Any) -> WorkerProcess:
            worker = super()._spawn_worker(*args, **kwargs)
            if self.running:
                start, port = worker.start, self.bind_port

                def start_and_wait() -> None:
                    start()
                    deadline = time.monotonic() + START_TIMEOUT_S
                    while worker.is_alive() and not listening(worker._id(), port):
                        if time.monotonic() > deadline:
                            logging.getLogger("_granian").warning(
                                "worker-%s is not listening after %s s", worker.idx + 1, START_TIMEOUT_S
                            )
                            break
                        time.sleep(0.05)

                worker.start = start_and_wait  # type: ignore[method-assign]
            return worker

    return Server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m config.server", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on [127.0.0.1]")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on [8000]")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    server_class()(address=args.host, port=args.port, **options()).serve()


if __name__ == "__main__":
    main()
