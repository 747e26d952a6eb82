"""The account's opt-in notifications, hooked into participation's mails (participation.notifications)
and into measures' saves (a linked measure's new status)."""

from typing import Any

from django.db.models.signals import post_save, pre_save

from accounts.models import NotificationSettings
from measures.models import Measure
from participation import notifications
from participation.models import Contribution

STATUS_BEFORE = "_accounts_status_before"  # the stored status, set on the instance before its save
FIELD = {"response": "on_response", "measure_status": "on_measure_status"}


def account_recipient(contribution: Contribution, event: str) -> str | None:
    """The address of the account that wrote ``contribution`` when it opted in to ``event``."""
    field = FIELD.get(event)
    if field is None or contribution.author_id is None:
        return None
    wanted = NotificationSettings.objects.filter(user_id=contribution.author_id, **{field: True}).exists()
    if not wanted:
        return None
    email: str = contribution.author.email if contribution.author else ""
    return email or None


def _remember_status(sender: Any, instance: Measure, **kwargs: Any) -> None:
    """Before a measure is saved: its stored status, to tell a change after the save."""
    before = None
    if instance.pk is not None:
        before = Measure.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    setattr(instance, STATUS_BEFORE, before)


def _status_changed(sender: Any, instance: Measure, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, STATUS_BEFORE, None)
    if not created and before is not None and before != instance.status:
        notifications.measure_status_changed(instance)


def connect() -> None:
    notifications.register_account_recipient(account_recipient)
    pre_save.connect(_remember_status, sender=Measure, dispatch_uid="accounts.measure_status_before")
    post_save.connect(_status_changed, sender=Measure, dispatch_uid="accounts.measure_status_changed")
