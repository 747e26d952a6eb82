"""Public reads: one request path, with fewer middleware for views whose answer is the same for everybody.

A vector tile, ``/api/locate/`` or a page of ``/api/areas/`` costs the database a few hundred
microseconds; sessions, users, CSRF, messages, history and language negotiation would cost as much
again and add nothing: the answer is the same for every visitor. Such a view is marked::

    from geo.public import public_read

    @public_read
    def tile(request, layer_id, z, x, y): ...

(a DRF view class sets ``public_read = True``). A view that answers several requests, only some of
them the same for everybody, names those with a predicate of the request: the WMS endpoint ``/ows``
is a public read for ``GetMap`` only (its capabilities, legends and feature info speak the client's
language)::

    @public_read(when=lambda request: ...)
    def ows(request): ...

``PublicReadMiddleware``, the first of ``MIDDLEWARE``,
resolves the path with Django's own URL resolver; a ``GET``/``HEAD`` of a marked view that does not
ask for HTML (DRF's browsable API) or ``?format=`` goes down a second chain built by Django's own
handler machinery from ``MIDDLEWARE`` without the ones in ``PUBLIC_READ_SKIPS`` — one rule, in
settings. Everything else takes the full chain. Either way the view runs once and its errors are
answered once, by the middleware and handlers of its chain (``geo.middleware``: 503 when the database
is out of reach, 400 for a NUL byte); nothing is run again by another layer.

A public read has no session and no user: ``request.user`` is the anonymous user. Its answer carries
no ``Vary: Accept-Language`` (it is the same in every language, which keeps caches shared); an error
answer is still in the client's language and says so (``Content-Language``, ``Vary``).
"""

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

METHODS = frozenset({"GET", "HEAD"})


Predicate = Callable[[HttpRequest], bool]


def public_read(view: Callable | None = None, *, when: Predicate | None = None) -> Callable:
    """Mark ``view`` as a public read: its answer depends on the request's path and query alone —
    for every request, or (``@public_read(when=predicate)``) for those the predicate accepts."""

    def mark(view: Callable) -> Callable:
        view.public_read = when or True  # type: ignore[attr-defined]
        return view

    return mark if view is None else mark(view)


def mark_of(view: Callable) -> bool | Predicate:
    """The resolved ``view``'s mark (a function's, or that of the DRF class whose view it is): ``True``,
    a predicate of the request, or ``False``."""
    return getattr(view, "public_read", False) or getattr(getattr(view, "cls", None), "public_read", False)


def is_public_read(view: Callable, request: HttpRequest | None = None) -> bool:
    """Whether the resolved ``view`` is marked and, when its mark is a predicate, whether it accepts
    ``request`` (without a request: whether it may)."""
    mark = mark_of(view)
    if callable(mark) and request is not None:
        return bool(mark(request))
    return bool(mark)


def wants_html(request: HttpRequest) -> bool:
    """DRF's browsable API (``Accept: text/html…`` or ``?format=``) or an OGC API page (``?f=html``):
    it needs the session and the user."""
    return (
        "html" in request.META.get("HTTP_ACCEPT", "")
        or "format" in request.GET
        or request.GET.get("f", "").lower() == "html"
    )


def public_middleware() -> list[str]:
    """``MIDDLEWARE`` after this module's ``PublicReadMiddleware`` (which must come first), without
    ``PUBLIC_READ_SKIPS``; a skip that is not in ``MIDDLEWARE`` is a typo."""
    own = f"{__name__}.PublicReadMiddleware"
    if settings.MIDDLEWARE[:1] != [own]:
        raise ImproperlyConfigured(f"{own} must be the first of MIDDLEWARE")
    unknown = set(settings.PUBLIC_READ_SKIPS) - set(settings.MIDDLEWARE)
    if unknown:
        raise ImproperlyConfigured(f"PUBLIC_READ_SKIPS names middleware not in MIDDLEWARE: {sorted(unknown)}")
    return [path for path in settings.MIDDLEWARE[1:] if path not in settings.PUBLIC_READ_SKIPS]


class PublicChain(BaseHandler):
    """Django's request handling (view, template-response and exception middleware, the view, the
    conversion of exceptions into responses) around ``middleware``: what ``BaseHandler.load_middleware``
    builds from ``settings.MIDDLEWARE``, for another list. Synchronous, as the service is (WSGI)."""

    def __init__(self, middleware: list[str]):
        self.middleware = middleware
        self.load_middleware()

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Callable] = []
        self._template_response_middleware: list[Callable] = []
        self._exception_middleware: list[Callable] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(self.middleware):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler

    def resolve_request(self, request: HttpRequest):
        # PublicReadMiddleware resolved the path already: once is enough
        return request.resolver_match


class PublicReadMiddleware:
    """The first middleware: sends public reads down ``PublicChain``, everything else on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.public = PublicChain(public_middleware()) if settings.PUBLIC_READS else None

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self.public is not None and request.method in METHODS and not wants_html(request):
            try:
                match = get_resolver(get_urlconf()).resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and is_public_read(match.func, request):
                request.resolver_match = match
                return self.read(request)
        return self.get_response(request)

    def read(self, request: HttpRequest) -> HttpResponseBase:
        assert self.public is not None
        # what CommonMiddleware (skipped: its slash redirect would resolve the path a second time)
        # does for a resolved path: the host checked against ALLOWED_HOSTS (a DisallowedHost is a 400),
        # and below the length of the answer
        request.get_host()
        request.user = AnonymousUser()
        language = translation.get_language_from_request(request)
        translation.activate(language)
        try:
            response = cast(HttpResponseBase, self.public._middleware_chain(request))
        finally:
            translation.deactivate()
        if isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        if response.status_code >= 400:  # only errors speak: they say in which language
            response.headers.setdefault("Content-Language", language)
            patch_vary_headers(response, ("Accept-Language",))
        return response
