"""Accounts: what a citizen's account keeps beside allauth's user and address rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationSettings(models.Model):
    """Which emails an account asked for (opt-in: no row, or a field off, sends nothing). The mails go
    to the account's verified address (allauth's primary address = ``User.email``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    on_response = models.BooleanField(
        _("when one of my contributions gets an official response"), default=False
    )
    on_measure_status = models.BooleanField(
        _("when a measure linked to one of my contributions changes its status"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}"
