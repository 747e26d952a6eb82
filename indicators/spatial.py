"""Spatial indicators computed in PostGIS from reference layers; recomputed when a layer or the areas
change (docs/reference-layers.md).

A ``SpatialIndicator`` says how an ``Indicator``'s values come from a ``ReferenceLayer``: the method
(``SpatialMethod``) and, for ``share_within``, a distance in metres. ``compute`` runs the method's one
set-based statement (``sql/spatial_cover.sql``, ``spatial_within.sql``, ``spatial_count.sql``) for every
area of the city and Quartier levels and replaces all the indicator's values with its result in one
transaction: rows of the layer's year, quality ``computed``. An area without a value (no inhabitants
for a per-inhabitant method) has no row.

Recomputation is scheduled after the writes that change the inputs, once their transaction commits
(like ``planning.snapshot``): a layer's (re)import (``layer_changed``), defining or changing a spatial
indicator, and ``quartiere.signals.areas_changed`` (area imports and admin edits). A write in
autocommit recomputes at once. ``manage.py compute_indicators`` recomputes by hand.
"""

import functools
import logging
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.errors import ServiceError
from geo.sql import load
from indicators.layer_import import check_user
from indicators.models import (
    Indicator,
    ReferenceLayer,
    SpatialIndicator,
    SpatialMethod,
)

log = logging.getLogger(__name__)

LOCK = 73_901_043  # pg_advisory_xact_lock(LOCK, indicator id): one computation of an indicator at a time
MAX_VERTICES = 256  # ST_Subdivide: vertices per piece of an area
QUAD_SEGS = 16  # ST_Buffer: segments per quarter circle (area 0.16 % below the true circle's)
MAX_DISTANCE = 50_000  # m

METHOD_SQL = {
    SpatialMethod.AREA_SHARE: "spatial_cover",
    SpatialMethod.AREA_PER_INHABITANT: "spatial_cover",
    SpatialMethod.COUNT_PER_1000: "spatial_count",
    SpatialMethod.SHARE_WITHIN: "spatial_within",
}
POLYGON_METHODS = frozenset({SpatialMethod.AREA_SHARE, SpatialMethod.AREA_PER_INHABITANT})


def values_sql(method: str) -> str:
    """The method's statement: ``(area_id, value)`` for every area of the city and Quartier levels."""
    return load(__file__, METHOD_SQL[SpatialMethod(method)])


def values_params(spatial: SpatialIndicator) -> dict[str, Any]:
    return {
        "layer": spatial.layer_id,
        "method": str(spatial.method),
        "distance": spatial.distance or 0,
        "max_vertices": MAX_VERTICES,
        "quad_segs": QUAD_SEGS,
    }


def compute(spatial: SpatialIndicator) -> int:
    """Recompute the values of one spatial indicator (one transaction); the number of values stored."""
    layer = spatial.layer
    note = f"computed from reference layer {layer.name} ({layer.feature_count} features)"[:500]
    store = load(__file__, "spatial_store").format(values=values_sql(spatial.method))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        # the planner's cost estimates of the spatial functions are far too high: JIT would compile
        # for seconds what runs in milliseconds
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK, spatial.indicator_id])
        cursor.execute(
            "DELETE FROM indicators_indicatorvalue WHERE indicator_id = %s", [spatial.indicator_id]
        )
        cursor.execute(
            store,
            {**values_params(spatial), "indicator": spatial.indicator_id, "year": layer.year, "note": note},
        )
        stored = cursor.rowcount
        SpatialIndicator.objects.filter(pk=spatial.pk).update(computed_at=timezone.now())
    return stored


