"""The staff back office's shared pieces (templates/backoffice/base.html): which parts of the navigation a
user sees. The moderation pages live in this package, the planners' pages in ``planning.backoffice``."""

from django.http import HttpRequest

from geo.permissions import is_city_admin, is_planner
from participation.permissions import is_moderator


def office_context(request: HttpRequest, section: str) -> dict:
    """Template context of a back-office page: ``office_nav`` (the parts this user may open) and
    ``office_section`` (the part the page belongs to: start, workspace, measures, strategy,
    consultations, moderation, team)."""
    user = request.user
    return {
        "office_nav": {
            "planner": is_planner(user),
            "moderator": is_moderator(user),
            "admin": is_city_admin(user),
        },
        "office_section": section,
    }
