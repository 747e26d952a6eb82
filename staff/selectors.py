"""Reads for the team pages: the staff a city admin manages, the open invitations, the audit."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from quartiere.models import Area
from staff.models import Invitation, Membership, StaffEvent
from staff.scope import cities_of, owner_choices
from staff.services import GROUPS


def team_cities(actor: Any, *, region: bool = True) -> QuerySet[Area]:
    """The areas ``actor`` hands out roles for (staff.scope.owner_choices): their own cities (a
    regional admin: the region), every city and the region for unscoped admins. ``region`` False: the
    cities only (the Trialog roles are a city's)."""
    return owner_choices(actor, region=region)


def team_members(actor: Any) -> list[Any]:
    """The staff accounts ``actor`` manages (in a role's group; tied to cities: those with a membership
    of one of the actor's cities), active and inactive, by user name; each with ``role_names`` and
    ``city_names``."""
    users = (
        get_user_model()
        .objects.filter(groups__name__in=GROUPS.values())
        .distinct()
        .prefetch_related(
            "groups",
            Prefetch("memberships", Membership.objects.select_related("city").order_by("city__name")),
        )
        .order_by("username")
    )
    own = cities_of(actor)
    if own is not None:
        users = users.filter(memberships__city__in=own)
    members = list(users)
    by_group = {group: role for role, group in GROUPS.items()}
    user: Any
    for user in members:
        names = {g.name for g in user.groups.all()}
        user.role_names = [role for group, role in by_group.items() if group in names]
        user.city_names = [m.city.name for m in user.memberships.all()]
    return members


def open_invitations(actor: Any) -> QuerySet[Invitation]:
    """Invitations neither used nor withdrawn (expired ones too: they can be withdrawn or renewed)
    of the actor's cities, newest first."""
    invitations = Invitation.objects.filter(used_at__isnull=True, withdrawn_at__isnull=True).select_related(
        "city", "invited_by"
    )
    own = cities_of(actor)
    return invitations if own is None else invitations.filter(city__in=own)


def team_events(actor: Any, *, limit: int = 30) -> QuerySet[StaffEvent]:
    """The latest entries of the team's audit that concern the actor's cities (all for unscoped
    admins), newest first."""
    events = StaffEvent.objects.select_related("city")
    own = cities_of(actor)
    if own is not None:
        events = events.filter(Q(city__in=own) | Q(subject__memberships__city__in=own)).distinct()
    return events.order_by("-at", "-id")[:limit]
