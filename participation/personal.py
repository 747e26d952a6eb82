"""An account's own data in participation (GDPR Art. 15/17/20), registered in ``participation.formats``
as three ``PersonalData``: its contributions, supports and flags.

A contribution is the account's when the account wrote it (``author``) or when it was given with the
account's verified address (``email``) — the same rule by which ``contributor_erase`` finds a
person's contributions, so export and erasure cover the same rows."""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from geo.crs import WGS84
from participation import formats
from participation.models import Contribution, Flag, Support
from participation.services import contributions_erase


def contributions_of(user: Any) -> QuerySet[Contribution]:
    """The account's contributions (written by it, or given with its address), newest first."""
    own = Q(author=user)
    if user.email:
        own |= Q(email__iexact=user.email)
    return Contribution.objects.filter(own)


def _contributions(user: Any) -> list[dict[str, Any]]:
    rows = (
        contributions_of(user)
        .select_related("consultation", "response")
        .prefetch_related("measures")
        .order_by("created_at", "id")
    )
    out = []
    for c in rows:
        point: Any = c.geom.transform(WGS84, clone=True)
        response = getattr(c, "response", None)
        out.append(
            {
                "id": c.pk,
                "consultation": c.consultation.title,
                "created_at": c.created_at.isoformat(),
                "category": c.category,
                "origin": c.origin,
                "trialog_role": c.trialog_role,
                "status": c.status,
                "reject_reason": c.reject_reason,
                "text": c.text,
                "pseudonym": c.pseudonym,
                "email": c.email,
                "lon": round(point.x, 7),
                "lat": round(point.y, 7),
                "response": {
                    "text": response.text,
                    "unit": response.unit,
                    "date": response.date.isoformat(),
                    "outcome": response.outcome,
                }
                if response
                else None,
                "measures": [{"id": m.pk, "title": m.title, "status": m.status} for m in c.measures.all()],
            }
        )
    return out


def _supports(user: Any) -> list[dict[str, Any]]:
    return [
        {"contribution": contribution, "created_at": at.isoformat()}
        for contribution, at in Support.objects.filter(user=user)
        .order_by("created_at", "id")
        .values_list("contribution_id", "created_at")
    ]


def _flags(user: Any) -> list[dict[str, Any]]:
    return [
        {"contribution": contribution, "reason": reason, "note": note, "created_at": at.isoformat()}
        for contribution, reason, note, at in Flag.objects.filter(user=user)
        .order_by("created_at", "id")
        .values_list("contribution_id", "reason", "note", "created_at")
    ]


@transaction.atomic
def _erase_contributions(user: Any) -> int:
    return contributions_erase(contributions_of(user))


def _erase_supports(user: Any) -> int:
    return Support.objects.filter(user=user).delete()[0]


def _erase_flags(user: Any) -> int:
    return Flag.objects.filter(user=user).delete()[0]


def register_personal_data() -> None:
    formats.register_personal_data(
        formats.PersonalData("contributions", _("contributions"), _contributions, _erase_contributions)
    )
    formats.register_personal_data(
        formats.PersonalData("supports", _("supports"), _supports, _erase_supports)
    )
    formats.register_personal_data(formats.PersonalData("flags", _("reports"), _flags, _erase_flags))
