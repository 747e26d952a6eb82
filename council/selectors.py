"""Reads of the council app: papers found by reference or title, a paper's consultations resolved to
their meetings, committees and agenda items (the OParl references kept as URLs are joined here), and
the decision that counts for a paper. Deleted objects (markers of the source) are never returned."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from council.models import AgendaItem, Meeting, Organization, Paper, PaperConsultation, PaperFile

SEARCH_LIMIT = 20
# "354/20", "Vorl.Nr. 354/20", "Drucksache 354/2020": the number is what is searched
REFERENCE = re.compile(r"\d+\s*/\s*\d+")


@dataclass(frozen=True)
class Decision:
    """A consultation of a paper as the pages show it: when, by whom, with what result."""

    paper_id: int
    role: str
    authoritative: bool
    date: dt.datetime | None
    committee: str
    meeting: str
    meeting_web: str
    agenda_number: str
    result: str
    resolution_text: str

    @property
    def decided(self) -> bool:
        return self.authoritative or self.result.lower().startswith("beschlossen")


@dataclass
class PaperPage:
    paper: Paper
    decisions: list[Decision]
    files: list[PaperFile] = field(default_factory=list)


def live_papers() -> QuerySet[Paper]:
    return Paper.objects.filter(deleted=False)


def paper_search(query: str, *, city_id: int | None = None, limit: int = SEARCH_LIMIT) -> list[Paper]:
    """Papers whose reference contains the number in ``query`` ("354/20", also written "Vorl.Nr.
    354/20") or whose title contains ``query``; newest first; of ``city_id`` only when given."""
    papers = live_papers().select_related("body")
    if city_id is not None:
        papers = papers.filter(city_id=city_id)
    query = (query or "").strip()[:200]
    if query:
        number = REFERENCE.search(query)
        condition = Q(name__icontains=query) | Q(reference__icontains=query)
        if number:
            condition |= Q(reference__icontains=re.sub(r"\s+", "", number.group()))
        papers = papers.filter(condition)
    return list(papers.order_by("-date", "reference", "id")[:limit])


def decisions_for(paper_ids: Iterable[int]) -> dict[int, list[Decision]]:
    """The consultations of the papers ``paper_ids`` (by paper id), oldest meeting first; the meetings,
    organizations and agenda items joined by their OParl ids (four queries in all)."""
    consultations = list(PaperConsultation.objects.filter(paper_id__in=list(paper_ids), paper__deleted=False))
    meeting_refs = {c.meeting_ref for c in consultations if c.meeting_ref}
    meetings = {m.oparl_id: m for m in Meeting.objects.filter(oparl_id__in=meeting_refs, deleted=False)}
    item_refs = {c.agenda_item_ref for c in consultations if c.agenda_item_ref}
    items = {i.oparl_id: i for i in AgendaItem.objects.filter(oparl_id__in=item_refs)}
    org_refs = {ref for c in consultations for ref in c.organization_refs}
    org_refs |= {ref for m in meetings.values() for ref in m.organization_refs}
    organizations = {o.oparl_id: o for o in Organization.objects.filter(oparl_id__in=org_refs, deleted=False)}
    result: dict[int, list[Decision]] = defaultdict(list)
    for c in consultations:
        meeting = meetings.get(c.meeting_ref)
        item: AgendaItem | None = items.get(c.agenda_item_ref)
        refs = c.organization_refs or (meeting.organization_refs if meeting else [])
        committee = ", ".join(organizations[ref].name for ref in refs if ref in organizations)
        result[c.paper_id].append(
            Decision(
                paper_id=c.paper_id,
                role=c.role,
                authoritative=c.authoritative,
                date=meeting.start if meeting else None,
                committee=committee,
                meeting=meeting.name if meeting else "",
                meeting_web=meeting.web if meeting else "",
                agenda_number=item.number if item else "",
                result=item.result if item else "",
                resolution_text=item.resolution_text if item and item.public else "",
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    for decisions in result.values():
        decisions.sort(key=lambda d: (d.date or far, d.committee))
    return result


def deciding(decisions: list[Decision]) -> Decision | None:
    """The consultation that decided the paper (the last deciding one), else its latest one."""
    decided = [d for d in decisions if d.decided] or decisions
    return decided[-1] if decided else None


def paper_page(paper_id: int) -> PaperPage | None:
    """Everything ``/rat/vorlagen/<id>/`` shows of a paper; None when there is none (or it is deleted)."""
    paper = live_papers().select_related("body", "city").filter(pk=paper_id).first()
    if paper is None:
        return None
    return PaperPage(
        paper=paper,
        decisions=decisions_for([paper.pk]).get(paper.pk, []),
        files=list(paper.files.filter(deleted=False)),
    )
