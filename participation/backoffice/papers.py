"""The council papers of a consultation in the back office (/planung/verfahren/<id>/vorlagen/): find
a paper of the consultation's city by reference or title, link it, remove a link. The rules are
participation.paper_links'; these views parse, call and show."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from council.backoffice import PaperLinks, change, page
from council.models import Paper
from council.selectors import paper_search
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


def _links(request: HttpRequest, consultation: Consultation) -> PaperLinks:
    return PaperLinks(
        office=office_context(request, "consultations"),
        record_title=consultation.title,
        record_pk=consultation.pk,
        back_url=reverse("office-consultations:edit", args=[consultation.pk]),
        back_text=_("Back to the consultation “%(title)s”") % {"title": consultation.title},
        remove_url_name="office-consultations:paper-remove",
        page_url=reverse("office-consultations:papers", args=[consultation.pk]),
        linked=lambda: list(
            Paper.objects.filter(consultation_links__consultation=consultation, deleted=False)
        ),
        search=lambda query: paper_search(query, city_id=consultation.city_id),
    )


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_papers(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the linked papers and the search (``?q=``); POST ``paper``: link it."""
    consultation = _consultation(request, pk)
    if request.method != "POST":
        return page(request, _links(request, consultation))
    return change(
        request,
        _links(request, consultation),
        lambda: paper_links.consultation_paper_link(
            consultation_id=consultation.pk, paper_id=request.POST.get("paper"), user=request.user
        ),
    )


@planner_page
@require_POST
def consultation_paper_remove(request: HttpRequest, pk: int, paper_id: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    return change(
        request,
        _links(request, consultation),
        lambda: paper_links.consultation_paper_unlink(
            consultation_id=consultation.pk, paper_id=paper_id, user=request.user
        ),
    )
