"""Scenarios in Django's admin: read-only for everybody. Every write goes through scenarios.services
(roles, city scope, versions, the audit trail) on the scenario pages; the strategy board has no
permission in the admin at all (geo.roles), and its members are no ``is_staff`` accounts."""

from django.contrib import admin

from scenarios.models import Scenario, ScenarioComment, ScenarioEvent
from staff.scope import in_own_cities


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Scenario)
class ScenarioAdmin(ReadOnly):
    list_display = ("name", "city", "budget_year", "state", "version")
    list_filter = ("state", "budget_year")

    def get_queryset(self, request):
        return in_own_cities(super().get_queryset(request), request.user)


@admin.register(ScenarioComment)
class ScenarioCommentAdmin(ReadOnly):
    list_display = ("scenario", "author_name", "created_at")

    def get_queryset(self, request):
        return in_own_cities(super().get_queryset(request), request.user, city="scenario__city_id")


@admin.register(ScenarioEvent)
class ScenarioEventAdmin(ReadOnly):
    list_display = ("scenario", "action", "actor_name", "at")

    def get_queryset(self, request):
        return in_own_cities(super().get_queryset(request), request.user, city="scenario__city_id")
