"""Writes of /beteiligung/ by planners: processes (``process_create``, ``process_update``) and a
consultation's evaluation (``consultation_evaluate``). Only planners, only in the cities they work
for (staff.scope.check_city); audited by django-simple-history (who, when, the values after it).
Subscriptions (citizens' writes) are in participation.portal.subscriptions."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from geo.errors import NotFound, StaleVersion
from geo.permissions import is_planner, require
from geo.records.services import VersionedRecord, audited_save, check_fields
from measures.models import Measure
from participation.consultations import consultation_revision
from participation.models import EVALUATION_MAX, Consultation, Process
from participation.services import clean_text
from quartiere.models import Area, Level
from staff.scope import check_city

PROCESS_FIELDS = frozenset({"title", "slug", "description", "city"})
PROCESS_RECORD = VersionedRecord(Process, name="process", fields=PROCESS_FIELDS)
EVALUATION_RECORD = VersionedRecord(
    Consultation, name="consultation", fields=frozenset({"evaluation", "evaluation_published_at"})
)


def _check_planner(user: Any) -> None:
    require(user, is_planner, _("Processes and evaluations are written by the planners' group."))


def _process_check(process: Process) -> None:
    errors: dict[str, list[str]] = {}
    process.title = " ".join((process.title or "").split())
    process.description = clean_text(process.description or "")
    if process.city_id is None or process.city.level != Level.CITY:
        errors["city"] = [_("Must be an area of level city.")]
    if not process.slug and process.title:
        base, n = (slugify(process.title) or "prozess")[:90], 2
        process.slug = base
        while Process.objects.exclude(pk=process.pk).filter(slug=process.slug).exists():
            process.slug, n = f"{base}-{n}", n + 1
    check_fields(process, errors, exclude=["city", *errors])


@transaction.atomic
def process_create(
    *, city: Area, title: str, description: str = "", slug: str = "", user: Any = None
) -> Process:
    """A new process of ``city``; the slug from the title when none is given."""
    _check_planner(user)
    check_city(user, city.pk if city else None, field="city")
    process = Process(city=city, title=title, description=description, slug=slug)
    _process_check(process)
    audited_save(PROCESS_RECORD, process, user=user, created=True)
    return process


@transaction.atomic
def process_update(*, process_id: int, user: Any = None, **changes: Any) -> Process:
    """Change the fields in ``changes`` (title, slug, description, city) under a row lock."""
    _check_planner(user)
    unknown = set(changes) - PROCESS_FIELDS
    if unknown:
        raise TypeError(f"unknown Process fields: {', '.join(sorted(unknown))}")
    process = Process.objects.select_for_update().filter(pk=process_id).first()
    if process is None:
        raise NotFound(_("There is no such process."))
    check_city(user, process.city_id)
    if "city" in changes:
        check_city(user, changes["city"].pk if changes["city"] else None, field="city")
    for name, value in changes.items():
        setattr(process, name, value)
    _process_check(process)
    audited_save(PROCESS_RECORD, process, user=user, created=False)
    return process


@transaction.atomic
def consultation_evaluate(
    *,
    consultation_id: int,
    evaluation: str,
    publish: bool,
    measure_ids: Iterable[int] = (),
    expected_revision: int | None = None,
    user: Any = None,
    now: datetime | None = None,
) -> Consultation:
    """Write the evaluation of a closed consultation (what was decided, plain text) and link the
    measures that came of it (of its city); ``publish`` shows it on the public page (the phase
    becomes "evaluated"), else it stays a draft. ``StaleVersion`` when the consultation changed since
    ``expected_revision``."""
    _check_planner(user)
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound(_("There is no such consultation."))
    check_city(user, consultation.city_id)
    if expected_revision is not None:
        current = consultation_revision(consultation)
        if current != expected_revision:
            raise StaleVersion(current)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    text = clean_text(evaluation or "")
    if len(text) > EVALUATION_MAX:
        errors["evaluation"] = [_("At most %(max)d characters.") % {"max": EVALUATION_MAX}]
    if publish and not text:
        errors["evaluation"] = [_("Write the evaluation before publishing it.")]
    if publish and now < consultation.closes_at:
        errors["evaluation"] = [_("A consultation is evaluated after it has closed.")]
    ids = sorted(set(measure_ids))
    found = set(Measure.objects.filter(pk__in=ids, city_id=consultation.city_id).values_list("pk", flat=True))
    if len(found) != len(ids):
        errors["measures"] = [_("Only measures of the consultation's city can be linked.")]
    if errors:
        raise ValidationError(errors)
    consultation.evaluation = text
    if not publish:
        consultation.evaluation_published_at = None
    elif consultation.evaluation_published_at is None:
        consultation.evaluation_published_at = now
    consultation.measures.set(ids)  # before the save: its historical record keeps the links
    audited_save(EVALUATION_RECORD, consultation, user=user, created=False)
    return consultation
