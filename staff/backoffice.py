"""The staff back office's shared pieces (templates/backoffice/base.html): which parts of the navigation a
user sees. Here, low in the import layers, so that every app's back-office pages (the team pages of this
app too) can use it; participation.backoffice re-exports it."""

from django.http import HttpRequest

from geo.permissions import is_city_admin, is_moderator, is_planner


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
