"""Development plans (Bauleitpläne) from XPlanung: ``import_xplan`` reads XPlanGML 5.x/6.0 (BP_Plan,
FP_Plan) into a reference layer of plans, linked to the Quartiere and published as the map layer
``development_plans``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Development plans")
