"""Writes of the strategy tree: action fields (Handlungsfelder) → strategic goals → master plans.
The back office (/planung/strategie/) and the API (/api/action-fields/ …) call these functions;
every rule on the tree is checked here, once.

- Only planners write (``user`` None: a system write, e.g. the demo loader or a command).
- Every write is audited by django-simple-history (who, when, the values after it; a master plan's
  action fields in the same record) through ``geo.records.services.audited_save``.
- Lost updates: the tree's models carry no version number, so the id of a record's latest historical
  record is its **revision** (``strategy_revision``). A page carries the revision it showed and passes
  it as ``expected_revision``; a write under a row lock refuses with ``StaleVersion`` (412) when
  someone wrote the record since. ``expected_revision`` None skips the check (the API's plain CRUD).
- A node that measures still refer to is not deleted (``Conflict``, 409, naming how many).

The strategy tree is not owned by a city (no ``city`` column): the city scope (``staff.scope``) does
not apply to it."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geo.errors import Conflict, Forbidden, NotFound, StaleVersion
from geo.permissions import is_planner
from geo.records.services import VersionedRecord, audit_user, audited_save, check_fields, history_revision
from measures.models import MASTER_PLAN_HISTORY, ActionField, MasterPlan, MasterPlanStatus, StrategicGoal

ACTION_FIELD_FIELDS = frozenset({"name", "slug", "description", "position"})
STRATEGIC_GOAL_FIELDS = frozenset({"action_field", "number", "title", "text"})
MASTER_PLAN_FIELDS = frozenset({"title", "version", "year_adopted", "status", "action_fields"})

ACTION_FIELD_RECORD = VersionedRecord(ActionField, name="action_field", fields=ACTION_FIELD_FIELDS)
STRATEGIC_GOAL_RECORD = VersionedRecord(StrategicGoal, name="strategic_goal", fields=STRATEGIC_GOAL_FIELDS)
MASTER_PLAN_RECORD = VersionedRecord(
    MasterPlan, name="master_plan", fields=MASTER_PLAN_FIELDS, history=MASTER_PLAN_HISTORY
)


def strategy_check_user(user: Any) -> None:
    """``Forbidden`` (403) unless ``user`` is a planner (None: a system write, allowed)."""
    if user is not None and not is_planner(user):
        raise Forbidden(_("The strategy tree is edited by the planners' group."))


def strategy_revision(obj: models.Model) -> int:
    """The revision of a strategy record: the id of its latest historical record (0 without one)."""
    return history_revision(obj)


def _locked(record: VersionedRecord, pk: int, expected_revision: int | None) -> Any:
    """The row ``pk`` under a lock; ``NotFound`` without it, ``StaleVersion`` when its revision is not
    ``expected_revision`` (None: no check)."""
    obj = record.model._default_manager.select_for_update().filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("There is no such %(record)s.") % {"record": record.model._meta.verbose_name})
    if expected_revision is not None:
        current = strategy_revision(obj)
        if current != expected_revision:
            raise StaleVersion(current)
    return obj


def _assign(record: VersionedRecord, obj: Any, changes: dict[str, Any]) -> dict[str, list]:
    """Set the plain fields of ``changes`` on ``obj``; returns the many-to-many ones."""
    unknown = set(changes) - record.fields
    if unknown:
        raise TypeError(f"unknown {record.model.__name__} fields: {', '.join(sorted(unknown))}")
    related = {}
    for name, value in changes.items():
        if name in record.m2m:
            related[name] = list(value)
        else:
            setattr(obj, name, value)
    return related


def _strip(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, str):
            setattr(obj, name, value.strip())


# --- action fields --------------------------------------------------------------------------------


def _unique_slug(name: str, *, exclude_pk: int | None) -> str:
    base = (slugify(name) or "handlungsfeld")[:190]
    slug, n = base, 2
    taken = ActionField.objects.exclude(pk=exclude_pk) if exclude_pk else ActionField.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _action_field_check(field: ActionField) -> None:
    _strip(field, "name", "description")
    errors: dict[str, list[str]] = {}
    if not field.slug and field.name:
        field.slug = _unique_slug(field.name, exclude_pk=field.pk)
    check_fields(field, errors, exclude=[])


@transaction.atomic
def action_field_create(
    *, name: str, description: str = "", position: int | None = None, slug: str = "", user: Any = None
) -> ActionField:
    """A new action field; ``position`` None puts it last; ``slug`` empty derives one from the name."""
    strategy_check_user(user)
    if position is None:
        position = (ActionField.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    field = ActionField(name=name, description=description, position=position, slug=slug)
    _action_field_check(field)
    audited_save(ACTION_FIELD_RECORD, field, user=user, created=True)
    return field


@transaction.atomic
def action_field_update(
    *, action_field_id: int, expected_revision: int | None, user: Any = None, **changes: Any
) -> ActionField:
    """Change the fields in ``changes`` (``ACTION_FIELD_FIELDS``); the slug stays unless given."""
    strategy_check_user(user)
    field = _locked(ACTION_FIELD_RECORD, action_field_id, expected_revision)
    _assign(ACTION_FIELD_RECORD, field, changes)
    _action_field_check(field)
    audited_save(ACTION_FIELD_RECORD, field, user=user, created=False)
    return field


@transaction.atomic
def action_field_delete(*, action_field_id: int, expected_revision: int | None, user: Any = None) -> None:
    """Delete an action field without strategic goals (``Conflict`` while it has any: they would
    leave the measures that refer to them without a place in the strategy)."""
    strategy_check_user(user)
    field = _locked(ACTION_FIELD_RECORD, action_field_id, expected_revision)
    goals = field.goals.count()
    if goals:
        raise Conflict(
            ngettext(
                "This action field still has %(n)d strategic goal; move or delete it first. Nothing was "
                "deleted.",
                "This action field still has %(n)d strategic goals; move or delete them first. Nothing was "
                "deleted.",
                goals,
            )
            % {"n": goals}
        )
    field._history_user = audit_user(user)
    field.delete()  # its links to master plans go with it


# --- strategic goals ------------------------------------------------------------------------------


def _strategic_goal_check(goal: StrategicGoal) -> None:
    _strip(goal, "title", "text")
    errors: dict[str, list[str]] = {}
    if goal.action_field_id is None:
        errors["action_field"] = [_("Choose the action field the goal belongs to.")]
    elif (
        goal.number is not None
        and StrategicGoal.objects.filter(action_field_id=goal.action_field_id, number=goal.number)
        .exclude(pk=goal.pk)
        .exists()
    ):
        errors["number"] = [
            _("The action field already has a goal number %(number)d.") % {"number": goal.number}
        ]
    check_fields(goal, errors, exclude=["action_field"])


@transaction.atomic
def strategic_goal_create(
    *,
    action_field: ActionField,
    title: str,
    text: str = "",
    number: int | None = None,
    user: Any = None,
) -> StrategicGoal:
    """A new goal of ``action_field``; ``number`` None gives it the next free number."""
    strategy_check_user(user)
    if number is None:
        number = (action_field.goals.aggregate(m=Max("number"))["m"] or 0) + 1
    goal = StrategicGoal(action_field=action_field, number=number, title=title, text=text)
    _strategic_goal_check(goal)
    audited_save(STRATEGIC_GOAL_RECORD, goal, user=user, created=True)
    return goal


@transaction.atomic
def strategic_goal_update(
    *, strategic_goal_id: int, expected_revision: int | None, user: Any = None, **changes: Any
) -> StrategicGoal:
    """Change the fields in ``changes`` (``STRATEGIC_GOAL_FIELDS``): rename, renumber, move to another
    action field."""
    strategy_check_user(user)
    goal = _locked(STRATEGIC_GOAL_RECORD, strategic_goal_id, expected_revision)
    _assign(STRATEGIC_GOAL_RECORD, goal, changes)
    _strategic_goal_check(goal)
    audited_save(STRATEGIC_GOAL_RECORD, goal, user=user, created=False)
    return goal


def _in_use(count: int) -> Conflict:
    return Conflict(
        ngettext(
            "%(n)d measure still refers to this; link it elsewhere first. Nothing was deleted.",
            "%(n)d measures still refer to this; link them elsewhere first. Nothing was deleted.",
            count,
        )
        % {"n": count}
    )


@transaction.atomic
def strategic_goal_delete(*, strategic_goal_id: int, expected_revision: int | None, user: Any = None) -> None:
    """Delete a goal no measure refers to (``Conflict`` otherwise)."""
    strategy_check_user(user)
    goal = _locked(STRATEGIC_GOAL_RECORD, strategic_goal_id, expected_revision)
    count = goal.measures.count()
    if count:
        raise _in_use(count)
    goal._history_user = audit_user(user)
    goal.delete()


# --- master plans ---------------------------------------------------------------------------------


def _master_plan_check(plan: MasterPlan) -> None:
    _strip(plan, "title", "version")
    check_fields(plan, {}, exclude=[])


@transaction.atomic
def master_plan_create(
    *,
    title: str,
    version: str = "",
    year_adopted: int | None = None,
    status: str = MasterPlanStatus.DRAFT,
    action_fields: Iterable[ActionField] = (),
    user: Any = None,
) -> MasterPlan:
    """A new master plan covering ``action_fields``."""
    strategy_check_user(user)
    plan = MasterPlan(title=title, version=version, year_adopted=year_adopted, status=status)
    _master_plan_check(plan)
    audited_save(MASTER_PLAN_RECORD, plan, user=user, created=True, related={"action_fields": action_fields})
    return plan


@transaction.atomic
def master_plan_update(
    *, master_plan_id: int, expected_revision: int | None, user: Any = None, **changes: Any
) -> MasterPlan:
    """Change the fields in ``changes`` (``MASTER_PLAN_FIELDS``; ``action_fields`` replaces the links)."""
    strategy_check_user(user)
    plan = _locked(MASTER_PLAN_RECORD, master_plan_id, expected_revision)
    related = _assign(MASTER_PLAN_RECORD, plan, changes)
    _master_plan_check(plan)
    audited_save(MASTER_PLAN_RECORD, plan, user=user, created=False, related=related)
    return plan


@transaction.atomic
def master_plan_delete(*, master_plan_id: int, expected_revision: int | None, user: Any = None) -> None:
    """Delete a master plan no measure refers to (``Conflict`` otherwise)."""
    strategy_check_user(user)
    plan = _locked(MASTER_PLAN_RECORD, master_plan_id, expected_revision)
    count = plan.measures.count()
    if count:
        raise _in_use(count)
    plan._history_user = audit_user(user)
    plan.delete()
