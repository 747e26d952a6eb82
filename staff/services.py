"""Writes of staff accounts: adding staff (``manage.py staff add``), invitations with a one-time link to
set a password, role changes, deactivation. Keyword-only, one transaction each, each an entry in the
team's audit (``StaffEvent``).

Who may manage whom (``team_check``, asked by every write with an ``actor``; None: a system write, e.g.
the management command): superusers and city admins (``geo.permissions.is_city_admin``). A city admin
tied to cities (``staff.scope``) manages the staff of those cities only — accounts all of whose
memberships lie in them — and hands out roles, the admin role too, only with one of their cities. No
one here makes superusers; superusers are made with ``createsuperuser``.

The invitation's token is 32 random bytes (``secrets.token_urlsafe``); only its SHA-256 is stored. The
link carries it in the URL fragment (``/planung/einladung/#<token>``), which browsers never send to a
server: it is posted in the body of the page's form (as participation's deletion link does)."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from geo.errors import Conflict, Forbidden, NotFound, ServiceError
from geo.permissions import CITY_ADMINS, MODERATORS, PLANNERS, STRATEGY_BOARD, is_city_admin
from quartiere.models import Area, Level
from staff.models import Invitation, Membership, Role, StaffEvent
from staff.scope import cities_of

GROUPS: dict[str, str] = {
    Role.PLANNER: PLANNERS,
    Role.MODERATOR: MODERATORS,
    Role.ADMIN: CITY_ADMINS,
    Role.BOARD: STRATEGY_BOARD,
}
# planners and moderators still use parts of Django's admin (geo.roles); city admins need none of it
ADMIN_SITE_ROLES = frozenset({Role.PLANNER, Role.MODERATOR})
ACCEPT_PATH = "/planung/einladung/"


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of an invitation token: what is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def roles_of(user: Any) -> list[str]:
    """The roles (``Role`` values) whose groups ``user`` is in, in the order of ``Role``."""
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role.values if GROUPS[role] in names]


def city_by_code(code: str, *, region: bool = False) -> Area:
    """The city-level area (``region``: or the region) with the area code ``code``; ``ServiceError`` on
    ``city`` naming it."""
    levels = (Level.REGION, Level.CITY) if region else (Level.CITY,)
    city = Area.objects.filter(level__in=levels, code=code).first()
    if city is None:
        raise ServiceError(_("There is no city with the area code %(code)s.") % {"code": code}, "city")
    return city


def _record(action: str, *, actor: Any, subject: Any, city: Area | None = None, note: str = "") -> None:
    signed_in = actor is not None and actor.is_authenticated
    StaffEvent.objects.create(
        action=action,
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "system",
        subject=subject,
        subject_name=subject.get_username(),
        city=city,
        note=note[:500],
    )


def _groups(roles: Iterable[str]) -> list[Group]:
    groups = []
    for role in sorted(set(roles)):
        if role not in GROUPS:
            raise ServiceError(
                _("Unknown role; use one of: %(roles)s.") % {"roles": ", ".join(Role.values)}, "role"
            )
        group = Group.objects.filter(name=GROUPS[role]).first()
        if group is None:
            raise Conflict(
                _("The group %(name)s is missing; `manage.py migrate` creates it.") % {"name": GROUPS[role]}
            )
        groups.append(group)
    return groups


def _check_actor(actor: Any) -> None:
    if actor is not None and not is_city_admin(actor):
        raise Forbidden(_("Only city admins may manage staff accounts."))


def _check_city_given(actor: Any, city: Area | None) -> None:
    """A city admin tied to cities hands out roles with one of their cities only (a regional admin:
    the region only)."""
    if city is not None and city.level not in (Level.REGION, Level.CITY):
        raise ServiceError(_("Choose one of the cities in the list."), "city")
    if actor is None:
        return
    own = cities_of(actor)
    if own is None:
        return
    if city is None:
        raise ServiceError(_("Choose the city the person will work for."), "city")
    if city.pk not in own:
        raise Forbidden(_("You manage the staff of other cities than this one."), "city")


def team_check(actor: Any, subject: Any) -> None:
    """``Forbidden`` unless ``actor`` (None: a system write) may manage the account ``subject``: a
    superuser or an unscoped city admin may manage anyone but superusers; a city admin tied to cities
    only accounts all of whose memberships lie in those cities (and that have any)."""
    if actor is None:
        return
    _check_actor(actor)
    if subject.is_superuser and not actor.is_superuser:
        raise Forbidden(_("Superusers are managed by superusers only."))
    own = cities_of(actor)
    if own is None:
        return
    theirs = set(Membership.objects.filter(user=subject).values_list("city_id", flat=True))
    if not theirs or not theirs <= own:
        raise Forbidden(_("This account works for other cities than yours."))


def account_of(email: str) -> Any:
    """The account of ``email``: username = email (case-insensitive), else the one account with that
    email address (e.g. made by ``create_staff`` under another name); None when there is none."""
    user_model = get_user_model()
    email = (email or "").strip()
    user = user_model.objects.filter(username__iexact=email).first()
    if user is None:
        same = list(user_model.objects.filter(email__iexact=email)[:2])
        user = same[0] if len(same) == 1 else None
    return user


def _account(email: str) -> tuple[Any, bool]:
    """The account of ``email`` (``account_of``), or a new inactive one without a usable password;
    (account, created)."""
    user_model = get_user_model()
    user = account_of(email)
    if user is not None:
        return user, False
    user = user_model(username=email, email=email, is_active=False)
    user.set_unusable_password()
    user.save()
    return user, True


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("Enter a valid email address, e.g. name@example.org."), "email") from None
    if len(email) > 150:
        raise ServiceError(_("The email address may have at most 150 characters."), "email")
    return email.lower()


def _grant(user: Any, *, role: str, city: Area | None) -> None:
    user.groups.add(*_groups([role]))
    if role in ADMIN_SITE_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if city is not None:
        Membership.objects.get_or_create(user=user, city=city)
    user.__dict__.pop("_qa_groups", None)
    user.__dict__.pop("_qa_cities", None)
    user.__dict__.pop("_qa_tied", None)


@transaction.atomic
def staff_add(
    *, email: str, role: str, city: Area | None = None, password: str | None = None, actor: Any = None
) -> tuple[Any, bool]:
    """Create the account of ``email`` (username = email) or update it: into the role's group, staff
    flag for roles that use Django's admin, a membership of ``city``; with ``password`` (checked by
    Django's validators) the account is active and signs in with it. Returns (account, created)."""
    _check_actor(actor)
    email = _clean_email(email)
    _groups([role])
    _check_city_given(actor, city)
    user, created = _account(email)
    if not created and (roles_of(user) or user.is_superuser):
        team_check(actor, user)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ServiceError(" ".join(error.messages), "password") from None
        user.set_password(password)
        user.is_active = True
        user.save()
    _grant(user, role=role, city=city)
    note = role + (f" @ {city.code}" if city is not None else "")
    _record(StaffEvent.Action.ADD, actor=actor, subject=user, city=city, note=note)
    return user, created


