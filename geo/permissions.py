"""Who may do what: reading published data is public; writing planning data needs the planners' group.

The staff roles are groups (``PLANNERS``, ``MODERATORS``; their model permissions: ``geo.roles``).
``in_group`` and ``is_planner`` are the one test of membership every app uses
(participation.permissions builds the moderators' and responders' rules on them)."""

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from geo.errors import Forbidden

PLANNERS = "planners"
MODERATORS = "moderators"
CITY_ADMINS = "city_admins"  # staff accounts and settings of their city (staff.scope)
# the strategy board (Strategiebeirat): reads the scenarios shared with it and comments, changes nothing
STRATEGY_BOARD = "strategy_board"


def in_group(user, *names: str) -> bool:
    """Whether a signed-in ``user`` belongs to one of the groups ``names``. The user's group names
    are read once per request (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return False
    groups = getattr(user, "_qa_groups", None)
    if groups is None:
        groups = frozenset(user.groups.values_list("name", flat=True))
        user._qa_groups = groups
    return not groups.isdisjoint(names)


def is_planner(user) -> bool:
    """A member of the planners' group, or a superuser."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or in_group(user, PLANNERS)


def is_city_admin(user) -> bool:
    """A member of the city admins' group, or a superuser."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or in_group(user, CITY_ADMINS)


def is_moderator(user) -> bool:
    """A member of the moderators' group, or anyone with the permission to moderate contributions
    (a superuser has every permission). Here, below every app, so that the back office's navigation
    (staff.backoffice) can ask it; participation.permissions re-exports it."""
    if user is None or not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or in_group(user, MODERATORS)
        or user.has_perm("participation.moderate_contribution")
    )


def is_board_member(user) -> bool:
    """A member of the strategy board's group (read-only: shared scenarios, comments on them)."""
    return in_group(user, STRATEGY_BOARD)


def require(user, allowed: Callable[[Any], bool], message: "str | Promise") -> None:
    """The services' role check: ``geo.errors.Forbidden`` (403) with ``message`` unless ``allowed(user)``.
    ``user`` None is a system write (the demo loader, a management command) and passes. The API's
    permission classes and the pages ask the same tests first, to answer before reading a body; the
    services ask again, so no way in (admin, page, API, a later caller) can skip a role."""
    if user is not None and not allowed(user):
        raise Forbidden(str(message))  # a lazy message, translated now: the request's language is active


PLANNERS_ONLY = _("Writing needs an account in the planners' group.")


def require_planner(user) -> None:
    """``require`` a planner (or a system write)."""
    require(user, is_planner, PLANNERS_ONLY)


class IsPlannerOrReadOnly(BasePermission):
    message = PLANNERS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_planner(request.user)
