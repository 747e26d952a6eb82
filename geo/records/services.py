"""Writes of versioned, audited records: the steps every such write takes, once.

A record is a model with an integer ``version`` (bumped by every change; its ETag, ``geo.etag``) and
django-simple-history's audit (one historical record per write: who, when, the values after it —
its many-to-many fields in the same record). The app declares the record (``VersionedRecord``) and
its rules (a check function raising ``ValidationError``s, geo.errors); its services call these."""

import copy
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.models import HistoricalRecords

from geo.etag import check_version


@dataclass(frozen=True)
class VersionedRecord:
    """A versioned, audited model. ``name``: how the services name it (``measure`` in
    ``measure_update(measure_id=…)``); ``fields``: the names a write may change; ``history``: the
    model's ``HistoricalRecords`` (needed when ``fields`` name many-to-many fields, which are saved
    with the row as one historical record)."""

    model: type[models.Model]
    name: str
    fields: frozenset[str]
    history: HistoricalRecords | None = None

    @property
    def kind(self) -> str:
        """The record's name in its ETag (``"focus-area-7-2"``) and error messages."""
        return self.name.replace("_", "-")

    def __post_init__(self) -> None:
        if self.m2m and self.history is None:
            raise TypeError(f"{self.model.__name__}: many-to-many fields need the model's HistoricalRecords")

    @property
    def m2m(self) -> frozenset[str]:
        """The many-to-many fields among ``fields``."""
        return frozenset(f.name for f in self.model._meta.many_to_many if f.name in self.fields)


def check_fields(obj: models.Model, errors: dict[str, list[str]], *, exclude: Iterable[str]) -> None:
    """The end of every record's check: the field validators declared on the model (lengths, choices,
    also inside arrays) join the ``errors`` the app's rules found ({field: [reason]}); a
    ``ValidationError`` naming every field at fault when there are any. ``exclude``: the fields the
    app checked itself (relations, geometry)."""
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def audit_user(user: Any) -> Any:
    """The user a historical record names: a signed-in user, else nobody."""
    return user if user is not None and user.is_authenticated else None


def audited_save(
    record: VersionedRecord,
    obj: Any,
    *,
    user: Any,
    created: bool,
    related: Mapping[str, Iterable[Any]] | None = None,
) -> None:
    """Save ``obj`` and the many-to-many values in ``related`` ({field: objects or ids}; fields left
    out keep theirs) as one historical record ("+" when ``created``, else "~") by ``user``."""
    obj._history_user = audit_user(user)
    if not record.m2m:
        obj.save()  # simple-history's post_save writes the one record
        return
    history = record.history
    assert history is not None  # checked when the record was declared
    obj.skip_history_when_saving = True  # not one record for the row and another per m2m change
    try:
        obj.save()
        for name, values in (related or {}).items():
            getattr(obj, name).set(values)
    finally:
        del obj.skip_history_when_saving
    history.create_historical_record(obj, "+" if created else "~")


@transaction.atomic
def versioned_update(
    record: VersionedRecord,
    *,
    pk: int,
    expected_versions: Collection[int] | None,
    user: Any,
    changes: Mapping[str, Any],
    check: Callable[[Any, Any, dict[str, list]], None],
) -> tuple[Any, Any]:
    """Change the fields in ``changes`` of the row ``pk``, in one transaction:

    1. lock the row; ``StaleVersion`` (412) unless its version is in ``expected_versions`` (the
       versions the client's If-Match names; None: no check, e.g. the admin's own form check);
    2. assign the fields (a ``TypeError`` for a name not in ``record.fields``: a programming error);
    3. ``check(obj, before, related)``: the record's rules, raising ``ValidationError``; ``before``
       is a copy of the row as it was, ``related`` the many-to-many values given ({field: list});
    4. bump the version and save with ``related`` as one historical record by ``user``.

    Returns ``(obj, before)``, so that the caller can act on what changed (e.g. re-link the areas
    when the geometry did). ``DoesNotExist`` when there is no such row."""
    unknown = set(changes) - record.fields
    if unknown:
        raise TypeError(f"unknown {record.model.__name__} fields: {', '.join(sorted(unknown))}")
    obj: Any = record.model._default_manager.select_for_update().get(pk=pk)
    check_version(obj.version, expected_versions)
    before = copy.copy(obj)
    related = {
        name: list(value) for name, value in changes.items() if name in record.m2m and value is not None
    }
    for name, value in changes.items():
        if name not in record.m2m:
            setattr(obj, name, value)
    check(obj, before, related)
    obj.version += 1
    audited_save(record, obj, user=user, created=False, related=related)
    return obj, before


@transaction.atomic
def versioned_delete(
    record: VersionedRecord, *, pk: int, expected_versions: Collection[int] | None, user: Any
) -> None:
    """Delete the row ``pk`` (what hangs on it cascades), checked like ``versioned_update`` and
    audited ("-" by ``user``). ``DoesNotExist`` when there is no such row."""
    obj: Any = record.model._default_manager.select_for_update().get(pk=pk)
    check_version(obj.version, expected_versions)
    obj._history_user = audit_user(user)
    obj.delete()


def history_revision(obj: Any) -> int:
    """For an audited record without a version number (the strategy tree, consultations): the id of
    its latest historical record, 0 without one. A form carries it like a version; a write refuses
    (``StaleVersion``) when it changed."""
    history: Any = obj.history
    return history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
