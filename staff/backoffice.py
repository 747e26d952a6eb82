"""The staff back office's shared pieces (templates/backoffice/base.html): which parts of the navigation a
user sees, and the one access rule of its pages (``staff_page``). Here, low in the import layers, so
that every app's back-office pages (the team pages of this app too) can use them; participation.backoffice
re-exports ``office_context``."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.views.decorators.cache import never_cache

from geo.permissions import is_board_member, is_city_admin, is_moderator, is_planner


def office_context(request: HttpRequest, section: str) -> dict:
    """Template context of a back-office page: ``office_nav`` (the parts this user may open) and
    ``office_section`` (the part the page belongs to: start, workspace, measures, strategy,
    consultations, moderation, scenarios, team)."""
    user = request.user
    return {
        "office_nav": {
            "planner": is_planner(user),
            "moderator": is_moderator(user),
            "admin": is_city_admin(user),
            # strategy board members: the shared scenarios (scenarios.backoffice), read-only
            "board": is_board_member(user),
        },
        "office_section": section,
    }


def staff_page(check: Callable[[Any], bool], message: Any) -> Callable:
    """Decorator of a back-office page for signed-in users who pass ``check`` (e.g. ``is_planner``):
    anonymous → the sign-in page (back here after it), others → 403 saying ``message`` (a lazy
    translation: said in the request's language). Never cached. The services ask the role again."""

    def decorate(view: Callable) -> Callable:
        @login_required(login_url="planning:login")
        @never_cache
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(str(message))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
