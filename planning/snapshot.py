"""The ``priorities`` map layer reads a snapshot of the priority index, refreshed after the writes that
change it.

The index of a Quartier is normalised within its city, so computing it for the few Quartiere a tile
or map shows means computing it for their cities — and the map services wrap the layer's SQL without
knowing which cities those are. So ``planning_prioritysnapshot`` holds one row per Quartier (each
city's default weighting, planning.weightings; the settings' weights for a city without one), and
the layer's source joins it to the Quartiere: a tile reads a handful of rows by the
spatial index, and no map request computes anything.

The snapshot is brought up to date **after the writes** that change its inputs, per city, once the
transaction commits (``connect``: saving or deleting an area, focus area, measure, budget line or
contribution, and ``quartiere.signals.areas_changed`` of imports, schedule their city; so do the
weighting services when a default weighting changes; writes of indicator values make it stale (see
``refresh_if_stale``); the import of
the demo and of the benchmarks' data refreshes it whole). A write in autocommit refreshes at once.
After ``migrate`` (new settings: weights, gap thresholds) the snapshot is recomputed when its inputs'
data version or the settings differ from what it was computed with (``refresh_if_stale``; also
``manage.py refresh_priorities`` after writes made around the service, e.g. in SQL).

Refreshes are serialised by an advisory lock. The layer's own data version (its ETags) is that of the
snapshot's state row, rewritten with every refresh in the same transaction as the rows, and of the
Quartiere (``LAYER_TABLES``): read in the same statement as the rows, it always describes them.
"""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

from geo import dataversion
from planning import priorities

LOCK = 7_390_104_211  # pg_advisory_xact_lock key of the snapshot's refresh

# the tables the index reads: a write to any of them makes the snapshot stale
INPUT_TABLES = (
    "quartiere_area",
    "planning_focusarea",
    "measures_measure",
    "measures_budgetline",
    "participation_contribution",
    "planning_weighting",
    "planning_weightingindicator",
    "indicators_indicator",
    "indicators_indicatorvalue",
)
# the layer's own data version (its ETag): the snapshot's state row, rewritten with every refresh in
# the same transaction as the rows, and the Quartiere the layer joins live (names, geometry)
LAYER_TABLES = ("planning_prioritysnapshotstate", "quartiere_area")

COLUMNS = (
    "quartier_id, city, population, score, rank, score_just, score_green, score_productive, "
    "demand_per_1000, budget_per_inhabitant, coverage, gaps"
)

FILL_SQL = """
INSERT INTO planning_prioritysnapshot ({columns})
SELECT pr.quartier_id, max(pr.city_id), max(pr.population),
    round(max(pr.score) FILTER (WHERE pr.dimension = 'all')::numeric, 4)::float8,
    max(pr.rank) FILTER (WHERE pr.dimension = 'all')::int,
    round(max(pr.score) FILTER (WHERE pr.dimension = 'just')::numeric, 4)::float8,
    round(max(pr.score) FILTER (WHERE pr.dimension = 'green')::numeric, 4)::float8,
    round(max(pr.score) FILTER (WHERE pr.dimension = 'productive')::numeric, 4)::float8,
    round(max(pr.demand) FILTER (WHERE pr.dimension = 'all')::numeric, 3)::float8,
    round(max(pr.budget_per_inhabitant) FILTER (WHERE pr.dimension = 'all')::numeric, 2)::float8,
    round(max(pr.coverage) FILTER (WHERE pr.dimension = 'all')::numeric, 4)::float8,
    coalesce(string_agg(pr.dimension, ',' ORDER BY pr.dimension) FILTER (WHERE pr.gap), '')
FROM ({core}) AS pr
GROUP BY pr.quartier_id
"""

# what the layer's source reads: the snapshot with each Quartier's name and geometry
LAYER_SOURCE = """
SELECT a.id, a.geom, a.name, a.slug, s.city, s.population, s.score, s.rank, s.score_just, s.score_green,
       s.score_productive, s.demand_per_1000, s.budget_per_inhabitant, s.coverage, s.gaps
FROM planning_prioritysnapshot AS s
JOIN quartiere_area AS a ON a.id = s.quartier_id
"""


def _inputs() -> tuple[list[dict], str]:
    """The statements' parameters of the index with each city's default weighting — one set for the
    cities without one (the settings' weights, ``cities`` NULL: every other city) and one per city with
    one — and their fingerprint."""
    from planning.models import Weighting
    from planning.weightings import weights_of

    own = list(Weighting.objects.filter(is_default=True).order_by("city_id"))
    rest = priorities.core_params(priorities.default_weights())
    sets = []
    for weighting in own:
        params = priorities.core_params(weights_of(weighting))
        sets.append({**params, "city": weighting.city_id})
    if own:
        # every other city: the Quartiere whose city has no default weighting
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM quartiere_area WHERE level = 2 "
                "AND id NOT IN (SELECT city_id FROM planning_weighting WHERE is_default)"
            )
            rest["cities"] = cursor.fetchone()[0]
    sets.insert(0, rest)
    return sets, json.dumps(sets, sort_keys=True, default=str)


