"""Public pages of the council papers: ``/rat/`` (papers found by reference or title) and
``/rat/vorlagen/<id>/`` (a paper with its consultations, files and the records linked to it)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from council import selectors
from council.links import linked_records

LIST_LIMIT = 100


@require_safe
def paper_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    papers = selectors.paper_search(query, limit=LIST_LIMIT)
    decisions = selectors.decisions_for([p.pk for p in papers])
    rows = [(paper, selectors.deciding(decisions.get(paper.pk, []))) for paper in papers]
    return render(request, "council/paper_list.html", {"query": query, "rows": rows})


@require_safe
def paper_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.paper_page(pk)
    if page is None:
        raise Http404(_("There is no such council paper."))
    return render(
        request,
        "council/paper_detail.html",
        {
            "p": page.paper,
            "decisions": page.decisions,
            "files": page.files,
            "linked": linked_records(page.paper.pk),
        },
    )