def _mail(invitation: Invitation, link: str) -> None:
    expires = timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y %H:%M")
    parts = []
    for language in ("de", "en"):
        with override(language):
            parts.append(
                _(
                    "You have been invited to the Quartiersatlas back office as %(role)s%(city)s.\n\n"
                    "Open this link to set your password (it works once, until %(expires)s):\n%(link)s\n\n"
                    "If you did not expect this invitation, ignore this message; nothing happens then."
                )
                % {
                    "role": Role(invitation.role).label,
                    "city": f" ({invitation.city.name})" if invitation.city else "",
                    "expires": expires,
                    "link": link,
                }
            )
    subject = "Einladung in den Quartiersatlas / Invitation to Quartiersatlas"
    body = "\n\n-- \n\n".join(parts)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]).send()


@transaction.atomic
def invitation_create(
    *, email: str, role: str, city: Area | None = None, actor: Any = None, accept_url: str
) -> tuple[Invitation, str]:
    """Invite ``email`` into ``role`` (and ``city``): the account (username = email) is created
    inactive if it is new, given the role now, and mailed a one-time link ``accept_url#<token>`` (sent
    once the transaction commits) valid for ``settings.STAFF_INVITATION_DAYS`` days. Earlier open
    invitations of the address are withdrawn. Returns (invitation, token)."""
    _check_actor(actor)
    email = _clean_email(email)
    _groups([role])
    _check_city_given(actor, city)
    user, created = _account(email)
    if not created and (roles_of(user) or user.is_superuser):
        team_check(actor, user)
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        user=user,
        role=role,
        city=city,
        token_hash=token_hash(token),
        invited_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=now + timedelta(days=settings.STAFF_INVITATION_DAYS),
    )
    _grant(user, role=role, city=city)
    _record(StaffEvent.Action.INVITE, actor=actor, subject=user, city=city, note=role)
    link = f"{accept_url}#{token}"
    transaction.on_commit(lambda: _mail(invitation, link))
    return invitation, token


class InvitationInvalid(NotFound):
    """The token names no invitation (404), or one that can no longer be used: ``state`` says which
    (``invalid``, ``expired``, ``used``, ``withdrawn``)."""

    def __init__(self, state: str):
        messages = {
            "invalid": _("This invitation link is not valid."),
            "expired": _("This invitation has expired. Ask your city admin for a new one."),
            "used": _("This invitation has already been used. Sign in with your password."),
            "withdrawn": _("This invitation has been withdrawn."),
        }
        super().__init__(messages[state])
        self.state = state


