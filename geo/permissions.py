"""Who may do what: reading published data is public; writing planning data needs the planners' group.

The staff roles are groups (``PLANNERS``, ``MODERATORS``; their model permissions: ``geo.roles``).
``in_group`` and ``is_planner`` are the one test of membership every app uses
(participation.permissions builds the moderators' and responders' rules on them)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

PLANNERS = "planners"
MODERATORS = "moderators"
CITY_ADMINS = "city_admins"  # staff accounts and settings of their city (staff.scope)


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


class IsPlannerOrReadOnly(BasePermission):
    message = _("Writing needs an account in the planners' group.")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_planner(request.user)
