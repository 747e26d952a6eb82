"""The servers of the WMS benchmark (``bench/wms.py``), both on loopback with the same number of
processes: ours as `make run` serves it (granian), and the peer, MapServer 8 (Debian's ``mapserv``) as
FastCGI under lighttpd, configured from the templates beside this file with the same tables and an
equivalent style.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from string import Template
from typing import IO
from urllib.parse import quote

from django.db import connection

from geo.layers import Style

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROCESSES = 3  # our server's workers and MapServer's FastCGI processes (2 cores here)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    )
    host = quote(db.get("HOST") or "", safe="")
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def libpq_connection() -> str:
    db = connection.settings_dict
    parts = {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "dbname": db["NAME"],
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def wait_for(port: int, path: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path} in {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """End the server and every process of its group (lighttpd's FastCGI children ignore SIGTERM
    while they wait for a request, and would keep the port's socket and our stdout open)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    time.sleep(0.2)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


class Port(int):
    """A server's port on loopback, with the process id of the server (its master)."""

    pid: int

    def __new__(cls, port: int, pid: int) -> "Port":
        self = super().__new__(cls, port)
        self.pid = pid
        return self


def workers(pid: int) -> list[int]:
    """The child processes of ``pid`` (our server's workers, lighttpd's FastCGI processes)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def pss_mib(pid: int) -> float:
    """The proportional set size of process ``pid`` (shared pages split between their users), MiB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no Pss in /proc/{pid}/smaps_rollup")


def service_env(extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of our server in a benchmark: the benchmark database, ``DEBUG`` off, a fixed
    secret key (no ``.secret-key`` file is written), loopback hosts; ``extra_env`` on top."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-never-used-elsewhere-0123456789abcdefghijkl",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONWARNINGS": "ignore:No directory at",  # whitenoise: the services need no collected static files
        **(extra_env or {}),
    }


@contextmanager
def serve(
    command: list[str],
    env: dict[str, str],
    port: int,
    *,
    ready: str = "/health",
    cwd: Path = ROOT,
    stderr: IO[bytes] | None = None,
) -> Iterator[Port]:
    """Run ``command`` (a server listening on ``port``) in its own process group until the block ends;
    it is up once ``GET ready`` answers (below 500). ``stderr``: where its messages go (else ours)."""
    process = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True, stderr=stderr)
    try:
        wait_for(port, ready, process)
        yield Port(port, process.pid)
    finally:
        stop(process)


@contextmanager
def our_server(extra_env: dict[str, str] | None = None, *, log_dir: Path | None = None) -> Iterator[Port]:
    """Our service as ``make run`` serves it: ``python -m config.server`` (granian: keep-alive, threads,
    the redacting access log), ``PROCESSES`` workers, on loopback. The access log goes to
    ``log_dir``/access.log when given, else to ``/dev/null`` (it is still formatted and redacted).
    ``extra_env``: more settings, such as ``DATABASE_REPLICA_URLS``."""
    port = free_port()
    access = str(log_dir / "access.log") if log_dir else os.devnull
    env = service_env({"WEB_CONCURRENCY": str(PROCESSES), "SERVER_ACCESS_LOG": access, **(extra_env or {})})
    command = [sys.executable, "-m", "config.server", "--host", "127.0.0.1", "--port", str(port)]
    with (
        open(log_dir / "error.log" if log_dir else os.devnull, "wb") as errors,
        serve(command, env, port, stderr=errors) as served,
    ):
        yield served