def invitation_find(token: str) -> Invitation:
    """The usable invitation of ``token``; ``InvitationInvalid`` naming why not."""
    if not token or len(token) > 200:
        raise InvitationInvalid("invalid")
    invitation = Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise InvitationInvalid("invalid")
    if invitation.used_at is not None:
        raise InvitationInvalid("used")
    if invitation.withdrawn_at is not None:
        raise InvitationInvalid("withdrawn")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, password_again: str) -> Any:
    """Use the invitation of ``token``: set the account's password (Django's validators; errors on
    ``password`` / ``password_again``), activate it, mark the invitation used. Returns the account.
    ``InvitationInvalid`` (nothing changed) for an unknown, used, withdrawn or expired token."""
    found = invitation_find(token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.used_at is not None:  # a second request with the same link, a moment later
        raise InvitationInvalid("used")
    user = invitation.user
    if password != password_again:
        raise ServiceError(_("The two passwords differ."), "password_again")
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.is_active = True
    user.save()
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    _record(StaffEvent.Action.ACCEPT, actor=user, subject=user, city=invitation.city, note=invitation.role)
    return user


@transaction.atomic
def invitation_withdraw(*, invitation_id: int, actor: Any = None) -> Invitation:
    """Withdraw an open invitation: its link no longer works. An account the invitation created and
    that never set a password loses the role it was invited into."""
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("There is no such invitation."))
    team_check(actor, invitation.user)
    if invitation.used_at is not None or invitation.withdrawn_at is not None:
        raise Conflict(_("This invitation is no longer open."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    user = invitation.user
    if not user.has_usable_password():
        user.groups.remove(*_groups([invitation.role]))
    _record(StaffEvent.Action.WITHDRAW, actor=actor, subject=user, city=invitation.city, note=invitation.role)
    return invitation


def _subject(user_id: int) -> Any:
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("There is no such account."))
    return user


@transaction.atomic
def staff_set_role(*, user_id: int, roles: Iterable[str], actor: Any = None) -> list[str]:
    """Set the staff roles of an account (the groups of ``Role``; others stay). At least one role:
    to take every role away, deactivate the account. Returns the roles now held."""
    wanted = sorted(set(roles))
    user = _subject(user_id)
    team_check(actor, user)
    if not wanted:
        raise ServiceError(_("Choose at least one role (or deactivate the account)."), "roles")
    groups = _groups(wanted)
    if actor is not None and actor.pk == user.pk and Role.ADMIN not in wanted and not actor.is_superuser:
        raise Conflict(_("You cannot take the city admin role from yourself."))
    before = roles_of(user)
    user.groups.remove(*Group.objects.filter(name__in=GROUPS.values()))
    user.groups.add(*groups)
    if ADMIN_SITE_ROLES & set(wanted) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    city = Membership.objects.filter(user=user).select_related("city").first()
    _record(
        StaffEvent.Action.SET_ROLES,
        actor=actor,
        subject=user,
        city=city.city if city else None,
        note=f"{', '.join(before) or '-'} → {', '.join(wanted)}",
    )
    return wanted


@transaction.atomic
def staff_deactivate(*, user_id: int, actor: Any = None) -> Any:
    """Deactivate an account: it can no longer sign in (its records and audit stay)."""
    user = _subject(user_id)
    team_check(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise Conflict(_("You cannot deactivate your own account."))
    if not user.is_active:
        raise Conflict(_("This account is already inactive."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    _record(StaffEvent.Action.DEACTIVATE, actor=actor, subject=user)
    return user


@transaction.atomic
def staff_reactivate(*, user_id: int, actor: Any = None) -> Any:
    """Let a deactivated account sign in again (with its old password)."""
    user = _subject(user_id)
    team_check(actor, user)
    if user.is_active:
        raise Conflict(_("This account is already active."))
    if not user.has_usable_password():
        raise Conflict(_("This account has no password yet; invite the person again."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(StaffEvent.Action.REACTIVATE, actor=actor, subject=user)
    return user


@transaction.atomic
def staff_remove(*, email: str, city: Area | None = None, actor: Any = None) -> Any:
    """Take the staff roles from an account (and, with ``city``, only its membership of that city;
    the roles go when no membership is left). The account itself stays (its audit names it)."""
    user = account_of(email)
    if user is None:
        raise NotFound(_("There is no account %(email)s.") % {"email": email}, "email")
    team_check(actor, user)
    if city is not None:
        Membership.objects.filter(user=user, city=city).delete()
    if city is None or not Membership.objects.filter(user=user).exists():
        user.groups.remove(*Group.objects.filter(name__in=GROUPS.values()))
    _record(StaffEvent.Action.REMOVE, actor=actor, subject=user, city=city)
    return user
