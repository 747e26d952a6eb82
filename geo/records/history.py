"""The audit trail of a versioned record, built from its django-simple-history records: the one rule
behind every ``…/history/`` endpoint (docs/history.md). Each app declares only what differs: which
many-to-many fields the trail shows and which of their ids the public may see (``Linked``)."""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform

from geo.permissions import is_planner

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# bookkeeping, not content: the version is reported per record, ids and timestamps are the record's
SKIPPED = {"id", "version", "created_at", "updated_at"}


@dataclass(frozen=True)
class Linked:
    """A many-to-many field in the trail, shown as a sorted list of ids. ``column``: the related
    model's column in simple-history's m2m rows (``{"measure": 1, "strategicgoal": 2}`` →
    ``"strategicgoal"``); ``public``: the ids of related objects the public may see now (None: all),
    asked only for a reader who does not get the full trail."""

    column: str
    public: Callable[[], Iterable[int]] | None = None


def history_trail(
    obj: Any,
    *,
    user: Any,
    out_srid: int,
    precision: int,
    linked: Mapping[str, Linked] | None = None,
    geometry: str | None = "geom",
) -> list[dict]:
    """The audit trail of ``obj``, newest first: when (UTC), the version, the type and the changed
    fields, each with its old and new value; the ``geometry`` field as GeoJSON in ``out_srid`` (with
    ``precision`` decimals), the ``linked`` many-to-many fields as lists of ids.

    Planners (``geo.permissions.is_planner``) get the full trail: every record, each compared with
    the one before, with who made it.
    Otherwise the public trail (docs/history.md), which starts at publication: records before the
    object was first published are left out; the first published record lists its state (type
    ``published``, or ``created`` when it was created published); later records say what changed
    against the last *published* state, so a value only ever held while unpublished never shows; a
    record that unpublishes it is ``withdrawn``, without any values, and the records while it stays
    unpublished are left out; publishing it again is ``published``, against the last published state.
    Linked ids the public may not see are left out (and a change only to those is not listed).
    Nobody but planners sees who made a change."""
    full = is_planner(user)
    linked = linked or {}
    records = obj.history.select_related("history_user").order_by("history_date", "history_id")
    if geometry:
        records = records.annotate(geom_geojson=AsGeoJSON(Transform(geometry, out_srid), precision=precision))
    visible = {
        name: None if full or link.public is None else set(link.public()) for name, link in linked.items()
    }

    def ids(name: str, rows: Any) -> list[int]:
        column, allowed = linked[name].column, visible[name]
        found = sorted(v for row in rows or [] for k, v in row.items() if k == column)
        return found if allowed is None else [i for i in found if i in allowed]

    def value(name: str, raw: Any) -> Any:
        if name == geometry:
            return json.loads(raw) if isinstance(raw, str) else None
        if isinstance(raw, datetime | date):
            return raw.isoformat()
        if isinstance(raw, Decimal):
            return str(raw)
        return raw

    def snapshot(record: Any) -> list[dict]:
        values = []
        for field in record.tracked_fields:
            if field.name in SKIPPED:
                continue
            raw = record.geom_geojson if field.name == geometry else getattr(record, field.attname)
            if raw is not None and raw != "" and raw != []:
                values.append({"field": field.name, "old": None, "new": value(field.name, raw)})
        for name, link in linked.items():
            now = ids(name, getattr(record, name).values(link.column))
            if now:
                values.append({"field": name, "old": None, "new": now})
        return values

    def changes(record: Any, base: Any) -> list[dict]:
        delta = []
        for change in record.diff_against(base, excluded_fields=SKIPPED).changes:
            if change.field == geometry:
                old, new = base.geom_geojson, record.geom_geojson
            elif change.field in linked:
                old, new = ids(change.field, change.old), ids(change.field, change.new)
                if old == new:
                    continue  # only ids the reader may not see changed
            else:
                old, new = change.old, change.new
            delta.append(
                {"field": change.field, "old": value(change.field, old), "new": value(change.field, new)}
            )
        return delta

    result = []
    shown = None  # the last record whose values the reader has seen
    withdrawn = False
    for record in records:
        kind = HISTORY_TYPES.get(record.history_type, record.history_type)
        if full:
            delta = snapshot(record) if shown is None else changes(record, shown)
            shown = record
        elif record.published:
            if shown is None:
                delta = snapshot(record)
                kind = "created" if kind == "created" else "published"
            else:
                delta = changes(record, shown)
                kind = "published" if withdrawn else kind
            shown, withdrawn = record, False
        elif shown is not None and not withdrawn:
            kind, delta, withdrawn = "withdrawn", [], True
        else:
            continue  # a draft: before publication, or while withdrawn
        result.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "type": kind,
                "user": record.history_user.get_username() if full and record.history_user else None,
                "version": record.version,
                "changes": sorted(delta, key=lambda c: c["field"]),
            }
        )
    result.reverse()
    return result
