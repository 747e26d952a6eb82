"""The benchmark framework: registry, timing, and the floors measured in the same run.

A benchmark is a function ``fn(ctx, n) -> list[Row]`` decorated with ``@benchmark(sizes=…)`` in a module
``bench/<area>.py``; the runner calls it once per size (``--sizes`` overrides the defaults), after
Django is set up on the benchmark database. It usually

1. makes sure its data is there (``bench.synth.ensure_*``),
2. builds a list of request URLs (the same samples for endpoint and floor),
3. captures the SQL each request runs (``capture_sql``) so that the floor replays exactly that
   statement with a bare cursor (``replay``),
4. times both with ``ctx.compare`` and returns ``Row``\\ s.
"""

import cProfile
import gc
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection


@dataclass
class Row:
    """One measured line: the endpoint's median time against the floor's, in milliseconds."""

    name: str
    n: int
    endpoint_ms: float
    floor_ms: float
    target: float | None  # the highest acceptable ratio endpoint/floor
    samples: int
    floor: str = "bare SQL"
    # the highest acceptable endpoint time at the largest size / at the smallest size
    scaling_target: float | None = None
    note: str = ""
    endpoint_p90_ms: float | None = None
    floor_p90_ms: float | None = None
    busy: float | None = None  # the largest share of the CPUs busy elsewhere just before a round
    # CPU time of the benchmark's thread plus the database backend: what the work costs, without the
    # waiting that other load on the machine adds to the wall clock
    endpoint_cpu_ms: float | None = None
    floor_cpu_ms: float | None = None

    @property
    def ratio(self) -> float:
        return self.endpoint_ms / self.floor_ms if self.floor_ms else float("inf")

    @property
    def cpu_ratio(self) -> float | None:
        if self.endpoint_cpu_ms is None or not self.floor_cpu_ms:
            return None
        return self.endpoint_cpu_ms / self.floor_cpu_ms

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target


@dataclass(frozen=True)
class Benchmark:
    module: str  # "areas" for bench/areas.py
    name: str  # the function's name
    fn: Callable[["Context", int], list[Row]]
    sizes: tuple[int, ...]
    doc: str

    @property
    def id(self) -> str:
        return f"{self.module}.{self.name}"


REGISTRY: dict[str, Benchmark] = {}


def benchmark(*, sizes: Sequence[int]) -> Callable:
    """Register ``fn(ctx, n) -> list[Row]`` as benchmark ``<module>.<fn name>``, run at ``sizes``."""

    def register(fn: Callable) -> Callable:
        module = fn.__module__.rsplit(".", 1)[-1]
        item = Benchmark(module, fn.__name__, fn, tuple(sizes), (fn.__doc__ or "").strip())
        REGISTRY[item.id] = item
        return fn

    return register


