"""Writes of the council app: the OParl import (``oparl_import``) and the check every link to a paper
goes through (``paper_for_link``).

The import, per body: read everything first (organizations, meetings with their agenda items, papers
with their consultations and files; only what changed since the last successful import unless
``full``), then write it in **one transaction** together with the new sync time. A failure while
reading (HTTP error, invalid JSON, a wrong ``type``) writes nothing for that body and leaves its sync
time as it was, so the next run asks for the same changes again. Upserts are keyed by the OParl id;
an object the source marks ``deleted`` is kept as a hidden marker; a ``full`` import also marks the
body's objects the source no longer lists."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from council.models import (
    OPARL_ID_LENGTH,
    AgendaItem,
    Body,
    FileRole,
    Meeting,
    Organization,
    Paper,
    PaperConsultation,
    PaperFile,
    SyncState,
)
from council.oparl import OParlError, Source, check_object, check_url, list_objects, type_of
from geo.errors import ServiceError
from quartiere.models import Area, Level
from staff.scope import check_city


@dataclass
class BodyImport:
    """What one import of a body did: objects written per kind, deleted markers, requests made."""

    body: str
    since: dt.datetime | None
    counts: dict[str, int] = field(default_factory=dict)
    deleted: int = 0

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in self.counts.items())
        since = self.since.isoformat() if self.since else "-"
        return f"{self.body}: {kinds}, deleted {self.deleted} (modified since {since})"


def oparl_import(
    source: Source,
    url: str,
    *,
    body_id: str | None = None,
    since: dt.datetime | None = None,
    full: bool = False,
) -> list[BodyImport]:
    """Import the OParl system or body at ``url`` (``body_id``: only that body of a system) from
    ``source``. ``since`` overrides the stored sync time; ``full`` reads everything. OParlError when
    the source cannot be read; nothing of a failing body is written."""
    root = source.get(check_url(url))
    kind = type_of(root)
    if kind == "System":
        bodies_url = root.get("body")
        if not isinstance(bodies_url, str):
            raise OParlError(_("%(url)s: the system names no body list.") % {"url": url})
        bodies = list(list_objects(source, bodies_url, "Body"))
    elif kind == "Body":
        bodies = [check_object(root, "Body", url)]
    else:
        raise OParlError(
            _("%(url)s: expected an OParl System or Body, found %(found)s.")
            % {"url": url, "found": root.get("type")}
        )
    if body_id:
        bodies = [body for body in bodies if body["id"] == body_id]
        if not bodies:
            raise OParlError(_("%(url)s lists no body %(id)s.") % {"url": url, "id": body_id})
    return [_import_body(source, url, body, since=since, full=full) for body in bodies]


def _import_body(
    source: Source, url: str, data: dict[str, Any], *, since: dt.datetime | None, full: bool
) -> BodyImport:
    started = timezone.now()
    city = _city_of(data)
    existing = Body.objects.filter(oparl_id=data["id"]).select_related("sync_state").first()
    if since is None and not full and existing is not None and hasattr(existing, "sync_state"):
        since = existing.sync_state.synced_at
    params = {"modified_since": since.isoformat()} if since else None
    lists: dict[str, list[dict[str, Any]]] = {}
    for key, kind in (("organization", "Organization"), ("meeting", "Meeting"), ("paper", "Paper")):
        list_url = data.get(key)
        lists[kind] = (
            list(list_objects(source, list_url, kind, params=params)) if isinstance(list_url, str) else []
        )
    report = BodyImport(body=_text(data, "name", 300), since=since)
    with transaction.atomic():
        body = _store_body(data, city)
        report.counts["organizations"] = _store_all(body, lists["Organization"], _store_organization, report)
        report.counts["meetings"] = _store_all(body, lists["Meeting"], _store_meeting, report)
        report.counts["papers"] = _store_all(body, lists["Paper"], _store_paper, report)
        if full:
            for model, kind in ((Organization, "Organization"), (Meeting, "Meeting"), (Paper, "Paper")):
                listed = [obj["id"] for obj in lists[kind]]
                report.deleted += (
                    model.objects.filter(body=body, deleted=False)
                    .exclude(oparl_id__in=listed)
                    .update(deleted=True)
                )
        seen = sum(len(objects) for objects in lists.values())
        SyncState.objects.update_or_create(
            body=body, defaults={"source": url, "synced_at": started, "objects_seen": seen}
        )
    return report


def _city_of(data: dict[str, Any]) -> Area:
    """The city of an OParl body: by ``ags`` (8 digits), else by the ``rgs`` (12 digits: the AGS is
    its first five and last three)."""
    ags, rgs = _text(data, "ags", 12), _text(data, "rgs", 12)
    if not ags and len(rgs) == 12:
        ags = rgs[:5] + rgs[-3:]
    city = Area.objects.filter(level=Level.CITY, code=ags).first() if ags else None
    if city is None:
        raise OParlError(
            _("The body %(id)s names no city of this service (AGS “%(ags)s”).")
            % {"id": data["id"], "ags": ags}
        )
    return city


def _store_all(body: Body, objects: Iterable[dict[str, Any]], store: Any, report: BodyImport) -> int:
    count = 0
    for obj in objects:
        if obj.get("deleted") is True:
            report.deleted += _mark_deleted(obj)
        else:
            store(body, obj)
            count += 1
    return count


def _mark_deleted(obj: dict[str, Any]) -> int:
    models: dict[str, Any] = {"Organization": Organization, "Meeting": Meeting, "Paper": Paper}
    model = models[type_of(obj)]
    updated: int = model.objects.filter(oparl_id=obj["id"]).update(
        deleted=True, modified=_datetime(obj, "modified")
    )
    return updated


def _common(obj: dict[str, Any]) -> dict[str, Any]:
    return {"created": _datetime(obj, "created"), "modified": _datetime(obj, "modified"), "deleted": False}


def _store_body(data: dict[str, Any], city: Area) -> Body:
    body, _created = Body.objects.update_or_create(
        oparl_id=data["id"],
        defaults={
            **_common(data),
            "city": city,
            "name": _text(data, "name", 300),
            "short_name": _text(data, "shortName", 100),
            "ags": city.code,
            "web": _link(data, "web") or _link(data, "website"),
        },
    )
    return body


def _store_organization(body: Body, obj: dict[str, Any]) -> None:
    Organization.objects.update_or_create(
        oparl_id=obj["id"],
        defaults={
            **_common(obj),
            "body": body,
            "name": _text(obj, "name", 300),
            "short_name": _text(obj, "shortName", 100),
            "classification": _text(obj, "classification", 200),
            "organization_type": _text(obj, "organizationType", 200),
        },
    )


def _store_meeting(body: Body, obj: dict[str, Any]) -> None:
    meeting, _created = Meeting.objects.update_or_create(
        oparl_id=obj["id"],
        defaults={
            **_common(obj),
            "body": body,
            "name": _text(obj, "name", 300),
            "start": _datetime(obj, "start"),
            "end": _datetime(obj, "end"),
            "cancelled": obj.get("cancelled") is True,
            "organization_refs": _links(obj, "organization"),
            "web": _link(obj, "web"),
        },
    )
    items = [item for item in _embedded(obj, "agendaItem", "AgendaItem") if item.get("deleted") is not True]
    meeting.agenda_items.exclude(oparl_id__in=[item["id"] for item in items]).delete()
    for position, item in enumerate(items):
        order = item.get("order")
        AgendaItem.objects.update_or_create(
            oparl_id=item["id"],
            defaults={
                **_common(item),
                "meeting": meeting,
                "number": _text(item, "number", 50),
                "order": order if isinstance(order, int) and abs(order) < 2**31 else position,
                "name": _text(item, "name", 1000),
                "public": item.get("public") is not False,
                "result": _text(item, "result", 300),
                "resolution_text": _text(item, "resolutionText", 50_000),
                "consultation_ref": _link(item, "consultation"),
            },
        )


def _store_paper(body: Body, obj: dict[str, Any]) -> None:
    paper, _created = Paper.objects.update_or_create(
        oparl_id=obj["id"],
        defaults={
            **_common(obj),
            "body": body,
            "name": _text(obj, "name", 1000),
            "reference": _text(obj, "reference", 100),
            "date": _date(obj, "date"),
            "paper_type": _text(obj, "paperType", 200),
            "web": _link(obj, "web"),
        },
    )
    consultations = [
        c for c in _embedded(obj, "consultation", "Consultation") if c.get("deleted") is not True
    ]
    paper.consultations.exclude(oparl_id__in=[c["id"] for c in consultations]).delete()
    for consultation in consultations:
        PaperConsultation.objects.update_or_create(
            oparl_id=consultation["id"],
            defaults={
                **_common(consultation),
                "paper": paper,
                "meeting_ref": _link(consultation, "meeting"),
                "agenda_item_ref": _link(consultation, "agendaItem"),
                "organization_refs": _links(consultation, "organization"),
                "role": _text(consultation, "role", 200),
                "authoritative": consultation.get("authoritative") is True,
            },
        )
    main = obj.get("mainFile")
    files = [(FileRole.MAIN, main)] if isinstance(main, dict) else []
    files += [(FileRole.AUXILIARY, f) for f in _embedded(obj, "auxiliaryFile", "File")]
    if files and files[0][0] == FileRole.MAIN:
        check_object(main, "File", obj["id"])
    files = [(role, f) for role, f in files if f.get("deleted") is not True and _link(f, "accessUrl")]
    paper.files.exclude(oparl_id__in=[f["id"] for _role, f in files]).delete()
    for role, data in files:
        size = data.get("size")
        PaperFile.objects.update_or_create(
            paper=paper,
            oparl_id=data["id"],
            defaults={
                **_common(data),
                "role": role,
                "name": _text(data, "name", 1000),
                "file_name": _text(data, "fileName", 500),
                "mime_type": _text(data, "mimeType", 200),
                "size": size if isinstance(size, int) and 0 <= size < 2**63 else None,
                "date": _date(data, "date"),
                "access_url": _link(data, "accessUrl"),
                "download_url": _link(data, "downloadUrl"),
            },
        )


# -- reading fields: text as data (length-limited), links only http(s), unparsable dates as unknown --


def _embedded(obj: dict[str, Any], key: str, kind: str) -> list[dict[str, Any]]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise OParlError(_("%(url)s: “%(key)s” is not a list.") % {"url": obj["id"], "key": key})
    return [check_object(item, kind, obj["id"]) for item in value]


def _text(obj: dict[str, Any], key: str, limit: int) -> str:
    value = obj.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _link(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or len(value) > OPARL_ID_LENGTH:
        return ""
    try:
        return check_url(value)
    except OParlError:
        return ""


def _links(obj: dict[str, Any], key: str) -> list[str]:
    value = obj.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [link for link in (_link({"v": v}, "v") for v in value) if link]


def _datetime(obj: dict[str, Any], key: str) -> dt.datetime | None:
    value = obj.get(key)
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _date(obj: dict[str, Any], key: str) -> dt.date | None:
    value = obj.get(key)
    try:
        return parse_date(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


# -- linking ------------------------------------------------------------------------------------------


def paper_for_link(*, user: Any, paper_id: Any, city_id: int | None, field: str = "paper") -> Paper:
    """The paper ``paper_id`` for a link from a record of the city ``city_id`` (None: a record shared
    by every city, e.g. a master plan): it must exist, not be deleted in the source, belong to that
    city (400 naming ``field``), and ``user`` must act in the paper's city (403)."""
    try:
        pk = int(paper_id)
    except (TypeError, ValueError):
        raise ServiceError(_("Choose a council paper."), field) from None
    paper = Paper.objects.filter(pk=pk, deleted=False).first()
    if paper is None:
        raise ServiceError(_("There is no such council paper."), field)
    if city_id is not None and paper.city_id != city_id:
        raise ServiceError(_("This council paper belongs to another city's council."), field)
    check_city(user, paper.city_id, field=field)
    return paper
