"""Read replicas: where a request's reads go (docs/operations.md, "Read replicas").

``DATABASE_REPLICA_URLS`` adds the aliases ``replica1`` … ``replicaN`` (``settings.DATABASE_REPLICAS``),
hot standbys streaming from the primary (``default``). Per request, ``ReplicaMiddleware`` chooses
*one* database for all of its reads, before the view runs:

- a replica for a ``GET``/``HEAD`` of the map services (views made by ``geo.http.map_view``), of a
  public read (``geo.public.public_read``) and of the API (a DRF view) by somebody anonymous (no
  session cookie, no ``Authorization``) — when a replica is healthy (``healthy``), else the primary;
- the primary for everything else: writes, a signed-in user's pages and API, and every request of a
  browser that wrote a moment ago (the pin cookie ``REPLICA_PIN_COOKIE``, set on the answer to any
  write for ``REPLICA_PIN_SECONDS``: read-your-writes for the staff member who just saved).

One database per request keeps a response consistent: its ETag (the data version) and its body are
read from the same database. The ORM follows through ``ReplicaRouter``; raw SQL of read paths takes
``read_connection`` (a stand-in for ``django.db.connection``) and Mapnik's datasources the alias of
``read_alias()``. Writes always go to the primary; so do reads inside a transaction on the primary
and every read of a request after it wrote.

A replica is skipped while it is down (it does not accept a connection) or lags more than
``REPLICA_MAX_LAG_SECONDS``; each process measures a replica at most every ``REPLICA_CHECK_SECONDS``
and retries a down one after ``REPLICA_RETRY_SECONDS``. The lag is an upper bound on how old the
replica's data may be: 0 when it has replayed all WAL the primary had written just before, else the
smaller of the time since its last replayed commit and the time since this process last saw it
caught up.
"""

import itertools
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponseBase

from geo.public import mark_of

if TYPE_CHECKING:  # the engine's module imports GeoDjango's models: not before the apps are ready
    from geo.db.base import DatabaseWrapper

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Route:
    """The database of one request's reads; ``wrote`` once it wrote (reads follow to the primary)."""

    alias: str = DEFAULT_DB_ALIAS
    wrote: bool = False


_route: ContextVar[Route | None] = ContextVar("geo_db_route", default=None)


def read_alias() -> str:
    """The alias that reads go to now: the request's choice, unless it wrote or a transaction on the
    primary is open (reads in a transaction see its writes and the rows it locked)."""
    route = _route.get()
    if route is None or route.alias == DEFAULT_DB_ALIAS or route.wrote:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return route.alias


class _ReadConnection:
    """``django.db.connection`` for reads: the connection of ``read_alias()`` at the moment of use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(connections[read_alias()], name)


# typed as what it stands in for: ``read_connection.cursor()``, ``read_connection.ops.quote_name(…)``
read_connection = cast("DatabaseWrapper", _ReadConnection())


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads where the request chose, writes to the primary, migrations only
    there (a standby is read-only and gets the schema by replication)."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        route = _route.get()
        if route is not None:
            route.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on every alias

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db in settings.DATABASE_REPLICAS else None


# --- health --------------------------------------------------------------------------------------------


@dataclass
class Health:
    healthy: bool
    checked: float  # time.monotonic() of the measurement
    lag: float | None = None  # seconds (upper bound), None when down
    reason: str = ""
    caught_up: float | None = field(default=None)  # time.time() it was last seen caught up


_health: dict[str, Health] = {}
_health_lock = threading.Lock()
_turn = itertools.count()

# On the standby, against the primary's WAL insert position read just before: whether it replayed all of it,
# and the seconds since its last replayed commit.
STANDBY_SQL = """
SELECT pg_is_in_recovery(),
       coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false),
       extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8
