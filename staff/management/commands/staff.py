"""``manage.py staff``: staff accounts from the command line, through the same services as the team page
(staff.services), as a system write (not scoped to a city).

- ``staff add EMAIL --role planner|moderator|admin [--city CODE] [--invite]``: create or update the
  account (username = email), put it in the role's group, add the membership of the city (the area code
  of a level-1 area) and either ask for a password (``--noinput``: from ``$DJANGO_STAFF_PASSWORD``, unset:
  none yet) or, with ``--invite``, mail a one-time link to set one;
- ``staff list [--city CODE]``: the staff accounts with their roles and cities;
- ``staff remove EMAIL [--city CODE]``: take the roles away (with ``--city``: that city's membership;
  the roles go with the last one);
- ``staff trialog EMAIL --city CODE --role council|advisory_board``: verify the citizen account with that
  confirmed address as council or advisory-board member of the city (``--withdraw``: take the role away).

``create_staff`` (planning) is the older command for planners and moderators by user name; it stays."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from staff import services
from staff.models import Membership, Role, TrialogRole
from staff.passwords import ask_password
from staff.trialog import trialog_role_revoke, trialog_role_verify

PASSWORD_ENV = "DJANGO_STAFF_PASSWORD"  # noqa: S105 (the variable's name, not a password)


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Manage staff accounts: add (or invite), list, remove."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create or update a staff account in a role")
        add.add_argument("email")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument(
            "--city",
            help="area code (AGS) of the city the person works for, or the region's code (regional staff)",
        )
        add.add_argument("--invite", action="store_true", help="mail a one-time link to set a password")
        add.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        listing = sub.add_parser("list", help="the staff accounts with their roles and cities")
        listing.add_argument("--city")
        remove = sub.add_parser("remove", help="take the staff roles from an account")
        remove.add_argument("email")
        remove.add_argument("--city")
        trialog = sub.add_parser("trialog", help="verify (or withdraw) a council or advisory-board member")
        trialog.add_argument("email")
        trialog.add_argument("--city", required=True)
        trialog.add_argument("--role", choices=TrialogRole.Kind.values, default=TrialogRole.Kind.COUNCIL)
        trialog.add_argument("--withdraw", action="store_true")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as error:
            raise CommandError(_message(error)) from None

    def _city(self, code: str | None):
        return services.city_by_code(code, region=True) if code else None

    def _add(self, *, email: str, role: str, city: str | None, invite: bool, interactive: bool, **_):
        area = self._city(city)
        if invite:
            base = settings.PUBLIC_URL or "http://localhost:8000"
            invitation, _token = services.invitation_create(
                email=email, role=role, city=area, accept_url=base + services.ACCEPT_PATH
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Invited {invitation.email} as {role}; the link is valid until "
                    f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC."
                )
            )
            return
        existing = services.account_of(email)
        password = None
        if existing is None or not existing.has_usable_password():
            password = self._password(interactive, email)
        user, created = services.staff_add(email=email, role=role, city=area, password=password)
        where = f" for {area.name}" if area else ""
        state = "Created" if created else "Updated"
        note = "" if user.has_usable_password() else " It has no password yet: use --invite."
        self.stdout.write(
            self.style.SUCCESS(f"{state} staff account {user.username} as {role}{where}.{note}")
        )

    def _password(self, interactive: bool, email: str) -> str | None:
        """The new account's password: asked twice until the answers match and Django's validators
        accept it; with --noinput from $DJANGO_STAFF_PASSWORD (checked by the service)."""
        if not interactive:
            return os.environ.get(PASSWORD_ENV) or None
        return ask_password(get_user_model()(username=email, email=email), self.stderr)

    def _list(self, *, city: str | None, **_):
        area = self._city(city)
        users = get_user_model().objects.filter(groups__name__in=services.GROUPS.values()).distinct()
        if area is not None:
            users = users.filter(memberships__city=area)
        for user in users.order_by("username"):
            cities = ", ".join(
                Membership.objects.filter(user=user)
                .order_by("city__code")
                .values_list("city__code", flat=True)
            )
            active = "" if user.is_active else " (inactive)"
            roles = ", ".join(services.roles_of(user))
            self.stdout.write(f"{user.username}\t{roles}\t{cities or '-'}{active}")

    def _remove(self, *, email: str, city: str | None, **_):
        user = services.staff_remove(email=email, city=self._city(city))
        self.stdout.write(self.style.SUCCESS(f"Removed the staff roles of {user.username}."))

    def _trialog(self, *, email: str, city: str, role: str, withdraw: bool, **_):
        area = services.city_by_code(city)
        if withdraw:
            found = TrialogRole.objects.filter(user__email__iexact=email.strip(), city=area).first()
            if found is None:
                raise CommandError(f"{email} has no Trialog role in {area.name}.")
            trialog_role_revoke(role_id=found.pk)
            self.stdout.write(self.style.SUCCESS(f"Withdrew the Trialog role of {email} in {area.name}."))
            return
        verified = trialog_role_verify(email=email, city=area, kind=role)
        self.stdout.write(self.style.SUCCESS(f"{verified.user.email}: {verified.kind} of {area.name}."))
