"""The participatory budget (Bürgerhaushalt): proposals with a place and a cost estimate, feasibility
check, voting within the budget, results, winners as measures."""

from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budgeting"
    verbose_name = _("Participatory budget")

    def load_demo(self, demo_dir: Path) -> str:
        """Called by ``manage.py load_demo``: the illustrative "Bürgerhaushalt 2027" in its voting phase."""
        from budgeting.demo import load_demo

        return load_demo(demo_dir)

    def ready(self) -> None:
        from budgeting.registry import register_all

        register_all()
