"""Reads of /beteiligung/: every consultation of the city and region with its phase, themes, target
groups, Quartiere (computed in PostGIS from its area, EPSG:25832) and formats; filtered in SQL.
Public reads: no personal data, published measures only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.pages import BadParameter
from geo.sql import load
from participation import formats
from participation.models import Consultation, Phase, Process, TargetGroup
from quartiere.models import Area, Level

ID_MAX = 2**62


# the query parameters of the pages (German, like ?stadt=) and of the API (English)
PAGE_NAMES = {
    "phase": "phase",
    "theme": "thema",
    "target_group": "zielgruppe",
    "quartier": "quartier",
    "format": "format",
    "process": "prozess",
}
API_NAMES = {
    "phase": "phase",
    "theme": "theme",
    "target_group": "target_group",
    "quartier": "quartier",
    "format": "format",
    "process": "process",
}


@dataclass(frozen=True)
class Filters:
    phase: str | None = None
    theme: str | None = None
    target_group: str | None = None
    quartier: Area | None = None
    format: str | None = None
    process: Process | None = None

    def active(self) -> bool:
        return any(getattr(self, name) is not None for name in PAGE_NAMES)


def phase_q(phase: str, now: datetime) -> Q:
    """The consultations in ``phase`` at ``now`` (the rule of Consultation.phase, in SQL)."""
    closed = Q(closes_at__lte=now)
    return {
        Phase.PLANNED: Q(opens_at__gt=now),
        Phase.OPEN: Q(opens_at__lte=now, closes_at__gt=now),
        Phase.CLOSED: closed & Q(evaluation_published_at__isnull=True),
        Phase.EVALUATED: closed & Q(evaluation_published_at__isnull=False),
    }[Phase(phase)]


def phase_annotation(now: datetime) -> Case:
    return Case(
        *(When(phase_q(phase, now), then=Value(phase.value)) for phase in Phase),
        default=Value(Phase.CLOSED.value),
    )


def parse_filters(query: Mapping[str, str], names: Mapping[str, str] = PAGE_NAMES) -> Filters:
    """The filters in the query parameters ``query`` (named by ``names``); ``BadParameter`` naming the
    first parameter that names nothing known. Empty values are no filter."""

    def value(key: str) -> str:
        raw = query.get(names[key], "") or ""
        if "\x00" in raw:
            raise BadParameter(names[key], _("it holds a character that no value holds."))
        return raw.strip()

    def one_of(key: str, choices: list[str]) -> str | None:
        raw = value(key)
        if raw and raw not in choices:
            raise BadParameter(
                names[key], _("it must be one of: %(choices)s.") % {"choices": ", ".join(choices)}
            )
        return raw or None

    phase = one_of("phase", Phase.values)
    target_group = one_of("target_group", TargetGroup.values)
    fmt = one_of("format", [f.key for f in formats.formats()])
    theme = value("theme") or None
    if theme is not None and len(theme) > 100:
        raise BadParameter(names["theme"], _("there is no such theme."))
    quartier = None
    if raw := value("quartier"):
        if raw.isascii() and raw.isdigit() and int(raw) <= ID_MAX:
            quartier = Area.objects.filter(pk=int(raw), level=Level.QUARTIER).first()
        if quartier is None:
            raise BadParameter(names["quartier"], _("there is no Quartier with this id."))
    process = None
    if raw := value("process"):
        process = Process.objects.filter(slug=raw).first() if len(raw) <= 100 else None
        if process is None:
            raise BadParameter(names["process"], _("there is no such process."))
    return Filters(phase, theme, target_group, quartier, fmt, process)


def consultations(filters: Filters = Filters(), *, now: datetime | None = None) -> QuerySet[Consultation]:
    """The consultations matching ``filters`` (one SQL statement when evaluated), annotated with
    ``current_phase``; newest opening first."""
    now = now or timezone.now()
    qs = Consultation.objects.select_related("city", "process").annotate(current_phase=phase_annotation(now))
    if filters.phase:
        qs = qs.filter(phase_q(filters.phase, now))
    if filters.theme:
        qs = qs.filter(themes__contains=[filters.theme])
    if filters.target_group:
        qs = qs.filter(target_groups__contains=[filters.target_group])
    if filters.quartier is not None:
        covering = RawSQL(load(__file__, "covering"), [filters.quartier.pk])  # noqa: S611 - a file, bound
        qs = qs.filter(id__in=covering)
    if filters.format:
        fmt = formats.get(filters.format)
        if fmt is not None:
            qs = qs.filter(fmt.uses())
    if filters.process is not None:
        qs = qs.filter(process=filters.process)
    return qs.order_by("-opens_at", "id")


@dataclass
class Row:
    """One consultation of the list with what the page shows beside it."""

    consultation: Consultation
    phase: str
    phase_label: str
    quartiere: list[dict] = field(default_factory=list)
    formats: list[formats.Format] = field(default_factory=list)


def quartiere_of(ids: list[int]) -> dict[int, list[dict]]:
    """consultation id → the Quartiere its area covers ({id, name, slug}), computed by PostGIS."""
    found: dict[int, list[dict]] = {pk: [] for pk in ids}
    if not ids:
        return found
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "quartiere"), {"ids": ids})
        for consultation_id, pk, name, slug in cursor.fetchall():
            found[consultation_id].append({"id": pk, "name": name, "slug": slug})
    return found


def formats_of(ids: list[int]) -> dict[int, list[formats.Format]]:
    """consultation id → the registered formats it uses (one query per format)."""
    found: dict[int, list[formats.Format]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for fmt in formats.formats():
        for pk in Consultation.objects.filter(pk__in=ids).filter(fmt.uses()).values_list("pk", flat=True):
            found[pk].append(fmt)
    return found


def rows(qs: QuerySet[Consultation] | list[Consultation]) -> list[Row]:
    """The consultations of ``qs`` with their phase, Quartiere and formats."""
    items = list(qs)
    ids = [c.pk for c in items]
    quartiere, used = quartiere_of(ids), formats_of(ids)
    labels = dict(Phase.choices)
    result = []
    for c in items:
        phase = getattr(c, "current_phase", None) or c.phase()
        result.append(Row(c, phase, str(labels[phase]), quartiere[c.pk], used[c.pk]))
    return result


def features(ids: list[int]) -> str:
    """The consultations ``ids`` as a GeoJSON FeatureCollection (text, EPSG:4326) of their areas."""
    from participation.selectors import consultation_features

    return '{"type":"FeatureCollection","features":[' + consultation_features(ids=ids) + "]}"


def themes() -> list[str]:
    """Every theme of a consultation, sorted (the filter's and the subscription's choices)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT t FROM participation_consultation, unnest(themes) AS t ORDER BY t")
        return [row[0] for row in cursor.fetchall()]


