"""``manage.py create_staff --role planner --username anna``: a staff account in a role's group, in one
step (``createsuperuser`` is for the first admin only; a superuser has every right). The older name of
``manage.py staff add`` (staff), which adds accounts by email address, with a city, and invites."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from geo.permissions import MODERATORS, PLANNERS
from staff.passwords import ask_password

ROLES = {"planner": PLANNERS, "moderator": MODERATORS}
PASSWORD_ENV = "DJANGO_STAFF_PASSWORD"  # noqa: S105 (the variable's name, not a password)


class Command(BaseCommand):
    help = (
        "Create a staff account for a planner or a moderator (is_staff, in the role's group, which "
        "carries the role's permissions), or give an existing account the role. Asks for the password "
        f"of a new account; with --noinput it is taken from ${PASSWORD_ENV} (unset: no password yet, "
        "set one with changepassword)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", action="append", choices=sorted(ROLES), required=True, help="repeat for both roles"
        )
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, role: list[str], username: str, email: str, interactive: bool, **options):
        groups = []
        for name in sorted({ROLES[r] for r in role}):
            group = Group.objects.filter(name=name).first()
            if group is None:
                raise CommandError(
                    f"the group {name!r} is missing; `manage.py migrate` creates it (after deleting it: "
                    "`manage.py migrate planning 0002 && manage.py migrate planning`)"
                )
            groups.append(group)
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        password = None
        if user is None:
            password = self._password(user_model(username=username, email=email), interactive)
        with transaction.atomic():
            created = user is None
            if user is None:
                user = user_model.objects.create_user(username, email, password)
            elif email:
                user.email = email
            user.is_staff = True
            user.save()
            user.groups.add(*groups)
        names = ", ".join(g.name for g in groups)
        if created:
            note = "" if password else f" It has no password yet: manage.py changepassword {username}"
            self.stdout.write(self.style.SUCCESS(f"Created staff account {username!r} in {names}.{note}"))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Staff account {username!r} is now in {names} (password unchanged).")
            )

    def _password(self, user, interactive: bool) -> str | None:
        if not interactive:
            password = os.environ.get(PASSWORD_ENV) or None
            if password:
                self._validate(password, user)
            return password
        return ask_password(user, self.stderr)

    @staticmethod
    def _validate(password: str, user) -> None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
