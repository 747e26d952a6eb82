"""Writes of the account pages: notification settings, and the deletion of an account with all its data
(GDPR Art. 17). Each is one transaction; a refused one changes nothing."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import NotificationSettings
from geo.errors import ServiceError
from participation import formats


@transaction.atomic
def notifications_set(*, user: Any, on_response: bool, on_measure_status: bool) -> NotificationSettings:
    """Store which emails the account asked for (both off: none)."""
    settings, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"on_response": on_response, "on_measure_status": on_measure_status}
    )
    return settings


@transaction.atomic
def account_delete(*, user: Any, password: str) -> dict[str, int]:
    """Delete the account after checking its password: first every format's data of it (each registered
    ``PersonalData.erase``: contributions by participation's erase rule, supports, flags, survey
    answers, comments, …), then the account itself (its addresses, sessions' user, settings cascade).
    Returns the number of rows erased per kind. Staff accounts are not deleted here."""
    if not user.check_password(password or ""):
        raise ServiceError(_("The password is not right; nothing was deleted."), "password")
    if user.is_staff or user.groups.exists():
        raise ServiceError(_("Staff accounts are removed by an administrator; nothing was deleted."))
    erased = {data.key: data.erase(user) for data in formats.personal_data()}
    user.delete()
    return erased
