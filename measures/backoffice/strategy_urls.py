"""The strategy tree in the planners' back office, under /planung/strategie/."""

from django.urls import path, register_converter

from measures.backoffice import strategy, strategy_papers


class RecordId:
    """A database id in a path: 1 to 18 digits (a longer number is no id: 404, not an overflow)."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordId, "strategy_id")

app_name = "office-strategy"

urlpatterns = [
    path("", strategy.tree, name="tree"),
    path("handlungsfelder/neu/", strategy.action_field_new, name="action-field-new"),
    path("handlungsfelder/<strategy_id:pk>/", strategy.action_field_edit, name="action-field"),
    path(
        "handlungsfelder/<strategy_id:pk>/loeschen/", strategy.action_field_delete, name="action-field-delete"
    ),
    path("handlungsfelder/<strategy_id:field_pk>/ziele/neu/", strategy.goal_new, name="goal-new"),
    path("ziele/<strategy_id:pk>/", strategy.goal_edit, name="goal"),
    path("ziele/<strategy_id:pk>/loeschen/", strategy.goal_delete, name="goal-delete"),
    path("masterplaene/neu/", strategy.master_plan_new, name="master-plan-new"),
    path("masterplaene/<strategy_id:pk>/", strategy.master_plan_edit, name="master-plan"),
    path("masterplaene/<strategy_id:pk>/loeschen/", strategy.master_plan_delete, name="master-plan-delete"),
    path(
        "masterplaene/<strategy_id:pk>/vorlagen/",
        strategy_papers.master_plan_papers,
        name="master-plan-papers",
    ),
    path(
        "masterplaene/<strategy_id:pk>/vorlagen/<strategy_id:paper_id>/entfernen/",
        strategy_papers.master_plan_paper_remove,
        name="master-plan-paper-remove",
    ),
]
