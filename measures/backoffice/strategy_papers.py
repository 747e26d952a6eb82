"""The council papers of a master plan in the back office (/planung/strategie/masterplaene/<id>/vorlagen/):
find a paper by reference or title among the cities the planner works for, link it, remove a link.
The rules are measures.paper_links'; these views parse, call and show."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from council.selectors import paper_search
from geo.errors import Forbidden, ServiceError
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


def _page(request: HttpRequest, plan: MasterPlan, *, error: ServiceError | None = None) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    linked = paper_links.master_plan_papers(plan.pk)
    linked_ids = {p.pk for p in linked}
    results = paper_search(query) if query.strip() else []
    cities = cities_of(request.user)
    if cities is not None:  # only papers of the cities the planner works for are offered
        results = [p for p in results if p.city_id in cities]
    context = {
        **office_context(request, "strategy"),
        "record_title": str(plan),
        "record_pk": plan.pk,
        "back_url": reverse("office-strategy:master-plan", args=[plan.pk]),
        "back_text": _("Back to the master plan “%(title)s”") % {"title": plan},
        "remove_url_name": "office-strategy:master-plan-paper-remove",
        "query": query,
        "linked": linked,
        "results": [(paper, paper.pk in linked_ids) for paper in results],
        "error": error,
    }
    return render(
        request, "council/backoffice/link_papers.html", context, status=error.status if error else 200
    )


def _call(request: HttpRequest, plan: MasterPlan, call: Callable[[], object]) -> HttpResponse:
    try:
        call()
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ServiceError as error:
        return _page(request, plan, error=error)
    return redirect(reverse("office-strategy:master-plan-papers", args=[plan.pk]))


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def master_plan_papers(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(pk)
    if request.method != "POST":
        return _page(request, plan)
    paper = request.POST.get("paper")
    return _call(
        request,
        plan,
        lambda: paper_links.master_plan_paper_link(master_plan_id=plan.pk, paper_id=paper, user=request.user),
    )


@planner_page
@require_POST
def master_plan_paper_remove(request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
    plan = _plan(pk)
    return _call(
        request,
        plan,
        lambda: paper_links.master_plan_paper_unlink(
            master_plan_id=plan.pk, paper_id=paper_id, user=request.user
        ),
    )
