"""Planners link measures and master plans to council papers (``council.Paper``): the one place the
rules live (docs/council.md). A measure's paper must belong to the measure's city (400 naming
``paper``); the planner must work for that city (403). A master plan is shared by every city: the
paper's city decides who may link it. A link is written once (linking twice changes nothing) and
records who linked it and when. ``measure_papers`` reads them for the pages."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.models import Paper
from council.selectors import Decision, deciding, decisions_for
from council.services import paper_for_link
from geo.errors import NotFound
from geo.permissions import require_planner
from measures.models import MasterPlan, MasterPlanPaper, Measure, MeasurePaper
from measures.strategy_services import strategy_check_user
from staff.scope import check_city


def _user_or_none(user: Any) -> Any:
    return user if user is not None and user.is_authenticated else None


def _measure(measure_id: Any, user: Any) -> Measure:
    measure = (
        Measure.objects.select_for_update().filter(pk=measure_id).first()
        if str(measure_id).isdigit()
        else None
    )
    if measure is None:
        raise NotFound(_("There is no such measure."), "measure")
    check_city(user, measure.city_id, field="measure")
    return measure


@transaction.atomic
def measure_paper_link(*, measure_id: Any, paper_id: Any, user: Any = None) -> MeasurePaper:
    """Link the paper ``paper_id`` to the measure ``measure_id`` (both of one city)."""
    require_planner(user)
    measure = _measure(measure_id, user)
    paper = paper_for_link(user=user, paper_id=paper_id, city_id=measure.city_id)
    link, _created = MeasurePaper.objects.get_or_create(
        measure=measure, paper=paper, defaults={"created_by": _user_or_none(user)}
    )
    return link


@transaction.atomic
def measure_paper_unlink(*, measure_id: Any, paper_id: Any, user: Any = None) -> None:
    """Remove the link (nothing to remove: NotFound naming ``paper``)."""
    require_planner(user)
    measure = _measure(measure_id, user)
    deleted, _rows = MeasurePaper.objects.filter(measure=measure, paper_id=_int(paper_id)).delete()
    if not deleted:
        raise NotFound(_("This council paper is not linked to the measure."), "paper")


@transaction.atomic
def master_plan_paper_link(*, master_plan_id: Any, paper_id: Any, user: Any = None) -> MasterPlanPaper:
    """Link the paper ``paper_id`` (of a city the planner works for) to the master plan."""
    strategy_check_user(user)
    plan = MasterPlan.objects.filter(pk=_int(master_plan_id)).first()
    if plan is None:
        raise NotFound(_("There is no such master plan."), "master_plan")
    paper = paper_for_link(user=user, paper_id=paper_id, city_id=None)
    link, _created = MasterPlanPaper.objects.get_or_create(
        master_plan=plan, paper=paper, defaults={"created_by": _user_or_none(user)}
    )
    return link


@transaction.atomic
def master_plan_paper_unlink(*, master_plan_id: Any, paper_id: Any, user: Any = None) -> None:
    strategy_check_user(user)
    link = MasterPlanPaper.objects.filter(
        master_plan_id=_int(master_plan_id), paper_id=_int(paper_id)
    ).first()
    if link is None:
        raise NotFound(_("This council paper is not linked to the master plan."), "paper")
    check_city(user, link.city_id, field="paper")
    link.delete()


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class LinkedPaper:
    """A paper linked to a measure with the consultation that decided it (None: none known)."""

    paper: Paper
    decision: Decision | None


PAPER_ORDER = ("date", "reference", "id")  # also measures.selectors' prefetch and measure_features.sql


def _papers_of(measure_id: int) -> list[Paper]:
    return list(
        Paper.objects.filter(measure_links__measure_id=measure_id, deleted=False).order_by(*PAPER_ORDER)
    )


def _with_decisions(papers: list[Paper]) -> list[LinkedPaper]:
    decisions = decisions_for([p.pk for p in papers])
    return [LinkedPaper(paper=p, decision=deciding(decisions.get(p.pk, []))) for p in papers]


def measure_papers(measure_id: int) -> list[LinkedPaper]:
    """The council papers linked to the measure (not those deleted in the source), each with its
    deciding consultation (``council.selectors.deciding``), by the paper's date."""
    return _with_decisions(_papers_of(measure_id))


def linked_papers(measure: Measure) -> list[LinkedPaper]:
    """``measure_papers`` for the measure's API answer: the papers from the prefetch
    ``measures.selectors.measure_detail`` makes (else one query), their decisions in one more."""
    cached = getattr(measure, "_prefetched_objects_cache", {}).get("paper_links")
    papers = [link.paper for link in cached] if cached is not None else _papers_of(measure.pk)
    return _with_decisions(papers)


def master_plan_papers(master_plan_id: int) -> list[Paper]:
    return list(Paper.objects.filter(master_plan_links__master_plan_id=master_plan_id, deleted=False))


def demo_links_load(path: Any) -> int:
    """The demo's links (``paper_links.json`` beside the demo measures: measure title → paper
    reference of the same city), through ``measure_paper_link``; skipped when the papers are not
    there. The number of links."""
    import json
    from pathlib import Path

    if not Path(path).exists():
        return 0
    done = 0
    for row in json.loads(Path(path).read_text(encoding="utf-8"))["measures"]:
        for measure in Measure.objects.filter(title=row["measure"]):
            paper = Paper.objects.filter(
                reference=row["paper"], city_id=measure.city_id, deleted=False
            ).first()
            if paper is not None:
                measure_paper_link(measure_id=measure.pk, paper_id=paper.pk)
                done += 1
    return done
