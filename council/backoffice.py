"""The back-office page that links council papers to one record (a master plan, a consultation):
the papers linked, a search by reference or title, a link or unlink that returns to the page.
``council/backoffice/link_papers.html`` shows it; each app's views say what the record is
(``PaperLinks``) and which of its services link and unlink."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from council.models import Paper
from geo.errors import Forbidden, ServiceError


@dataclass(frozen=True)
class PaperLinks:
    office: dict[str, Any]  # the back office's context (navigation, user)
    record_title: str
    record_pk: int
    back_url: str
    back_text: str
    remove_url_name: str  # reversed with (record_pk, paper pk)
    page_url: str  # where a link or unlink returns to
    linked: Callable[[], list[Paper]]
    search: Callable[[str], list[Paper]]  # the papers the query finds that may be linked


def page(request: HttpRequest, links: PaperLinks, *, error: ServiceError | None = None) -> HttpResponse:
    """The linked papers and, for ``?q=``, the papers found (each marked when linked already)."""
    query = request.GET.get("q", "")[:200]
    linked = links.linked()
    linked_ids = {paper.pk for paper in linked}
    results = links.search(query) if query.strip() else []
    context = {
        **links.office,
        "record_title": links.record_title,
        "record_pk": links.record_pk,
        "back_url": links.back_url,
        "back_text": links.back_text,
        "remove_url_name": links.remove_url_name,
        "query": query,
        "linked": linked,
        "results": [(paper, paper.pk in linked_ids) for paper in results],
        "error": error,
    }
    return render(
        request, "council/backoffice/link_papers.html", context, status=error.status if error else 200
    )


def change(request: HttpRequest, links: PaperLinks, call: Callable[[], object]) -> HttpResponse:
    """Run the link or unlink ``call``: back to the page, or the page with the service's error
    (a refusal for the user's role or city is a 403)."""
    try:
        call()
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except ServiceError as error:
        return page(request, links, error=error)
    return redirect(links.page_url)
