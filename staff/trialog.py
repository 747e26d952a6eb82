"""The Trialog's verified roles (council, strategy board): whose input is marked as theirs.

``role_of`` is what every format asks when it stores a person's input (a contribution, a comment, a
survey response, a proposal): the kind is stored with the input at that moment, so a mark stays true
to when it was written."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from geo.errors import Forbidden, NotFound, ServiceError
from geo.permissions import is_city_admin
from quartiere.models import Area, Level
from staff.models import StaffEvent, TrialogRole
from staff.scope import check_city, cities_of
from staff.services import _record


def role_of(user: Any, city: Any) -> str | None:
    """``TrialogRole.Kind`` value of ``user`` in ``city`` (an Area or its id), or None (no account,
    no verified role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    city_id = getattr(city, "pk", city)
    return TrialogRole.objects.filter(user=user, city_id=city_id).values_list("kind", flat=True).first()


# --- the verification by city admins (/planung/team/, ``manage.py staff trialog``) -----------------


def trialog_roles(actor: Any) -> QuerySet[TrialogRole]:
    """The verified roles in the cities ``actor`` administers (every city for unscoped admins)."""
    roles = TrialogRole.objects.select_related("user", "city", "verified_by").order_by(
        "city__name", "user__email"
    )
    own = cities_of(actor) if actor is not None else None
    return roles if own is None else roles.filter(city_id__in=own)


def _check_admin(actor: Any, city_id: int) -> None:
    """A system write (None), or a city admin acting in ``city_id`` (``Forbidden`` otherwise)."""
    if actor is None:
        return
    if not is_city_admin(actor):
        raise Forbidden(_("Only city admins may verify Trialog roles."))
    check_city(actor, city_id, field="city")


@transaction.atomic
def trialog_role_verify(*, email: str, city: Area, kind: str, actor: Any = None) -> TrialogRole:
    """Verify the citizen account with the (verified) address ``email`` as council or advisory-board
    member (``kind``) of ``city``: from then on its input there is marked as such. Changes the kind of
    an existing role. One ``StaffEvent``."""
    if kind not in TrialogRole.Kind.values:
        raise ServiceError(_("Choose council member or advisory-board member."), "kind")
    if city is None or city.level != Level.CITY:
        raise ServiceError(_("Choose one of the cities in the list."), "city")
    _check_admin(actor, city.pk)
    email = (email or "").strip()
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if address is None or not address.user.is_active:
        raise ServiceError(
            _("There is no account with this verified address; the person signs up under /konto/ first."),
            "email",
        )
    role, _created = TrialogRole.objects.update_or_create(
        user=address.user, city=city, defaults={"kind": kind, "verified_by": _signed_in(actor)}
    )
    _record(StaffEvent.Action.TRIALOG_VERIFY, actor=actor, subject=address.user, city=city, note=kind)
    return role


@transaction.atomic
def trialog_role_revoke(*, role_id: int, actor: Any = None) -> None:
    """Withdraw a verified role (input made before keeps its mark: it was true then)."""
    role = TrialogRole.objects.select_for_update().select_related("user", "city").filter(pk=role_id).first()
    if role is None:
        raise NotFound(_("There is no such Trialog role."))
    _check_admin(actor, role.city_id)
    _record(StaffEvent.Action.TRIALOG_REVOKE, actor=actor, subject=role.user, city=role.city, note=role.kind)
    role.delete()


def _signed_in(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None
