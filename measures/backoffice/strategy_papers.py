"""The council papers of a master plan in the back office (/planung/strategie/masterplaene/<id>/vorlagen/):
find a paper by reference or title among the cities the planner works for, link it, remove a link.
The rules are measures.paper_links'; these views parse, call and show."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from council.backoffice import PaperLinks, change, page
from council.models import Paper
from council.selectors import paper_search
from measures import paper_links
from measures.backoffice.strategy import planner_page
from measures.models import MasterPlan
from staff.backoffice import office_context
from staff.scope import cities_of


def _plan(pk: int) -> MasterPlan:
    plan = MasterPlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404(_("There is no such master plan."))
    return plan


def _links(request: HttpRequest, plan: MasterPlan) -> PaperLinks:
    def search(query: str) -> list[Paper]:
        # only papers of the cities the planner works for are offered
        cities = cities_of(request.user)
        return [p for p in paper_search(query) if cities is None or p.city_id in cities]

    return PaperLinks(
        office=office_context(request, "strategy"),
        record_title=str(plan),
        record_pk=plan.pk,
        back_url=reverse("office-strategy:master-plan", args=[plan.pk]),
        back_text=_("Back to the master plan “%(title)s”") % {"title": plan},
        remove_url_name="office-strategy:master-plan-paper-remove",
        page_url=reverse("office-strategy:master-plan-papers", args=[plan.pk]),
        linked=lambda: paper_links.master_plan_papers(plan.pk),
        search=search,
    )


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def master_plan_papers(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    if request.method != "POST":
        return page(request, _links(request, plan))
    paper = request.POST.get("paper")
    return change(
        request,
        _links(request, plan),
        lambda: paper_links.master_plan_paper_link(master_plan_id=plan.pk, paper_id=paper, user=request.user),
    )


@planner_page
@require_POST
def master_plan_paper_remove(request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
    plan = _plan(pk)
    return change(
        request,
        _links(request, plan),
        lambda: paper_links.master_plan_paper_unlink(
            master_plan_id=plan.pk, paper_id=paper_id, user=request.user
        ),
    )