def _state(tables) -> tuple[int, int | None, str | None]:
    """(current data version token, token of the snapshot, weights of the snapshot): one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {dataversion.version_sql(tables)}, s.token, s.weights "
            "FROM (SELECT 1) AS one LEFT JOIN planning_prioritysnapshotstate AS s ON s.id = 1"
        )
        return cursor.fetchone()


def refresh(cities: Iterable[int] | None = None) -> None:
    """Recompute the snapshot's rows of ``cities`` (ids; None: every city), in one transaction."""
    pending = _deferred.get()
    if pending is not None and cities is None:
        pending[0] = False  # what was asked for so far is done
    fill = FILL_SQL.format(columns=COLUMNS, core=priorities.core_sql())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        token = _state(INPUT_TABLES)[0]
        sets, fingerprint = _inputs()
        own = {params["city"]: params for params in sets[1:]}
        if cities is None:
            cursor.execute("DELETE FROM planning_prioritysnapshot")
            for params in sets:
                cursor.execute(fill, params)
        else:
            for city in sorted(set(cities)):
                cursor.execute("DELETE FROM planning_prioritysnapshot WHERE city = %s", [city])
                cursor.execute(fill, own.get(city, {**sets[0], "city": city, "cities": None}))
        cursor.execute(
            "INSERT INTO planning_prioritysnapshotstate (id, token, weights, computed_at) "
            "VALUES (1, %s, %s, now()) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, weights = EXCLUDED.weights, "
            "computed_at = EXCLUDED.computed_at",
            [token, fingerprint],
        )


def refresh_if_stale() -> bool:
    """Recompute the whole snapshot when its inputs' data version or the settings are not the ones it
    was computed with; True when it was."""
    # the inputs that are no map layer's tables (indicators, weightings) need the data-version trigger too
    dataversion.install_triggers(INPUT_TABLES)
    token, have, weights = _state(INPUT_TABLES)
    if have == token and weights == _inputs()[1]:
        return False
    refresh()
    return True


# --- after writes -------------------------------------------------------------------------------------

ALL = None  # a scheduled "every city"


# Inside ``deferred()``: True once a write asked for a refresh that has not been made yet
_deferred: ContextVar[list[bool] | None] = ContextVar("priority_snapshot_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """A bulk load (``manage.py load_demo``): the writes inside schedule no refresh each; the snapshot
    is refreshed whole once at the end, when one was asked for since the last ``refresh()`` (the demo's
    imports asked for six, 1.9 of its 7 s). Nothing is refreshed when the block raises."""
    if _deferred.get() is not None:  # nested: the outer block refreshes
        yield
        return
    pending = [False]
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending[0]:
        refresh()


def schedule(city: int | None) -> None:
    """Refresh ``city`` (None: every city) once the current transaction commits (at once in autocommit);
    the cities of one transaction are refreshed together, by one callback. They are kept on the
    connection with that callback: when it is gone (run, or dropped with a rollback) they start afresh.
    Inside ``deferred()`` the refresh waits for the end of the block."""
    pending = _deferred.get()
    if pending is not None:
        pending[0] = True
        return
    conn = transaction.get_connection()
    registered = conn.in_atomic_block and any(func is _flush for _sids, func, _robust in conn.run_on_commit)
    if not registered:
        conn.priority_cities = set()
    conn.priority_cities.add(city)
    if not registered:
        transaction.on_commit(_flush)


def _flush() -> None:
    conn = transaction.get_connection()
    pending: set[int | None] = getattr(conn, "priority_cities", set())
    conn.priority_cities = set()
    if pending:
        refresh(None if ALL in pending else {city for city in pending if city is not None})


def _city_of_area(area) -> int | None:
    from quartiere.models import Level

    if area.level == Level.QUARTIER:
        return area.parent_id
    return area.pk if area.level == Level.CITY else ALL


def connect() -> None:
    """Schedule a refresh after every write of what the index reads (see the module docstring)."""
    from django.db.models.signals import post_delete, post_save

    from measures.models import BudgetLine, Measure
    from participation.models import Contribution
    from planning.models import FocusArea
    from quartiere.models import Area
    from quartiere.signals import areas_changed

    def by_city(sender, instance, **kwargs) -> None:
        schedule(instance.city_id)

    def by_measure(sender, instance, **kwargs) -> None:
        city = Measure.objects.filter(pk=instance.measure_id).values_list("city_id", flat=True).first()
        if city is not None:  # (a measure deleted with its lines schedules its city itself)
            schedule(city)

    def by_area(sender, instance, **kwargs) -> None:
        schedule(_city_of_area(instance))

    def imported(sender, area_ids, **kwargs) -> None:
        for area in Area.objects.filter(pk__in=list(area_ids)).only("id", "level", "parent_id"):
            schedule(_city_of_area(area))

    for model in (FocusArea, Measure, Contribution):
        post_save.connect(by_city, sender=model, weak=False, dispatch_uid=f"snapshot.{model.__name__}.save")
        post_delete.connect(
            by_city, sender=model, weak=False, dispatch_uid=f"snapshot.{model.__name__}.delete"
        )
    post_save.connect(by_measure, sender=BudgetLine, weak=False, dispatch_uid="snapshot.BudgetLine.save")
    post_delete.connect(by_measure, sender=BudgetLine, weak=False, dispatch_uid="snapshot.BudgetLine.delete")
    post_save.connect(by_area, sender=Area, weak=False, dispatch_uid="snapshot.Area.save")
    post_delete.connect(by_area, sender=Area, weak=False, dispatch_uid="snapshot.Area.delete")
    areas_changed.connect(imported, weak=False, dispatch_uid="snapshot.areas_changed")
