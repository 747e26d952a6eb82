"""GeoDjango's PostGIS backend with a health check that needs no round trip while all is well, and
prepared statements for the hottest reads.

**Health check.** With ``CONN_HEALTH_CHECKS`` Django checks a persistent connection before its first
use in every request, by running ``SELECT 1`` on it: one more round trip per request, which on the
service's sub-millisecond reads (a point lookup, a vector tile) costs a third of the statement itself.
An idle, healthy connection has nothing to read: the server sends nothing between statements. A
connection the server closed (a restart, ``pg_terminate_backend``, an idle timeout) has its final
error message and the end of the stream waiting on the socket. So: nothing readable → usable, without
asking the server; something readable (or a connection psycopg already knows is broken) → Django's
own check with ``SELECT 1`` decides, and a dead connection is replaced before the request uses it.

**Prepared statements.** Django binds parameters on the client: every statement reaches PostgreSQL as
new text, to be parsed, analysed and planned again. For a vector tile that was half of the database's
work (z14: 0.89 ms a statement, 0.48 ms prepared, on the benchmark's tiles). ``prepared_cursor()`` is
Django's cursor (errors, query logging and execute wrappers as usual) over a server-binding psycopg
cursor that prepares every statement it runs: the session parses it once, plans it five times with
the parameters' values, then (when no worse) with a generic plan it keeps. Only statements run through
it are prepared, and only as long as the session lives; ``DB_PREPARED_STATEMENTS=0``
(``settings.PREPARED_STATEMENTS``) turns it into Django's own cursor, for a pooler that does not keep
a session's prepared statements (PgBouncer before 1.21 in transaction mode).
"""

import select
from typing import Any

from django.conf import settings
from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISDatabaseWrapper
from django.contrib.gis.db.backends.postgis.operations import PostGISOperations
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper


class PreparingCursor(ServerBindingCursor):
    """A server-binding cursor that prepares what it executes (psycopg keeps the session's prepared
    statements by their text, the most recent ``prepared_max`` of them)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


class DatabaseOperations(PostGISOperations):
    def last_executed_query(self, cursor, sql, params):
        # psycopg keeps no query text on a cursor that ran a prepared statement: the statement with its
        # values, as Django's query log (and CaptureQueriesContext) shows an unprepared one
        return super().last_executed_query(cursor, sql, params) or self.compose_sql(sql, params)


class DatabaseWrapper(PostGISDatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            waiting = bool(poller.poll(0))
        except (OSError, ValueError):
            waiting = True
        if waiting:
            return super().is_usable()
        return True

    def prepared_cursor(self) -> CursorWrapper:
        """A cursor whose statements are prepared (see the module's docstring); Django's own cursor
        with ``PREPARED_STATEMENTS`` off. Use it for statements of a fixed text run again and again
        with other parameters, not for text built per request."""
        if not settings.PREPARED_STATEMENTS:
            return self.cursor()
        # what BaseDatabaseWrapper.cursor() does, with another cursor class
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor: Any = PreparingCursor(self.connection)  # type: ignore[call-arg]
        self.validate_thread_sharing()
        return self.make_debug_cursor(cursor) if self.queries_logged else self.make_cursor(cursor)