@dataclass
class Context:
    """What a benchmark gets from the runner: the repetition counts (smaller with ``--quick``), a Django
    test client (full middleware stack) and the timing helpers."""

    quick: bool = False
    profile: bool = False
    # before each round, wait until at most this share of the CPUs is busy elsewhere: up to
    # max_wait_round seconds, and up to wait_budget seconds in the whole run
    wait_idle: float | None = None
    max_wait_round: float = 60.0
    wait_budget: float = 600.0
    # run this process and its database backend at this nice level while timing (needs root); on a
    # shared machine it keeps other processes from stretching the wall clock
    nice: int | None = None
    seed: int = 20210126
    client: Any = None
    profiles: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.client is None:
            from django.test import Client

            self.client = Client()

    @property
    def samples(self) -> int:
        """Distinct requests per benchmark (random points, bboxes …)."""
        return 20 if self.quick else 100

    @property
    def rounds(self) -> int:
        """Passes over the samples; each pass times every sample once on each side."""
        return 1 if self.quick else 3

    @property
    def warmup(self) -> int:
        return 2 if self.quick else 5

    def serve(self, url: str) -> bytes:
        """GET ``url`` the way a WSGI server (granian) does: the project's WSGI application
        (``config.wsgi.application``: Django, public reads on their shorter middleware chain of
        ``geo.public``, with the request signals' connection bookkeeping and health checks) called with
        a WSGI environ, the whole body read; no socket and no test-client instrumentation. The environ
        is built by hand, as cheaply as a server builds it (``RequestFactory`` would add its own cost to
        the endpoint's time). Anything but 200 raises."""
        from io import BytesIO

        from config.wsgi import application

        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "testserver",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(b""),
            "wsgi.errors": BytesIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status: list[str] = []
        body_parts = application(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            body = b"".join(body_parts)
        finally:
            close = getattr(body_parts, "close", None)
            if close is not None:
                close()
        if not status or not status[0].startswith("200"):
            raise AssertionError(f"GET {url} → {status[:1]}: {body[:300]!r}")
        return body

    def get(self, url: str) -> bytes:
        """GET ``url`` through the test client and read the whole body; anything but 200 raises."""
        response = self.client.get(url)
        body = response.content if not response.streaming else b"".join(response.streaming_content)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} → {response.status_code}: {body[:300]!r}")
        return body

    def compare(
        self,
        name: str,
        n: int,
        samples: Sequence[Any],
        endpoint: Callable[[Any], Any],
        floor: Callable[[Any], Any],
        *,
        target: float | None,
        scaling_target: float | None = None,
        floor_label: str = "bare SQL",
        note: str = "",
    ) -> Row:
        """Time ``endpoint(sample)`` against ``floor(sample)`` over the same samples, interleaved (which side
        goes first alternates) so that drift and other load hit both alike; medians in ms."""
        for sample in samples[: self.warmup]:
            for _ in range(2):
                endpoint(sample)
                floor(sample)
        self.prioritise()
        timings = Timings()
        busy: float | None = None
        for r in range(self.rounds):
            now = self.settle()
            if now is not None:
                busy = max(busy or 0.0, now)
            timings += time_interleaved(samples, endpoint, floor, rounds=1, first_round=r)
        if self.profile:
            self.profiles.append(f"### {name} (N={n:,})\n\n" + profile_calls(endpoint, samples))
        complete_cpu = len(timings.cpu_a) == len(timings.wall_a) and len(timings.cpu_b) == len(timings.wall_b)
        return Row(
            name=name,
            n=n,
            endpoint_ms=statistics.median(timings.wall_a),
            floor_ms=statistics.median(timings.wall_b),
            target=target,
            samples=len(timings.wall_a),
            floor=floor_label,
            scaling_target=scaling_target,
            note=note,
            endpoint_p90_ms=percentile(timings.wall_a, 90),
            floor_p90_ms=percentile(timings.wall_b, 90),
            busy=busy,
            endpoint_cpu_ms=statistics.median(timings.cpu_a) if complete_cpu else None,
            floor_cpu_ms=statistics.median(timings.cpu_b) if complete_cpu else None,
        )

    def prioritise(self) -> None:
        """Give this process and the database backend of the default connection the ``nice`` level."""
        if self.nice is None:
            return
        connection.ensure_connection()
        for pid in (os.getpid(), connection.connection.info.backend_pid):
            try:
                if os.getpriority(os.PRIO_PROCESS, pid) != self.nice:
                    os.setpriority(os.PRIO_PROCESS, pid, self.nice)
            except OSError as error:
                print(f"  cannot renice {pid}: {error}; timing at normal priority", file=sys.stderr)
                self.nice = None
                return

    def settle(self) -> float | None:
        """The share of the CPUs busy with other work now; with ``wait_idle``, first wait until it is low."""
        busy = cpu_busy()
        if self.wait_idle is None or busy is None or busy <= self.wait_idle:
            return busy
        started = time.monotonic()
        deadline = started + min(self.max_wait_round, self.wait_budget)
        print(f"  waiting for idle CPUs (busy {busy:.0%}) …", end="", file=sys.stderr, flush=True)
        while busy > self.wait_idle and time.monotonic() < deadline:
            busy = cpu_busy(1.0)
        self.wait_budget = max(0.0, self.wait_budget - (time.monotonic() - started))
        print(f" {busy:.0%}", file=sys.stderr)
        return busy


def cpu_busy(interval: float = 0.5) -> float | None:
    """Share of all CPUs' time spent not idle during ``interval`` seconds (from /proc/stat); None elsewhere.
    This process sleeps meanwhile, so it measures everybody else."""

    def snapshot() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields[:8]), idle

    try:
        total0, idle0 = snapshot()
        time.sleep(interval)
        total1, idle1 = snapshot()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Timings:
    """Milliseconds per call of two functions timed alternately: wall clock, and CPU (this thread plus
    the database backend; empty when /proc is not readable)."""

    wall_a: list[float] = field(default_factory=list)
    wall_b: list[float] = field(default_factory=list)
    cpu_a: list[float] = field(default_factory=list)
    cpu_b: list[float] = field(default_factory=list)

    def __iadd__(self, other: "Timings") -> "Timings":
        for name in ("wall_a", "wall_b", "cpu_a", "cpu_b"):
            getattr(self, name).extend(getattr(other, name))
        return self


