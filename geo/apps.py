from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Spatial core")

    def ready(self) -> None:
        # before anything imports mapnik: PROJ/GDAL data of the system, not the wheel's (DESIGN.md)
        from geo.mapnik_env import check_mapnik

        checks.register(check_mapnik, "geo")

        from geo.dataversion import install_triggers_after_migrate

        # The layers' tables get their data-version triggers once every app has registered its layers.
        # No sender filter: post_migrate is only sent for apps with models, and geo has none; the
        # receiver is idempotent (one query when nothing is missing).
        post_migrate.connect(install_triggers_after_migrate, dispatch_uid="geo.dataversion")
