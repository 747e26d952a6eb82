"""The ``priorities`` map layer reads a snapshot of the priority index, computed once per data version.

The index of a Quartier is normalised within its city, so computing it for the few Quartiere a tile
or map shows means computing it for their cities — and the map services wrap the layer's SQL without
knowing which cities those are: every tile computed every city's index (≈0.17 s at 1,000 Quartiere
and 100,000 contributions, seconds at 10,000). Now ``refresh`` keeps ``planning_prioritysnapshot``
(one row per Quartier, default weights) in step with the layer's data version (``geo.dataversion``:
the version of the tables the index reads) and the weights and gap thresholds of the settings; the
layer's source joins it to the Quartiere, so a tile reads a handful of rows by the spatial index.

The map services call ``refresh`` before they read the layer (the layer's ``prepare`` hook): when the
snapshot is current that is one small query; when it is not, the first request recomputes it in one
transaction under an advisory lock (other workers wait for it and then find it current). The inputs'
version is read before the index is computed, so a snapshot is never marked newer than the data it
holds. The layer's own data version (its ETags) is that of the snapshot's state row and of the
Quartiere (``LAYER_TABLES``): read in the same statement as the rows, it always describes them.
"""

import json

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


def _inputs() -> tuple[dict, str]:
    """The statement parameters of the index with the default weights, and their fingerprint."""
    params = priorities.core_params(priorities.default_weights())
    return params, json.dumps(params, sort_keys=True, default=str)


def _state(tables: list[str]) -> tuple[int, int | None, str | None]:
    """(current data version token, token of the snapshot, weights of the snapshot): one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {dataversion.version_sql(tables)}, s.token, s.weights "
            "FROM (SELECT 1) AS one LEFT JOIN planning_prioritysnapshotstate AS s ON s.id = 1"
        )
        return cursor.fetchone()


def refresh(tables: tuple[str, ...] = INPUT_TABLES) -> bool:
    """Bring the snapshot up to date with the data of ``tables`` and the settings; True when it was
    recomputed."""
    params, fingerprint = _inputs()
    token, have, weights = _state(tables)
    if have == token and weights == fingerprint:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        token, have, weights = _state(tables)  # another worker may have done it meanwhile
        if have == token and weights == fingerprint:
            return False
        cursor.execute("DELETE FROM planning_prioritysnapshot")
        cursor.execute(FILL_SQL.format(columns=COLUMNS, core=priorities.core_sql()), params)
        cursor.execute(
            "INSERT INTO planning_prioritysnapshotstate (id, token, weights, computed_at) "
            "VALUES (1, %s, %s, now()) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, weights = EXCLUDED.weights, "
            "computed_at = EXCLUDED.computed_at",
            [token, fingerprint],
        )
    return True
