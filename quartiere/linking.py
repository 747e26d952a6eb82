"""The one mechanism linking geometry-bearing rows to the areas they touch, at every level.

Measures, contributions and focus areas each keep a link table of one shape — ``(<fk>, area_id,
level, share, kind)`` with ``(<fk>, area_id)`` unique — and declare it here once with ``register``.
``links_refresh`` recomputes the links of given rows (or all) in PostGIS, set-based; a receiver of
``areas_changed`` refreshes every registered table after an area import. The rule for shares is in
``sql/link_insert.sql`` and ``docs/linking.md``.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.dispatch import receiver
from psycopg import sql

from geo.sql import load
from quartiere.signals import areas_changed


def _column(model: type[models.Model], name: str | None) -> str:
    """The database column of the concrete field ``name`` of ``model`` (None: its primary key)."""
    field = model._meta.pk if name is None else model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name or 'pk'} is not a concrete field")
    return field.column


@dataclass(frozen=True)
class LinkTarget:
    """A source table with ``id``, a ``geom`` in EPSG:25832 and optionally a declared ``scope`` area
    id, and the link table it fills."""

    source_table: str
    link_table: str
    link_fk: str
    source_id: str = "id"
    geom: str = "geom"
    scope: str | None = None

    @classmethod
    def for_models(
        cls, source: type[models.Model], link: type[models.Model], *, fk: str, scope: str | None = None
    ) -> "LinkTarget":
        """The target for Django models: ``fk`` and ``scope`` are field names (of ``link`` and ``source``)."""
        return cls(
            source_table=source._meta.db_table,
            link_table=link._meta.db_table,
            link_fk=_column(link, fk),
            source_id=_column(source, None),
            geom=_column(source, "geom"),
            scope=_column(source, scope) if scope else None,
        )

    def compose(self, name: str) -> str:
        """The statement ``sql/<name>.sql`` with this target's identifiers quoted in."""
        scope_expr = (
            sql.SQL("s.{}").format(sql.Identifier(self.scope)) if self.scope else sql.SQL("NULL::bigint")
        )
        composed = sql.SQL(load(__file__, name)).format(
            source=sql.Identifier(self.source_table),
            id=sql.Identifier(self.source_id),
            geom=sql.Identifier(self.geom),
            scope_expr=scope_expr,
            links=sql.Identifier(self.link_table),
            fk=sql.Identifier(self.link_fk),
        )
        connection.ensure_connection()
        return composed.as_string(connection.connection)


_targets: list[LinkTarget] = []


def register(target: LinkTarget) -> LinkTarget:
    """Keep ``target``'s links right when areas are re-imported (call from ``AppConfig.ready``)."""
    if target not in _targets:
        _targets.append(target)
    return target


def _id_list(ids: Iterable[int] | None) -> list[int]:
    return [] if ids is None else sorted({int(i) for i in ids})


@transaction.atomic
def links_refresh(target: LinkTarget, *, ids: Iterable[int] | None = None) -> int:
    """Recompute the links of the rows ``ids`` of ``target`` (None: all rows): delete, then insert
    in one set-based statement. Returns the number of link rows written."""
    id_list = _id_list(ids)
    if ids is not None and not id_list:
        return 0
    params: dict[str, bool | list[int]] = {"all": ids is None, "ids": id_list}
    with connection.cursor() as cursor:
        cursor.execute(target.compose("link_delete"), params)
        cursor.execute(target.compose("link_insert"), params)
        return cursor.rowcount


@transaction.atomic
def links_refresh_for_areas(target: LinkTarget, *, area_ids: Iterable[int]) -> int:
    """Recompute the links of the rows of ``target`` that touched the areas ``area_ids`` before
    (their old geometry) or touch them now (their new geometry). Returns the link rows written."""
    area_list = _id_list(area_ids)
    if not area_list:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(target.compose("link_affected"), {"area_ids": area_list})
        affected = [row[0] for row in cursor.fetchall()]
    return links_refresh(target, ids=affected)


@receiver(areas_changed, dispatch_uid="quartiere.linking.areas_changed")
def _refresh_after_import(sender, area_ids: list[int], **kwargs) -> None:
    # runs inside the import's transaction: an import and the links it moves commit together
    for target in _targets:
        links_refresh_for_areas(target, area_ids=area_ids)
