"""Who may do what in participation: moderators (group ``moderators``), planners (group ``planners``,
``geo.permissions.is_planner``) and the model permissions that grant the same to others."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from geo.permissions import MODERATORS, in_group, is_moderator, is_planner

# is_moderator lives in geo.permissions (the back office's navigation asks it there); imported from here too


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def can_respond(user) -> bool:
    """Official responses and measure links: planners and moderators."""
    return is_planner(user) or (
        _signed_in(user)
        and (user.has_perm("participation.respond_contribution") or in_group(user, MODERATORS))
    )


def can_export(user) -> bool:
    return is_planner(user) or (
        _signed_in(user)
        and (user.has_perm("participation.export_contribution") or in_group(user, MODERATORS))
    )


def can_see_personal_data(user) -> bool:
    """Email addresses: only with the explicit permission (superusers have every permission)."""
    return _signed_in(user) and user.has_perm("participation.view_personal_data")


def can_set_official_origin(user) -> bool:
    """Council and administration as origin are set by staff only."""
    return _signed_in(user) and (user.is_staff or user.has_perm("participation.set_official_origin"))


class IsModerator(BasePermission):
    message = _("Only moderators may do this.")

    def has_permission(self, request, view) -> bool:
        return is_moderator(request.user)


class CanRespond(BasePermission):
    message = _("Only planners and moderators may answer contributions.")

    def has_permission(self, request, view) -> bool:
        return can_respond(request.user)


class CanExport(BasePermission):
    message = _("Only planners and moderators may export contributions.")

    def has_permission(self, request, view) -> bool:
        return can_export(request.user)
