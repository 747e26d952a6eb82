"""Signing in: the login page's landing place, and the page a locked-out sign-in gets.

The lockout itself is django-axes' (settings: ``AXES_*``, docs/operations.md); it covers every
sign-in form that authenticates with the request — ``/planung/anmelden/`` and ``/admin/login/``.
"""

import math
from datetime import datetime, timedelta

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cool_off
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from staff.views import start_page


class LoginView(auth_views.LoginView):
    """``/planung/anmelden/``: without ``next``, staff land on the start page of their role
    (staff.views.start_page), everyone else on ``LOGIN_REDIRECT_URL`` (the overview) — not on a page
    they may not open."""

    template_name = "planning/login.html"

    def get_default_redirect_url(self) -> str:
        return start_page(self.request.user)


class LoginAttemptHandler(AxesCacheHandler):
    """``AXES_HANDLER``: axes' cache handler (counters in the cache, no rows with addresses), made
    safe for Django's database cache — see :class:`_Counters`."""

    def __init__(self):
        super().__init__()
        self.cache = _Counters(self.cache)


class _Counters:
    """The cache, with an ``incr`` that starts a counter which expired under it.

    axes counts a failure with ``add(key, 1)`` and, if that says the key exists, ``incr(key)``. The
    database cache's ``add`` compares the expiry with the current time cut to whole seconds and its
    ``get`` (inside ``incr``) with the exact time: in the second a counter expires, ``add`` finds it
    and ``incr`` does not, and raises ValueError — a 500 for that sign-in. That failure is the first
    of a new period: count it as 1 (axes sets the expiry right after)."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def incr(self, key, delta=1, version=None):
        try:
            return self._cache.incr(key, delta, version=version)
        except ValueError:
            self._cache.set(key, delta, version=version)
            return delta


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with ``Retry-After`` and a page saying when to try again.

    Attempts during a lockout are not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``),
    so the lockout ends at most one cool-off period (s) from now: that is the time the page names."""
    cool_off = get_cool_off(request)
    seconds = max(1, math.ceil(cool_off.total_seconds()))
    response = render(
        request,
        "login_locked_out.html",
        {
            "minutes": math.ceil(seconds / 60),
            "until": _next_minute(timezone.now() + cool_off),
            "login_url": request.path,
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def _next_minute(moment: datetime) -> datetime:
    """``moment`` rounded up to a whole minute: the page shows hours and minutes."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)
