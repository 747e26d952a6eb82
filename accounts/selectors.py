"""Reads of the account pages: the account's contributions with what became of them, and the export
of all its data (GDPR Art. 15/20)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import NotificationSettings
from measures.models import Measure
from participation import formats
from participation.models import Contribution
from participation.personal import contributions_of


def my_contributions(user: Any) -> QuerySet[Contribution]:
    """The account's contributions, newest first, with consultation, response and linked measures."""
    return (
        contributions_of(user)
        .select_related("consultation", "response", "response__measure")
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.only("id", "title", "status")))
        .order_by("-created_at", "-id")
    )


def notification_settings(user: Any) -> NotificationSettings:
    """The account's settings; a fresh unsaved one (everything off) when it never set any."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def format_counts(user: Any) -> list[tuple[str, str, int]]:
    """(key, label, number of rows) of the account's data in each registered format."""
    return [(data.key, str(data.label), len(data.export(user))) for data in formats.personal_data()]


def account_export(user: Any) -> dict[str, Any]:
    """Everything stored about the account, JSON-serialisable: the profile, its addresses, its
    notification settings and each registered format's rows (``PersonalData.export``)."""
    from allauth.account.models import EmailAddress

    prefs = notification_settings(user)
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": email, "verified": verified, "primary": primary}
            for email, verified, primary in EmailAddress.objects.filter(user=user)
            .order_by("id")
            .values_list("email", "verified", "primary")
        ],
        "notifications": {"on_response": prefs.on_response, "on_measure_status": prefs.on_measure_status},
        "trialog_roles": [
            {"city": city, "role": kind}
            for city, kind in user.trialog_roles.order_by("id").values_list("city__name", "kind")
        ],
        "data": {data.key: data.export(user) for data in formats.personal_data()},
    }
