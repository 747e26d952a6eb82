from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuartiereConfig(AppConfig):
    name = "quartiere"
    verbose_name = _("Areas")

    def ready(self) -> None:
        # connects the receiver that keeps every registered link table right after area imports
        from quartiere import linking  # noqa: F401
        from quartiere.layers import register_layers

        register_layers()
