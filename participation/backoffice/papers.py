"""The council papers of a consultation in the back office (/planung/verfahren/<id>/vorlagen/): find
a paper of the consultation's city by reference or title, link it, remove a link. The rules are
participation.paper_links'; these views parse, call and show."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from council.models import Paper
from council.selectors import paper_search
from geo.errors import Forbidden, ServiceError
from participation import paper_links
from participation.backoffice import office_context
from participation.backoffice.consultations import planner_page
from participation.models import Consultation
from staff.scope import acts_in


def _consultation(request: HttpRequest, pk: int) -> Consultation:
    consultation = Consultation.objects.filter(pk=pk).first()
    if consultation is None:
        raise Http404(_("There is no such consultation."))
    if not acts_in(request.user, consultation.city_id):
        raise PermissionDenied(_("Your account works for other cities than this consultation's."))
    return consultation


def _page(
    request: HttpRequest, consultation: Consultation, *, error: ServiceError | None = None
) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    linked = list(Paper.objects.filter(consultation_links__consultation=consultation, deleted=False))
    linked_ids = {p.pk for p in linked}
    results = paper_search(query, city_id=consultation.city_id) if query.strip() else []
    context = {
        **office_context(request, "consultations"),
        "record_title": consultation.title,
        "record_pk": consultation.pk,
        "back_url": reverse("office-consultations:edit", args=[consultation.pk]),
        "back_text": _("Back to the consultation “%(title)s”") % {"title": consultation.title},
        "remove_url_name": "office-consultations:paper-remove",
        "query": query,
        "linked": linked,
        "results": [(paper, paper.pk in linked_ids) for paper in results],
        "error": error,
    }
    return render(
        request, "council/backoffice/link_papers.html", context, status=error.status if error else 200
    )


def _call(request: HttpRequest, consultation: Consultation, call: Callable[[], object]) -> HttpResponse:
    try:
        call()
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ServiceError as error:
        return _page(request, consultation, error=error)
    return redirect(reverse("office-consultations:papers", args=[consultation.pk]))


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_papers(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the linked papers and the search (``?q=``); POST ``paper``: link it."""
    consultation = _consultation(request, pk)
    if request.method != "POST":
        return _page(request, consultation)
    return _call(
        request,
        consultation,
        lambda: paper_links.consultation_paper_link(
            consultation_id=consultation.pk, paper_id=request.POST.get("paper"), user=request.user
        ),
    )


@planner_page
@require_POST
def consultation_paper_remove(request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return _call(
        request,
        consultation,
        lambda: paper_links.consultation_paper_unlink(
            consultation_id=consultation.pk, paper_id=paper_id, user=request.user
        ),
    )
