"""Citizens' optional accounts (django-allauth): my contributions, notifications, export and deletion of
one's own data; the Trialog's verified roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import signals

        signals.connect()
