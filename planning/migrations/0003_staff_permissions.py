"""The model permissions of the two staff roles, so that a planner or moderator with ``is_staff`` sees
and may do in the admin what the role needs, and nothing else: no user or group administration, no
contributors' email addresses (``participation.view_personal_data`` stays an explicit, personal grant).

Idempotent: creates the groups if they are missing and adds what they lack; running it again changes
nothing. The lists are this migration's own copy (a migration must not follow later code): a later
change of a role is a new data migration. tests/planning/test_staff_roles.py checks them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")


def _crud(app_label: str, *models: str) -> list[tuple[str, str]]:
    return [(app_label, f"{action}_{model}") for model in models for action in CRUD]


# group → (app label, permission codename); the names are geo.permissions.PLANNERS / MODERATORS
ROLES: dict[str, list[tuple[str, str]]] = {
    "planners": [
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
    "moderators": [
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
}


def grant(apps, schema_editor) -> None:
    """Create the groups if missing and add their permissions (also callable with the live app
    registry, ``schema_editor`` None: tests restore the groups after a flush with it)."""
    using = schema_editor.connection.alias if schema_editor else "default"
    # Django creates content types and permissions after *all* migrations (post_migrate); on a new
    # database they do not exist yet when this runs, so create them for the apps used here first
    for app_label in sorted({app for perms in ROLES.values() for app, _codename in perms}):
        config = apps.get_app_config(app_label)
        had_models = getattr(config, "models_module", None)
        config.models_module = had_models or True  # create_permissions skips apps without models
        try:
            create_permissions(config, verbosity=0, using=using, apps=apps)
        finally:
            config.models_module = had_models
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _created = group_model.objects.using(using).get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            # one per (app, codename): a model's codenames carry its name
            permissions.append(
                permission_model.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_priority_snapshot"),
        ("participation", "0003_contribution_geom_public"),
        ("measures", "0002_groups"),
        ("quartiere", "0002_parent_level_fk"),
        ("geo", "0002_dataversion"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # backwards: the groups and their permissions stay (people may be in them)
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