# the backends of further connections whose CPU time counts too: a benchmark that alternates between
# connections to two databases (bench.region_synth) adds theirs
EXTRA_BACKEND_PIDS: set[int] = set()


def backend_cpu_ns() -> Callable[[], int] | None:
    """A reader of the CPU time (ns) the database backend of the default connection (and those of
    ``EXTRA_BACKEND_PIDS``) have used so far (Linux ``/proc/<pid>/schedstat``; the server must run on
    this machine), or None."""
    connection.ensure_connection()
    pids = sorted({connection.connection.info.backend_pid, *EXTRA_BACKEND_PIDS})
    paths = [Path(f"/proc/{pid}/schedstat") for pid in pids]
    try:
        for path in paths:
            int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return lambda: sum(int(path.read_text().split()[0]) for path in paths)


def time_interleaved(
    samples: Sequence[Any],
    a: Callable[[Any], Any],
    b: Callable[[Any], Any],
    *,
    rounds: int,
    first_round: int = 0,
) -> Timings:
    """Time ``a(sample)`` and ``b(sample)`` for every sample, ``rounds`` times, alternating which goes first.
    CPU time counts this thread and the database backend, so it is not inflated by waiting for a CPU
    that other processes hold. The garbage collector runs between calls, not inside them."""
    timings = Timings()
    wall, thread_cpu, backend_cpu = time.perf_counter, time.thread_time_ns, backend_cpu_ns()
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for r in range(first_round, first_round + rounds):
            for i, sample in enumerate(samples):
                sides = [(a, timings.wall_a, timings.cpu_a), (b, timings.wall_b, timings.cpu_b)]
                for fn, walls, cpus in sides if (i + r) % 2 == 0 else reversed(sides):
                    backend0 = backend_cpu() if backend_cpu else 0
                    cpu0 = thread_cpu()
                    started = wall()
                    fn(sample)
                    walls.append((wall() - started) * 1000)
                    cpu = thread_cpu() - cpu0
                    if backend_cpu:
                        # the backend's figure is updated when it stops running: a tail of one call may
                        # count for the next; over many alternating calls that evens out
                        cpus.append((cpu + backend_cpu() - backend0) / 1e6)
                if i % 20 == 19:
                    gc.collect()
    finally:
        if gc_was_enabled:
            gc.enable()
    return timings


def profile_calls(fn: Callable[[Any], Any], samples: Sequence[Any], *, top: int = 25) -> str:
    """cProfile of ``fn`` over the samples: the functions with the most own time, and cumulative time.
    The clock is this thread's CPU time: it shows the Python work on top of the database's (waiting for
    the database, or for a CPU held by other processes, does not count)."""
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    for sample in samples:
        fn(sample)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return (
        "CPU time of the benchmark's thread, with cProfile's own overhead\n```\n"
        + out.getvalue().strip()
        + "\n```\n"
    )


# --- the floor: the endpoint's own SQL, replayed --------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any


@contextmanager
def capture_sql() -> Iterator[list[Statement]]:
    """Record every statement run on the default connection inside the block (still executing it).
    Savepoints are left out: they are transaction bookkeeping, not the endpoint's work."""
    statements: list[Statement] = []

    def record(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(Statement(sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def replay(statements: Sequence[Statement]) -> list[tuple]:
    """Run the statements with a bare cursor of the same connection (psycopg, no Django wrapper), fetch
    every row; the rows of the last statement that returns any."""
    connection.ensure_connection()
    rows: list[tuple] = []
    with connection.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            if cursor.description is not None:
                rows = cursor.fetchall()
    return rows


def statements_of(ctx: Context, url: str) -> list[Statement]:
    """The SQL that ``GET url`` runs (the request is made once, through the test client)."""
    with capture_sql() as statements:
        ctx.get(url)
    if not statements:
        raise AssertionError(f"GET {url} ran no SQL: nothing to compare with")
    return statements