def compute_all(indicator_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Recompute the spatial indicators with ``indicator_ids`` (None: all); {key: values stored}."""
    query = SpatialIndicator.objects.select_related("indicator", "layer").order_by("indicator__key")
    if indicator_ids is not None:
        query = query.filter(indicator_id__in=list(indicator_ids))
    return {spatial.indicator.key: compute(spatial) for spatial in query}


# --- after writes -------------------------------------------------------------------------------------

ALL = None  # a scheduled "every spatial indicator"


def schedule(indicator_id: int | None) -> None:
    """Recompute ``indicator_id`` (None: every spatial indicator) once the current transaction commits
    (at once in autocommit); the indicators of one transaction are recomputed together, by one
    callback. The callback and its set are kept on the connection: when the callback is no longer
    waiting there (run, or dropped with a rollback) the next write registers a new one."""
    conn = transaction.get_connection()
    state = getattr(conn, "spatial_pending", None)
    if (
        state is not None
        and conn.in_atomic_block
        and any(func is state[0] for _sids, func, _robust in conn.run_on_commit)
    ):
        state[1].add(indicator_id)
        return
    pending: set[int | None] = {indicator_id}
    callback = functools.partial(_flush, pending)
    conn.spatial_pending = (callback, pending)
    # robust: a failed computation is logged and does not fail the committed write
    transaction.on_commit(callback, robust=True)


def _flush(pending: set[int | None]) -> None:
    conn = transaction.get_connection()
    state = getattr(conn, "spatial_pending", None)
    if state is not None and state[1] is pending:
        conn.spatial_pending = None
    ids, pending_copy = None, set(pending)
    pending.clear()
    if not pending_copy:
        return
    if ALL not in pending_copy:
        ids = {i for i in pending_copy if i is not None}
    try:
        compute_all(ids)
    except Exception:
        log.exception("recomputing spatial indicators failed")
        raise


def layer_changed(layer_id: int) -> None:
    """A layer was (re)imported: recompute its indicators after the commit."""
    for indicator_id in SpatialIndicator.objects.filter(layer_id=layer_id).values_list(
        "indicator_id", flat=True
    ):
        schedule(indicator_id)


def connect_signals() -> None:
    """Recompute every spatial indicator after an area import or edit (``areas_changed``)."""
    from quartiere.signals import areas_changed

    def areas(sender, area_ids, **kwargs) -> None:
        if SpatialIndicator.objects.exists():
            schedule(ALL)

    areas_changed.connect(areas, weak=False, dispatch_uid="indicators.spatial.areas_changed")


# --- defining a spatial indicator ---------------------------------------------------------------------

CATALOGUE_FIELDS = (
    "key",
    "name_de",
    "name_en",
    "unit",
    "dimension",
    "direction",
    "description",
    "source",
    "licence",
    "illustrative",
)


def create_catalogue_indicator(fields: dict[str, Any], *, user: Any = None) -> Indicator:
    """A new catalogue entry for a spatial indicator, through the catalogue's own service (the same
    checks as every other indicator: key, names, unit, dimension, direction, …)."""
    from indicators import services

    values = {name: value for name, value in fields.items() if name != "key"}
    return services.indicator_create(user=user, key=fields.get("key", ""), **values)


def _has_polygons(layer: ReferenceLayer) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM indicators_referencefeature "
            "WHERE layer_id = %s AND ST_Dimension(geom) = 2)",
            [layer.pk],
        )
        return bool(cursor.fetchone()[0])


def _check_method(layer: ReferenceLayer, method: str, distance: int | None) -> int | None:
    if method not in SpatialMethod.values:
        raise ServiceError(_("Choose one of the methods."), "method")
    if method == SpatialMethod.SHARE_WITHIN:
        if distance is None or not 0 < distance <= MAX_DISTANCE:
            raise ServiceError(
                _("A distance between 1 and %(max)d m is required for this method.") % {"max": MAX_DISTANCE},
                "distance",
            )
    else:
        distance = None
    if method in POLYGON_METHODS and not _has_polygons(layer):
        raise ServiceError(_("This method measures polygons, and the layer has none."), "method")
    return distance


def define_spatial_indicator(
    *, user: Any = None, layer: ReferenceLayer, method: str, distance: int | None = None, **catalogue: Any
) -> SpatialIndicator:
    """A new indicator in the catalogue (``catalogue``: key, names, unit, dimension, direction, …) computed
    by ``method`` from ``layer``; its values are computed once the transaction commits."""
    check_user(user)
    with transaction.atomic():
        distance = _check_method(layer, method, distance)
        indicator = create_catalogue_indicator(catalogue, user=user)
        spatial = SpatialIndicator.objects.create(
            indicator=indicator, layer=layer, method=method, distance=distance
        )
        schedule(indicator.pk)
    return spatial


def update_spatial_indicator(
    spatial: SpatialIndicator,
    *,
    user: Any = None,
    layer: ReferenceLayer,
    method: str,
    distance: int | None = None,
) -> SpatialIndicator:
    """Change how ``spatial`` is computed; its values are recomputed once the transaction commits."""
    check_user(user)
    with transaction.atomic():
        distance = _check_method(layer, method, distance)
        spatial.layer = layer
        spatial.method = method
        spatial.distance = distance
        spatial.save(update_fields=["layer", "method", "distance"])
        schedule(spatial.indicator_id)
    return spatial


def recompute(spatial: SpatialIndicator, *, user: Any = None) -> int:
    """Recompute ``spatial`` now (the back office's button); the number of values stored."""
    check_user(user)
    return compute(spatial)
