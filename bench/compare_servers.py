"""Which WSGI server: `wrk` against gunicorn `sync`, gunicorn `gthread` and granian (ours) on the demo.

``python -m bench.compare_servers [--seconds 5] [--rounds 3] [--servers sync,gthread,granian]`` with the
demo loaded (`make run` or `manage.py load_demo`) in the database of ``DATABASE_URL`` (or the private
cluster). Every server runs with 2 workers at once on its own loopback port, `DEBUG` off; `wrk` (8
connections) asks each in turn — rounds alternate the order — for z14 tiles, an OGC items page of a
1 km box and a GetMap 512², with keep-alive and with `Connection: close`. Printed per run and as a
Markdown table of medians: requests/s, p50 and p99 latency (ms), errors, and the **CPU time per request**
of the server's processes (user + system from ``/proc``, without the database), which other load on a
shared machine leaves intact where it compresses requests/s. granian runs as ``make run`` starts it
(``python -m config.server``); gunicorn (a test dependency) with its own options, its log dropped. Not
a ``@benchmark``: it has no floor; docs/operations.md ("The server") records its figures.
"""

import argparse
import http.client
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_paths() -> dict[str, list[str]]:
    """Nine z14 tiles around Ludwigsburg's centre, an items page of a 1 km box, a GetMap 512² of 4 km."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    lon, lat = 9.1956, 48.8997
    n = 2**14
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 25832) p",
            [lon, lat],
        )
        e, north = cursor.fetchone()
    connection.close()
    h = 2048
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    view = f"{e - h:.0f},{north - h:.0f},{e + h:.0f},{north + h:.0f}"
    return {
        "tile": [f"/tiles/quartiere/14/{x + dx}/{y + dy}.mvt" for dx in (-1, 0, 1) for dy in (-1, 0, 1)],
        "items": [f"/ogc/collections/quartiere/items?limit=100&bbox={box}"],
        "getmap": [
            "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=quartiere,measures&STYLES=&CRS=EPSG:25832"
            f"&BBOX={view}&WIDTH=512&HEIGHT=512&FORMAT=image/png"
        ],
    }


def commands(port: int) -> dict[str, tuple[list[str], dict[str, str]]]:
    """The servers compared: gunicorn's two worker types (a test dependency, no longer ours; no
    PrivateLogger: its log is dropped) and ours as ``make run`` starts it (granian, config/server.py)."""
    gunicorn = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--keep-alive", "65", "--access-logfile", "/dev/null",
    ]  # fmt: skip
    return {
        "sync": ([*gunicorn, "--worker-class", "sync"], {}),
        "gthread": ([*gunicorn, "--worker-class", "gthread", "--threads", "4"], {}),
        "granian": (
            [sys.executable, "-m", "config.server", "--host", "127.0.0.1", "--port", str(port)],
            {"WEB_CONCURRENCY": "2", "SERVER_THREADS": "4", "SERVER_ACCESS_LOG": "/dev/null"},
        ),
    }


def wrk(port: int, paths: list[str], seconds: int, close: bool) -> dict:
    from bench.wms import WRK_SCRIPT  # after django.setup(): the WMS benchmark's Lua script for wrk

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ("{" + ", ".join(json.dumps(p) for p in paths) + "}"))
    command = ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "--timeout", "30s", "-s", script.name]
    if close:
        command += ["-H", "Connection: close"]
    try:
        done = subprocess.run(
            [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True
        )
    finally:
        os.unlink(script.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def group_pids(leader: int) -> list[int]:
    done = subprocess.run(["pgrep", "-g", str(leader)], capture_output=True, text=True)
    return [int(pid) for pid in done.stdout.split()]


def cpu_seconds(leader: int) -> float:
    ticks = 0
    for pid in group_pids(leader):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def memory(leader: int) -> list[tuple[int, int]]:
    """(PSS, RSS) in MiB of each process of the server."""
    found = []
    for pid in group_pids(leader):
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in lines}
        found.append((fields["Pss"] // 1024, fields["Rss"] // 1024))
    return found


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server on port {port} did not answer /health")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_servers")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", default="sync,gthread,granian")
    args = parser.parse_args()
    names = args.servers.split(",")
    paths = demo_paths()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "compare-servers-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    ports, processes = {}, {}
    try:
        for name in names:
            ports[name] = free_port()
            command, extra = commands(ports[name])[name]
            processes[name] = subprocess.Popen(
                command, env={**env, **extra}, cwd=ROOT, start_new_session=True
            )
        for name in names:
            wait_for(ports[name], processes[name])
            for service in paths.values():
                wrk(ports[name], service, 2, False)  # warm every worker
        results: dict[tuple[str, str, str], list[dict]] = {}
        for service, service_paths in paths.items():
            for close in (False, True):
                for r in range(args.rounds):
                    for name in names if r % 2 == 0 else names[::-1]:
                        before = cpu_seconds(processes[name].pid)
                        result = wrk(ports[name], service_paths, args.seconds, close)
                        result["cpu_ms"] = (
                            (cpu_seconds(processes[name].pid) - before) * 1000 / max(result["requests"], 1)
                        )
                        mode = "close" if close else "keep-alive"
                        results.setdefault((name, service, mode), []).append(result)
                        rate = result["requests"] / result["seconds"]
                        print(
                            f"{name:8} {service:7} {mode:10} {rate:8.1f} req/s p50 {result['p50']:7.1f} "
                            f"p99 {result['p99']:7.1f} ms, CPU {result['cpu_ms']:.2f} ms/req, "
                            f"errors {result['errors'] + result['non2xx']}",
                            flush=True,
                        )
        for name in names:
            print(f"{name}: memory (PSS, RSS MiB) per process after the runs: {memory(processes[name].pid)}")
    finally:
        for process in processes.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=60)
    print("\n| server | service | connection | req/s | p50 ms | p99 ms | CPU ms/req | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (name, service, mode), runs in results.items():
        rps = statistics.median(r["requests"] / r["seconds"] for r in runs)
        p50, p99 = statistics.median(r["p50"] for r in runs), statistics.median(r["p99"] for r in runs)
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        errors = sum(r["errors"] + r["non2xx"] for r in runs)
        print(f"| {name} | {service} | {mode} | {rps:.0f} | {p50:.1f} | {p99:.1f} | {cpu:.2f} | {errors} |")
    print(f"\nload average now: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
