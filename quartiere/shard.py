"""The city on every row (docs/multi-city.md): every city-owned table carries ``city_id`` directly,
the shard key a distributed PostgreSQL (Citus) would distribute by.

A child row (a budget line, a support, a link row, an answer, …) takes its city from its parent.
``CityField(parent="measure")`` declares that; the database keeps it right:

- a composite foreign key ``(<parent>_id, city_id) → parent (id, city_id) ON UPDATE CASCADE``: a row
  can never disagree with its parent, and a parent moved to another city takes its children along;
- a ``BEFORE INSERT`` trigger fills ``city_id`` from the parent when it is NULL, so that every insert
  path (the ORM, ``bulk_create``, the set-based SQL of ``quartiere.linking``, COPY) works unchanged;
- ``INSERT … RETURNING city_id`` (``db_returning``) brings the value the trigger chose back to the
  saved object, and a ``pre_save`` receiver copies it from an already loaded parent before the insert
  (no query).

Migrations create both database objects with ``city_sql``; the unique constraint ``(id, city)`` the
foreign key needs is a ``UniqueConstraint`` of the parent model. ``manage.py check_cities`` proves it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CityField(models.ForeignKey):
    """``city`` of a row owned by its parent's city (``parent``: the name of the foreign key to the
    parent; ``parent_city``: the parent's field holding that city). Not editable: always the parent's.

    No foreign key constraint of its own: the composite key to the parent implies it (one check less
    per insert). Nullable only where the parent may be missing (a log outliving its consultation)."""

    # the trigger may fill the column: INSERT … RETURNING city_id sets it on the saved object
    db_returning = True

    def __init__(
        self,
        to: Any = "quartiere.Area",
        on_delete: Any = models.PROTECT,
        *,
        parent: str | None = None,
        parent_city: str = "city",
        **kwargs: Any,
    ) -> None:
        self.parent = parent
        self.parent_city = parent_city
        kwargs.setdefault("verbose_name", _("city"))
        kwargs.setdefault("related_name", "+")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_constraint", False)
        super().__init__(to, on_delete, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["parent"] = self.parent
        if self.parent_city != "city":
            kwargs["parent_city"] = self.parent_city
        return name, path, args, kwargs

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        # the real models only (not the migrations' historical states)
        if self.parent and not cls._meta.abstract and cls._meta.apps is global_apps:
            pre_save.connect(
                _city_from_parent, sender=cls, weak=False, dispatch_uid=f"city_from_parent:{cls._meta.label}"
            )


def _city_from_parent(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **_: Any
) -> None:
    """Copy the city from the parent when the parent is loaded already (no query); otherwise the
    trigger fills it on insert."""
    if raw:
        return
    field = sender._meta.get_field("city")
    assert isinstance(field, CityField) and field.parent
    parent_field = sender._meta.get_field(field.parent)
    assert isinstance(parent_field, models.ForeignKey)
    if not parent_field.is_cached(instance):
        return
    parent = parent_field.get_cached_value(instance)
    if parent is None:
        return
    parent_city = parent._meta.get_field(field.parent_city)
    assert isinstance(parent_city, models.Field)
    city = getattr(parent, parent_city.attname)
    if isinstance(city, int):
        setattr(instance, field.attname, city)


@dataclass(frozen=True)
class CityChild:
    """A table whose ``city_id`` follows its parent's (``parent_fk`` → ``parent_table``)."""

    model: type[models.Model]
    table: str
    parent_fk: str
    parent_table: str
    parent_city: str


def city_children() -> Iterator[CityChild]:
    """Every table with a ``CityField`` (not the history tables, whose keys are no constraints)."""
    for model in global_apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, CityField) or not field.parent:
                continue
            parent_field = model._meta.get_field(field.parent)
            if not getattr(parent_field, "db_constraint", False):
                continue  # a history table
            assert isinstance(parent_field, models.ForeignKey)
            parent = parent_field.related_model
            assert isinstance(parent, type) and issubclass(parent, models.Model)
            parent_city = parent._meta.get_field(field.parent_city)
            assert isinstance(parent_city, models.Field) and parent_city.column
            yield CityChild(
                model=model,
                table=model._meta.db_table,
                parent_fk=parent_field.column,
                parent_table=parent._meta.db_table,
                parent_city=parent_city.column,
            )


def city_sql(table: str, parent_fk: str, parent_table: str, parent_city: str = "city_id") -> tuple[str, str]:
    """(forward, reverse) SQL of a child table's composite foreign key and insert trigger.

    Used by migrations: what it returns must not change once a migration ran it (add a new function
    for a new form). Identifiers are the models' table and column names, never input."""
    function = f"qa_city_{table}"
    forward = f"""
ALTER TABLE {table} ADD CONSTRAINT {table}_city_fk
    FOREIGN KEY ({parent_fk}, city_id) REFERENCES {parent_table} (id, {parent_city})
    ON UPDATE CASCADE DEFERRABLE INITIALLY IMMEDIATE;
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.{parent_city} INTO NEW.city_id FROM {parent_table} AS p WHERE p.id = NEW.{parent_fk};
    RETURN NEW;
END
$$;
CREATE TRIGGER {table}_city BEFORE INSERT ON {table}
    FOR EACH ROW WHEN (NEW.city_id IS NULL) EXECUTE FUNCTION {function}();
"""
    reverse = f"""
DROP TRIGGER IF EXISTS {table}_city ON {table};
DROP FUNCTION IF EXISTS {function}();
ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_city_fk;
"""
    return forward, reverse


def city_key_sql(table: str, fk: str, parent_table: str) -> tuple[str, str]:
    """(forward, reverse) SQL of the composite foreign key of a row whose city the services set
    (a column of its own, NOT NULL): ``(fk, city_id) → parent_table (id, city_id) ON UPDATE CASCADE``.
    A nullable ``fk`` is not checked where it is NULL (MATCH SIMPLE). Frozen like ``city_sql``."""
    name = f"{table}_{fk}_city_fk"
    forward = (
        f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({fk}, city_id) "
        f"REFERENCES {parent_table} (id, city_id) ON UPDATE CASCADE DEFERRABLE INITIALLY IMMEDIATE"
    )
    return forward, f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"


def backfill_sql(table: str, parent_fk: str, parent_table: str, parent_city: str = "city_id") -> str:
    """One UPDATE filling ``city_id`` of every row of ``table`` from its parent."""
    return (
        f"UPDATE {table} AS c SET city_id = p.{parent_city} FROM {parent_table} AS p "
        f"WHERE p.id = c.{parent_fk} AND c.city_id IS DISTINCT FROM p.{parent_city}"
    )