"""


def measure(alias: str) -> Health:
    """Connect to the replica ``alias`` (if not yet) and measure its lag behind the primary."""
    now, wall = time.monotonic(), time.time()
    before = _health.get(alias)
    caught_up = before.caught_up if before else None
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
    except DatabaseError:
        connections[DEFAULT_DB_ALIAS].close()
        primary_lsn = None  # nothing can be written meanwhile: the replica's data is the latest there is
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(STANDBY_SQL, [primary_lsn or "0/0"])
            in_recovery, replayed_all, since_commit = cursor.fetchone()
    except DatabaseError as error:
        connections[alias].close()
        return Health(False, now, None, f"down: {_first_line(error)}", caught_up)
    if not in_recovery:
        # promoted or a wrong URL: its data no longer follows the primary
        return Health(False, now, None, "not a standby (not in recovery)", caught_up)
    if primary_lsn is None:
        return Health(True, now, None, "the primary is out of reach: lag not measured", caught_up)
    if replayed_all:
        return Health(True, now, 0.0, "", wall)
    bounds = [since_commit if since_commit is not None else float("inf")]
    if caught_up is not None:
        bounds.append(wall - caught_up)
    lag = max(0.0, min(bounds))
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return Health(False, now, lag, f"lags {lag:.1f} s", caught_up)
    return Health(True, now, lag, "", caught_up)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0][:200]


def healthy(alias: str) -> bool:
    """Whether reads may go to ``alias`` now (measured at most every ``REPLICA_CHECK_SECONDS``, a
    replica found down retried after ``REPLICA_RETRY_SECONDS``)."""
    known = _health.get(alias)
    now = time.monotonic()
    if known is not None:
        wait = settings.REPLICA_CHECK_SECONDS if known.healthy else settings.REPLICA_RETRY_SECONDS
        if now - known.checked < wait:
            return known.healthy and _connected(alias)
    found = measure(alias)
    with _health_lock:
        _health[alias] = found
    if known is None or known.healthy != found.healthy:
        log = logger.info if found.healthy else logger.warning
        log("read replica %s: %s", alias, "in use" if found.healthy else f"skipped ({found.reason})")
    return found.healthy


def _connected(alias: str) -> bool:
    """This thread's connection to ``alias`` is open (it opens it when it was not): a replica that went
    down since it was measured is marked down here, before any read of the request went to it."""
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        connections[alias].close()
        with _health_lock:
            _health[alias] = Health(False, time.monotonic(), None, f"down: {_first_line(error)}")
        logger.warning("read replica %s: skipped (no connection)", alias)
        return False
    return True


def choose() -> str:
    """A healthy replica (in turns, when there are several), else the primary."""
    aliases = settings.DATABASE_REPLICAS
    if not aliases:
        return DEFAULT_DB_ALIAS
    start = next(_turn) % len(aliases)
    for alias in aliases[start:] + aliases[:start]:
        if healthy(alias):
            return alias
    return DEFAULT_DB_ALIAS


def forget_health() -> None:
    """Measure every replica afresh at its next use (tests; after a failover)."""
    with _health_lock:
        _health.clear()


def status() -> dict[str, dict[str, Any]]:
    """What this process knows about its replicas (for the health page and logs)."""
    return {
        alias: {"healthy": found.healthy, "lag": found.lag, "reason": found.reason}
        for alias, found in _health.items()
    }


# --- per request ---------------------------------------------------------------------------------------


def pinned(request: HttpRequest) -> bool:
    """The browser wrote less than ``REPLICA_PIN_SECONDS`` ago (its pin cookie holds the moment the
    pin ends; a value further ahead than a pin lasts is not believed)."""
    value = request.COOKIES.get(settings.REPLICA_PIN_COOKIE)
    if not value:
        return False
    try:
        until = float(value)
    except ValueError:
        return False
    now = time.time()
    return now < until <= now + settings.REPLICA_PIN_SECONDS + 1


def anonymous(request: HttpRequest) -> bool:
    """No session and no credentials: the answer is the same as for everybody."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META


def replica_read(view: Callable) -> Callable:
    """Mark ``view``: its reads may go to a replica (the same for everybody, or only reads; a browser
    that just wrote still reads the primary). ``geo.http.map_view`` marks every map service."""
    view.replica_read = True  # type: ignore[attr-defined]
    return view


def replica_view(view: Callable) -> bool:
    """The map services (``geo.http.map_view``) and public reads answer the same for everybody (a view
    that is a public read for some requests only, ``public_read(when=…)``, is marked ``replica_read``
    itself when all of its requests may read a replica)."""
    return bool(getattr(view, "replica_read", False)) or mark_of(view) is True


def api_view(view: Callable) -> bool:
    return getattr(view, "cls", None) is not None  # DRF's as_view() keeps the class


class ReplicaMiddleware:
    """Chooses the database of the request's reads (``process_view``: once the view is known) and
    pins a browser that wrote to the primary for ``REPLICA_PIN_SECONDS`` (a cookie: public reads have
    no session). Without replicas it only marks writes' answers with nothing: it is a no-op."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        route = Route()
        _route.set(route)  # reset when the response is closed (a streamed body is read until then)
        response = self.get_response(request)
        if settings.DATABASE_REPLICAS and (route.wrote or request.method not in SAFE_METHODS):
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                settings.REPLICA_PIN_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request: HttpRequest, view: Callable, args: Any, kwargs: Any) -> None:
        if not settings.DATABASE_REPLICAS or request.method not in SAFE_METHODS or pinned(request):
            return
        if replica_view(view) or (api_view(view) and anonymous(request)):
            route = _route.get()
            if route is not None and not route.wrote:
                route.alias = choose()


def _request_finished(**kwargs: Any) -> None:
    _route.set(None)


request_finished.connect(_request_finished, dispatch_uid="geo.db.routing.request_finished")
