"""The formats of participation and what they add to other apps' pages, declared once each.

Imports point down (DESIGN.md), so the pages of ``participation`` (the consultation page, the
contribution page, the moderation start page) cannot import the format apps above them (surveys,
discussion, budgeting, events). Instead each format app declares itself here in its
``AppConfig.ready()`` and the pages ask this registry — the same pattern as ``geo.layers``.

- ``Format``: a format inside a consultation (pins, survey, budget, event, discussion): which
  consultations use it (a Q on Consultation, so the list at /beteiligung/ filters in SQL), the panel it
  shows on the consultation page, what it received (the evaluation after closing).
- ``register_panel(page, fn)``: HTML a format adds to another page (``"contribution"``,
  ``"measure"``, ``"consultation"``), e.g. the discussion under it.
- ``ModerationQueue``: a queue of the moderators' back office (comments, free-text answers,
  proposals): the start page links each with its count of pending items.
- ``PersonalData``: how a format exports and erases one account's data (GDPR Art. 15/17/20); the
  account pages call every registered one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    from participation.models import Consultation

PAGES = ("consultation", "contribution", "measure")


@dataclass(frozen=True)
class Format:
    key: str  # "pins", "survey", "budget", "event", "discussion"
    label: StrOrPromise
    # consultations that use the format: Consultation.objects.filter(uses())
    uses: Callable[[], Q]
    # the format's section on the consultation page (escaped HTML, e.g. render_to_string), or "" for none
    panel: Callable[[HttpRequest, Consultation], SafeString | str] | None = None
    # what the consultation received in this format, for its evaluation: [(label, number), ...]
    received: Callable[[Consultation], list[tuple[StrOrPromise, int]]] | None = None
    order: int = 100


@dataclass(frozen=True)
class ModerationQueue:
    key: str
    label: StrOrPromise
    url_name: str  # reversed without arguments
    pending: Callable[[Any], int]  # the number of items waiting for ``user`` (their cities)


@dataclass(frozen=True)
class PersonalData:
    key: str
    label: StrOrPromise
    export: Callable[[Any], list[dict[str, Any]]]  # one account's rows, JSON-serialisable
    erase: Callable[[Any], int]  # deletes or anonymises them; the number of rows touched


_formats: dict[str, Format] = {}
_panels: dict[str, list[tuple[int, Callable[[HttpRequest, Any], SafeString | str]]]] = {p: [] for p in PAGES}
_queues: dict[str, ModerationQueue] = {}
_personal: dict[str, PersonalData] = {}


def register(fmt: Format) -> None:
    _formats[fmt.key] = fmt


def formats() -> list[Format]:
    return sorted(_formats.values(), key=lambda f: (f.order, f.key))


def get(key: str) -> Format | None:
    return _formats.get(key)


def register_panel(page: str, fn: Callable[[HttpRequest, Any], SafeString | str], order: int = 100) -> None:
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    if all(existing is not fn for _o, existing in _panels[page]):
        _panels[page].append((order, fn))
        _panels[page].sort(key=lambda item: item[0])


def panels(page: str, request: HttpRequest, obj: Any) -> list[SafeString | str]:
    """The HTML each format adds to ``page`` for ``obj``, in order; empty ones left out."""
    return [html for _order, fn in _panels[page] if (html := fn(request, obj))]


def register_queue(queue: ModerationQueue) -> None:
    _queues[queue.key] = queue


def queues() -> list[ModerationQueue]:
    return list(_queues.values())


def register_personal_data(data: PersonalData) -> None:
    _personal[data.key] = data


def personal_data() -> list[PersonalData]:
    return list(_personal.values())
