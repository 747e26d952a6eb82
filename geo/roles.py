"""The staff roles as groups with exactly the model permissions their role needs, so that a planner or
moderator with ``is_staff`` sees and may do in the admin what the role needs and nothing else: no user
or group administration, no contributors' email addresses (``participation.view_personal_data`` stays
an explicit, personal grant).

The roles are declared here, in code, and ``grant_roles`` brings the database in line after every
``migrate`` (and after a test database is flushed): both emit ``post_migrate``, which the planning
app (the last app, so every app's permissions exist by then) connects to ``grant_roles``. It creates
missing groups and adds missing permissions; permissions an administrator granted on top stay. Apps
are named by label, so ``geo`` imports no app's models.

City admins (``CITY_ADMINS``) get **no model permissions**: they manage the staff of their city on the
team pages (``/planung/team/``), whose services (``staff.services``) ask ``geo.permissions.is_city_admin``
and ``staff.scope`` themselves. Django's ``auth.*_user`` permissions would open the admin's user pages —
every account, superusers included, with no city scope — so they stay with superusers, as does the
Django admin as a whole.
"""

from django.contrib.auth.models import Group, Permission

from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS, STRATEGY_BOARD

CRUD = ("add", "change", "delete", "view")


def _crud(app_label: str, *models: str) -> list[tuple[str, str]]:
    return [(app_label, f"{action}_{model}") for model in models for action in CRUD]


# group → (app label, permission codename)
ROLES: dict[str, list[tuple[str, str]]] = {
    PLANNERS: [
        # the strategy tree, measures and their budget lines
        *_crud("measures", "actionfield", "strategicgoal", "masterplan", "measure", "budgetline"),
        *_crud("planning", "focusarea"),
        *_crud("participation", "consultation"),
        # they read and answer contributions (the API's CanRespond / CanExport), but do not edit them
        ("participation", "view_contribution"),
        ("participation", "view_response"),
        ("participation", "respond_contribution"),
        ("participation", "export_contribution"),
        # the area hierarchy comes from imports; planners look, they don't edit
        ("quartiere", "view_area"),
    ],
    MODERATORS: [
        ("participation", "view_contribution"),
        ("participation", "change_contribution"),  # the change form carries the official response
        ("participation", "moderate_contribution"),
        ("participation", "respond_contribution"),
        ("participation", "export_contribution"),
        ("participation", "add_response"),
        ("participation", "change_response"),
        ("participation", "view_consultation"),
        ("participation", "view_moderationevent"),
        ("participation", "view_flag"),
    ],
    # nothing in Django's admin: the team pages go through staff.services (see above)
    CITY_ADMINS: [],
    # the board reads shared scenarios and comments on the scenario pages (scenarios.access); nothing in
    # Django's admin
    STRATEGY_BOARD: [],
}


def grant_roles(*, using: str = "default") -> None:
    """Create the role groups if missing and add the permissions they lack (idempotent)."""
    for name, wanted in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            # one per (app, codename): a model's codenames carry its name
            permissions.append(
                Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*permissions)


def on_post_migrate(sender, *, using: str = "default", **kwargs) -> None:
    grant_roles(using=using)