def quartiere_choices() -> list[Area]:
    """Every Quartier of a city that has a consultation, by city and name."""
    return list(
        Area.objects.filter(level=Level.QUARTIER, parent__consultations__isnull=False)
        .select_related("parent")
        .distinct()
        .order_by("parent__name", "name")
    )


def process_steps(process: Process, *, now: datetime | None = None) -> list[Row]:
    """The consultations of ``process`` as its steps, by date (opening, then closing)."""
    now = now or timezone.now()
    qs = (
        Consultation.objects.filter(process=process)
        .select_related("city", "process")
        .annotate(current_phase=phase_annotation(now))
        .order_by("opens_at", "closes_at", "id")
    )
    return rows(qs)


def received(consultation: Consultation) -> list[tuple[formats.Format, list[tuple[str, int]]]]:
    """What every format the consultation uses received: [(format, [(label, n), …]), …]."""
    used = formats_of([consultation.pk])[consultation.pk]
    return [
        (fmt, [(str(label), n) for label, n in fmt.received(consultation)]) for fmt in used if fmt.received
    ]


def calendar(filters: Filters = Filters(), *, now: datetime | None = None) -> list[dict]:
    """The openings and closings of the consultations matching ``filters``, by date: [{date, kind
    ("opens"|"closes"), row}], grouped into months by the page."""
    items = rows(consultations(filters, now=now))
    events: list[dict[str, Any]] = []
    for row in items:
        c = row.consultation
        events.append({"at": timezone.localtime(c.opens_at), "kind": "opens", "row": row})
        events.append({"at": timezone.localtime(c.closes_at), "kind": "closes", "row": row})
    events.sort(key=lambda e: (e["at"], e["row"].consultation.pk))
    return events
