"""Reads of the council app: papers found by reference or title, a paper's consultations resolved to
their meetings, committees and agenda items, and the decision that counts for a paper — both from the
view ``council_consultation_decision`` (migration 0002: the OParl references kept as URLs are joined
there, in the one rule the measures API shares). Deleted objects (markers of the source) are never
returned."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from council.models import Paper, PaperFile

SEARCH_LIMIT = 20
# "354/20", "Vorl.Nr. 354/20", "Drucksache 354/2020": the number is what is searched
REFERENCE = re.compile(r"\d+\s*/\s*\d+")


@dataclass(frozen=True)
class Decision:
    """A consultation of a paper as the pages show it: when, by whom, with what result
    (a row of ``council_consultation_decision``)."""

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
    decided: bool  # authoritative, or its result begins with "beschlossen"
    deciding: bool  # the consultation that decided the paper (the view's rule)


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


DECISION_SQL = """
SELECT paper_id, role, authoritative, date, committee, meeting, meeting_web, agenda_number, result,
       resolution_text, decided, deciding
FROM council_consultation_decision
WHERE paper_id = ANY(%s)
ORDER BY paper_id, date NULLS LAST, committee COLLATE "C", id
"""


def decisions_for(paper_ids: Iterable[int]) -> dict[int, list[Decision]]:
    """The consultations of the papers ``paper_ids`` (by paper id), oldest meeting first (one query)."""
    result: dict[int, list[Decision]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(DECISION_SQL, [list(paper_ids)])
        for row in cursor.fetchall():
            result[row[0]].append(Decision(*row))
    return result


def deciding(decisions: list[Decision]) -> Decision | None:
    """The consultation that decided the paper (the last decided one), else its latest one."""
    return next((d for d in decisions if d.deciding), None)


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
