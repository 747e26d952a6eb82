"""Who may do what: reading published data is public; writing planning data needs the planners' group."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

PLANNERS = "planners"
MODERATORS = "moderators"


def is_planner(user) -> bool:
    """A member of the planners' group, or a superuser. Cached on the user for the request."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_qa_is_planner", None)
    if cached is None:
        cached = user.groups.filter(name=PLANNERS).exists()
        user._qa_is_planner = cached
    return cached


class IsPlannerOrReadOnly(BasePermission):
    message = "Writing needs an account in the planners' group."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_planner(request.user)
