"""The council papers of a measure in the back office (/planung/massnahmen/<id>/vorlagen/): find a
paper of the measure's city by its reference ("354/20") or title, link it, remove a link. The rules
are measures.paper_links'; these views parse, call and show."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from council.selectors import paper_search
from geo.errors import Forbidden, ServiceError
from measures import paper_links
from measures.backoffice.views import _measure_or_404, office_context, planner_page
from measures.models import Measure


def _page(request: HttpRequest, measure: Measure, *, error: ServiceError | None = None) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    linked = paper_links.measure_papers(measure.pk)
    linked_ids = {item.paper.pk for item in linked}
    results = paper_search(query, city_id=measure.city_id) if query.strip() else []
    context = {
        **office_context(request),
        "measure": measure,
        "query": query,
        "linked": linked,
        "results": [(paper, paper.pk in linked_ids) for paper in results],
        "error": error,
    }
    return render(request, "measures/backoffice/papers.html", context, status=error.status if error else 200)


def _back(measure: Measure) -> HttpResponse:
    return redirect(reverse("measures-office:edit", args=[measure.pk]) + "#papers")


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def measure_papers(request: HttpRequest, measure_id: int) -> HttpResponse:
    """GET: the linked papers and the search (``?q=``); POST ``paper``: link it."""
    measure = _measure_or_404(request, measure_id)
    if request.method != "POST":
        return _page(request, measure)
    try:
        link = paper_links.measure_paper_link(
            measure_id=measure.pk, paper_id=request.POST.get("paper"), user=request.user
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ServiceError as error:
        return _page(request, measure, error=error)
    messages.success(
        request,
        _("Council paper %(reference)s is linked to the measure.") % {"reference": link.paper.reference},
    )
    return _back(measure)


@planner_page
@require_POST
def measure_paper_remove(request: HttpRequest, measure_id: int, paper_id: int) -> HttpResponse:
    measure = _measure_or_404(request, measure_id)
    try:
        paper_links.measure_paper_unlink(measure_id=measure.pk, paper_id=paper_id, user=request.user)
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ServiceError as error:
        return _page(request, measure, error=error)
    messages.success(request, _("The link to the council paper was removed."))
    return _back(measure)
