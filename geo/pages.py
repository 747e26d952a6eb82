"""Query parameters of the public HTML pages, one way everywhere.

A parameter a page cannot use raises ``BadParameter``; ``bad_request`` answers it with a 400 page that
names the parameter and the reason, with links on to where the reader can go instead (the JSON APIs
answer theirs through ``geo.params`` and DRF instead). ``page_of`` pages a query with ``?page=``: a
page that is not a whole number from 1, or lies beyond the last, is such a 400, and the links to the
pages before and after keep every other parameter.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_PAGE = 10**6


class BadParameter(Exception):
    """A query parameter the page cannot use: answered with a 400 page naming it."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason


def bad_request(
    request: HttpRequest, error: BadParameter, *, links: Iterable[tuple[str, str]] = ()
) -> HttpResponse:
    """The 400 page for ``error``; ``links``: (url, label) pairs to go on from there."""
    return render(
        request,
        "geo/bad_request.html",
        {"parameter": error.name, "reason": error.reason, "links": list(links)},
        status=400,
    )


def page_number(request: HttpRequest, name: str = "page") -> int:
    """``?page=`` as a whole number from 1 (1 when absent or empty)."""
    raw = request.GET.get(name, "") or "1"
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw[:9]) <= MAX_PAGE):
        raise BadParameter(name, _("it must be a whole number from 1."))
    return int(raw)


@dataclass(frozen=True)
class Paged:
    """One page of a list and the links around it (None where there is no such page)."""

    paginator: Paginator
    page: Page
    previous_link: str | None
    next_link: str | None

    @property
    def rows(self) -> Iterable[Any]:
        return self.page.object_list


def _link(request: HttpRequest, name: str, number: int) -> str:
    query = request.GET.copy()
    query[name] = str(number)
    return "?" + query.urlencode()


def page_of(request: HttpRequest, rows: Any, size: int, *, name: str = "page") -> Paged:
    """The page of ``rows`` (a query set or a sequence) that ``?page=`` asks for, ``size`` rows each.
    Two statements for a query set: its count and the page's rows."""
    number = page_number(request, name)
    paginator = Paginator(rows, size)
    if number > paginator.num_pages:
        pages = paginator.num_pages
        reason = ngettext(
            "there is only %(n)s page with these filters.",
            "there are only %(n)s pages with these filters.",
            pages,
        )
        raise BadParameter(name, reason % {"n": pages})
    page = paginator.page(number)
    return Paged(
        paginator,
        page,
        _link(request, name, number - 1) if page.has_previous() else None,
        _link(request, name, number + 1) if page.has_next() else None,
    )
