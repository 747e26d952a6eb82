"""Development plans (Bauleitpläne) from XPlanung: ``import_xplan`` reads XPlanGML 5.x/6.0 (BP_Plan,
FP_Plan) into a reference layer of plans, linked to the Quartiere and published as the map layer
``development_plans``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Development plans")

    def ready(self) -> None:
        from plans.layers import register_layers
        from plans.services import PLAN_LINKS
        from quartiere import linking

        linking.register(PLAN_LINKS)
        register_layers()

    def load_demo(self, demo_dir):
        """Called by ``manage.py load_demo`` after the areas: the illustrative development plans."""
        from plans.demo import load_demo

        return load_demo(demo_dir)
