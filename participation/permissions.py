"""Who may do what: moderators (group ``moderators``), planners (group ``planners``) and permissions."""

from rest_framework.permissions import BasePermission

MODERATORS = "moderators"
PLANNERS = "planners"


def _in_group(user, *names: str) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name__in=names).exists())


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated) and (
        user.is_superuser
        or user.has_perm("participation.moderate_contribution")
        or _in_group(user, MODERATORS)
    )


def can_respond(user) -> bool:
    """Official responses and measure links: planners and moderators."""
    return bool(user and user.is_authenticated) and (
        user.is_superuser
        or user.has_perm("participation.respond_contribution")
        or _in_group(user, MODERATORS, PLANNERS)
    )


def can_export(user) -> bool:
    return bool(user and user.is_authenticated) and (
        user.is_superuser
        or user.has_perm("participation.export_contribution")
        or _in_group(user, MODERATORS, PLANNERS)
    )


def can_see_personal_data(user) -> bool:
    """Email addresses: only with the explicit permission (superusers have every permission)."""
    return bool(user and user.is_authenticated and user.has_perm("participation.view_personal_data"))


def can_set_official_origin(user) -> bool:
    """Council and administration as origin are set by staff only."""
    return bool(user and user.is_authenticated) and (
        user.is_staff or user.has_perm("participation.set_official_origin")
    )


class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request, view) -> bool:
        return is_moderator(request.user)


class CanRespond(BasePermission):
    message = "Only planners and moderators may answer contributions."

    def has_permission(self, request, view) -> bool:
        return can_respond(request.user)


class CanExport(BasePermission):
    message = "Only planners and moderators may export contributions."

    def has_permission(self, request, view) -> bool:
        return can_export(request.user)