def measures_layers(style: Style) -> str:
    """The measures in MapServer: one layer per geometry kind (polygons, lines, points), a class per
    status with the colours of the registered style, grouped as ``measures``."""
    from geo.wms.styles import darker

    kinds = (("POLYGON", 2), ("LINE", 1), ("POINT", 0))
    blocks = []
    for kind, dimension in kinds:
        classes = []
        for rule in style.rules:
            r, g, b = (int(rule.colour[i : i + 2], 16) for i in (1, 3, 5))
            if kind == "POLYGON":
                dr, dg, db = (int(darker(rule.colour, 0.75)[i : i + 2], 16) for i in (1, 3, 5))
                body = (
                    f"STYLE COLOR {r} {g} {b} OPACITY {round(style.fill_opacity * 100)} END "
                    f"STYLE OUTLINECOLOR {dr} {dg} {db} WIDTH {style.stroke_width} END"
                )
            elif kind == "LINE":
                width = style.stroke_width + 1.5
                body = (
                    f"STYLE COLOR 255 255 255 WIDTH {width + 2} OPACITY 80 LINECAP ROUND END "
                    f"STYLE COLOR {r} {g} {b} WIDTH {width} LINECAP ROUND END"
                )
            else:
                body = (
                    f'STYLE SYMBOL "circle" SIZE {style.point_size} COLOR {r} {g} {b} '
                    "OUTLINECOLOR 255 255 255 WIDTH 1.5 END"
                )
            classes.append(f"CLASS EXPRESSION ('[status]' = '{rule.value}') {body} END")
        sql = (
            "SELECT m.id, m.geom, m.status FROM measures_measure AS m WHERE m.published "
            f"AND m.geom IS NOT NULL AND ST_Dimension(m.geom) = {dimension}"
        )
        blocks.append(
            f'  LAYER NAME "measures_{kind.lower()}" GROUP "measures" TYPE {kind} STATUS ON\n'
            '    CONNECTIONTYPE POSTGIS CONNECTION "${connection}"\n'
            '    PROCESSING "CLOSE_CONNECTION=DEFER"\n'  # FastCGI: keep the connection, as deployed
            f'    DATA "geom FROM ({sql}) AS m USING UNIQUE id USING SRID=25832"\n'
            '    PROJECTION "init=epsg:25832" END\n'
            # an EXPRESSION in parentheses runs to the end of its line
            + "".join(f"    {block}\n" for block in classes)
            + "  END"
        )
    symbol = '  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END'
    return symbol + "\n" + "\n".join(blocks)


@contextmanager
def mapserver() -> Iterator[Port]:
    """MapServer 8 as FastCGI under lighttpd on loopback, reading the benchmark database."""
    from geo import layers as registry

    if not (shutil.which("lighttpd") and Path("/usr/lib/cgi-bin/mapserv").exists()):
        raise RuntimeError(
            "MapServer peer missing: scripts/install-system-packages mapserver-bin cgi-mapserver lighttpd"
        )
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="qa-mapserver-") as root:
        fontset = Path(root, "fonts.txt")
        fontset.write_text("dejavu /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\n")
        mapfile = Path(root, "wms.map")
        template = (HERE / "wms.map.template").read_text()
        template = template.replace("${measures}", measures_layers(registry.get("measures").default_style))
        mapfile.write_text(
            Template(template).substitute(
                fontset=fontset,
                connection=libpq_connection(),
                online_resource=f"http://127.0.0.1:{port}/mapserv?",
                ogc_resource=f"http://127.0.0.1:{port}/mapserv/bench/ogcapi",
            )
        )
        config = Path(root, "mapserver.conf")
        config.write_text(
            Template((HERE / "mapserver.conf.template").read_text()).substitute(mapfile=mapfile)
        )
        lighttpd_conf = Path(root, "lighttpd.conf")
        lighttpd_conf.write_text(
            Template((HERE / "lighttpd.conf.template").read_text()).substitute(
                root=root, port=port, processes=PROCESSES, config=config
            )
        )
        process = subprocess.Popen(["lighttpd", "-D", "-f", str(lighttpd_conf)], start_new_session=True)
        try:
            wait_for(port, "/mapserv?SERVICE=WMS&REQUEST=GetCapabilities", process)
            yield Port(port, process.pid)
        finally:
            stop(process)
