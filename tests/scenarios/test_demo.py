"""The demo's scenarios: two for Ludwigsburg's 2023 budget, the green one shared with two comments of
the demo board member, its new measures drawn in West; loading again changes nothing."""

from io import StringIO

from django.core.management import call_command

from scenarios.demo import BOARD_EMAIL, GREEN, SOCIAL
from scenarios.models import Scenario, ScenarioEvent, State


def test_the_demo_has_two_scenarios_for_2023(demo):
    green = Scenario.objects.get(name=GREEN)
    social = Scenario.objects.get(name=SOCIAL)
    assert (green.budget_year, social.budget_year) == (2023, 2023)
    assert (green.state, social.state) == (State.SHARED, State.DRAFT)
    assert green.proposed_measures.count() == 3 and green.measure_changes.get().action == "postpone"
    for proposed in green.proposed_measures.all():
        assert proposed.area_links.filter(area__name="West").exists(), proposed.title
    assert list(green.comments.values_list("author__username", flat=True)) == [BOARD_EMAIL, BOARD_EMAIL]
    assert social.measure_changes.get().action == "drop"
    assert sorted(social.budget_changes.values_list("action", flat=True)) == ["add", "change"]
    events = ScenarioEvent.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Scenario.objects.count() == 2 and ScenarioEvent.objects.count() == events
