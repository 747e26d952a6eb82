"""Budget scenarios for the strategy board (Strategiebeirat): a named set of changes to the published
measures and budget lines, compared with the baseline and with each other, shared read-only with the
board, and — when decided — turned into published measures and budget lines in one transaction."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scenarios"
    verbose_name = _("Scenarios")
