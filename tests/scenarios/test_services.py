"""scenarios.services: composing each kind of change, bad input (400 naming the field), versions,
the city scope, sharing, comments and the decision — adopting applies everything or nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from geo.errors import Conflict, Forbidden, NotFound, StaleVersion
from measures.models import BudgetLine, Measure, MeasureStatus
from scenarios import services
from scenarios.demo import BOARD_EMAIL, GREEN, SOCIAL
from scenarios.models import ProposedMeasureArea, Scenario, ScenarioEvent, State
from tests.scenarios.conftest import PAYLOAD, fill


def published_state() -> tuple:
    """Everything in the published tables, to compare before and after."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(coalesce(string_agg(m::text, '|' ORDER BY id), '')) FROM measures_measure m"
        )
        measures = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(coalesce(string_agg(b::text, '|' ORDER BY id), '')) FROM measures_budgetline b"
        )
        lines = cursor.fetchone()[0]
    return measures, lines


def field_of(error) -> str:
    return next(iter(error.value.message_dict))


def test_it_composes_each_kind_of_change_without_touching_the_published_tables(scenario, lb_planner):
    before = published_state()
    parts = fill(scenario, lb_planner)
    assert published_state() == before
    assert scenario.version == 8
    assert scenario.proposed_measures.get().budget_lines.get().amount == Decimal("150000.00")
    assert sorted(scenario.measure_changes.values_list("action", "years")) == [
        ("drop", None),
        ("postpone", 2),
    ]
    assert sorted(scenario.budget_changes.values_list("action", flat=True)) == ["add", "change", "remove"]
    # the proposed measure is linked to Nord (its scope) and to the city enclosing it
    links = ProposedMeasureArea.objects.filter(proposed_measure=parts["proposed"])
    assert sorted(links.values_list("area__code", "kind")) == [
        ("08118048", "enclosing"),
        ("08118048-02", "scope"),
        ("VRS", "enclosing"),
    ]
    assert ScenarioEvent.objects.filter(scenario=scenario, action="changed").count() == 7


def test_a_drawn_proposed_measure_is_linked_by_geometry(scenario, lb_planner):
    from geo import validation
    from tests.scenarios.conftest import NORD_SQUARE

    geom = validation.geometry_from_geojson(NORD_SQUARE, field="geom")
    proposed = services.proposed_measure_create(
        scenario_id=scenario.pk, expected_version=1, user=lb_planner, title="Grünfläche", geom=geom
    )
    kinds = set(ProposedMeasureArea.objects.filter(proposed_measure=proposed).values_list("kind", flat=True))
    assert kinds == {"geometry"}
    assert proposed.geom.srid == 25832


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda s, u: services.scenario_update(
                scenario_id=s.pk, expected_version=1, user=u, name=" ", budget_year=2023
            ),
            "name",
        ),
        (
            lambda s, u: services.scenario_update(
                scenario_id=s.pk, expected_version=1, user=u, name="x", budget_year=1999
            ),
            "budget_year",
        ),
        (
            lambda s, u: services.proposed_measure_create(
                scenario_id=s.pk, expected_version=1, user=u, title="x"
            ),
            "geom",
        ),
        (
            lambda s, u: services.proposed_measure_create(
                scenario_id=s.pk, expected_version=1, user=u, title="x", scope=s.city, dimensions=["blue"]
            ),
            "dimensions",
        ),
        (
            lambda s, u: services.measure_change_create(
                scenario_id=s.pk, expected_version=1, user=u, measure_id=0, action="drop"
            ),
            "measure",
        ),
        (
            lambda s, u: services.measure_change_create(
                scenario_id=s.pk, expected_version=1, user=u, measure_id=0, action="explode"
            ),
            "action",
        ),
        (
            lambda s, u: services.budget_line_change_create(
                scenario_id=s.pk, expected_version=1, user=u, action="change", budget_line_id=0
            ),
            "budget_line",
        ),
    ],
    ids=["name", "year", "place", "dimension", "measure", "action", "line"],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(scenario, lb_planner, call, field):
    with pytest.raises(ValidationError) as error:
        call(scenario, lb_planner)
    assert getattr(error.value, "status", 400) == 400
    assert field_of(error) == field
    assert Scenario.objects.get(pk=scenario.pk).version == 1


def test_postponing_needs_1_to_20_years_and_amounts_are_not_negative(scenario, lb_planner, city):
    from tests.scenarios.conftest import running_measures

    (measure,) = running_measures(city, 1)
    with pytest.raises(ValidationError) as error:
        services.measure_change_create(
            scenario_id=scenario.pk,
            expected_version=1,
            user=lb_planner,
            measure_id=measure.pk,
            action="postpone",
            years=0,
        )
    assert field_of(error) == "years"
    with pytest.raises(ValidationError) as error:
        services.budget_line_change_create(
            scenario_id=scenario.pk,
            expected_version=1,
            user=lb_planner,
            action="add",
            measure_id=measure.pk,
            fiscal_year=2023,
            amount="-5",
            kind="investment",
        )
    assert field_of(error) == "amount"


def test_a_stale_version_is_refused(scenario, lb_planner):
    services.scenario_update(
        scenario_id=scenario.pk, expected_version=1, user=lb_planner, name="A", budget_year=2023
    )
    with pytest.raises(StaleVersion):
        services.scenario_update(
            scenario_id=scenario.pk, expected_version=1, user=lb_planner, name="B", budget_year=2023
        )
    assert Scenario.objects.get(pk=scenario.pk).name == "A"


def test_a_planner_of_another_city_is_refused(scenario, foreign_planner, city):
    with pytest.raises(Forbidden):
        services.scenario_create(city=city, name="x", budget_year=2023, user=foreign_planner)
    with pytest.raises(NotFound):  # they cannot even see it
        services.scenario_update(
            scenario_id=scenario.pk, expected_version=1, user=foreign_planner, name="x", budget_year=2023
        )


def test_sharing_withdrawing_and_who_may_compose_when(scenario, lb_planner, board):
    services.scenario_share(scenario_id=scenario.pk, expected_version=1, user=lb_planner)
    with pytest.raises(Conflict):  # shared: withdraw to draft first
        services.scenario_update(
            scenario_id=scenario.pk, expected_version=2, user=lb_planner, name="x", budget_year=2023
        )
    services.scenario_withdraw(scenario_id=scenario.pk, expected_version=2, user=lb_planner)
    assert Scenario.objects.get(pk=scenario.pk).state == State.DRAFT
    with pytest.raises(Conflict):  # a draft cannot be withdrawn
        services.scenario_withdraw(scenario_id=scenario.pk, expected_version=3, user=lb_planner)
    actions = list(ScenarioEvent.objects.filter(scenario=scenario).values_list("action", flat=True))
    assert actions == ["created", "shared", "withdrawn"]


def test_comments_are_kept_as_written_and_audited(scenario, lb_planner, board):
    with pytest.raises(NotFound):  # a draft: the board does not see it
        services.scenario_comment(scenario_id=scenario.pk, user=board, body="x")
    services.scenario_share(scenario_id=scenario.pk, expected_version=1, user=lb_planner)
    comment = services.scenario_comment(scenario_id=scenario.pk, user=board, body=PAYLOAD)
    assert comment.body == PAYLOAD.strip() and comment.author_name == "lb-board"
    with pytest.raises(ValidationError) as error:
        services.scenario_comment(scenario_id=scenario.pk, user=board, body="   ")
    assert field_of(error) == "body"
    assert ScenarioEvent.objects.filter(scenario=scenario, action="commented").count() == 1


def decide(scenario, user, outcome="adopted", text="Beschlossen für den Haushalt 2023"):
    return services.scenario_decide(
        scenario_id=scenario.pk, expected_version=scenario.version, user=user, outcome=outcome, decision=text
    )


def test_adopting_applies_every_change_through_the_measures_services(scenario, lb_planner):
    parts = fill(scenario, lb_planner)
    postponed = parts["postponed"]
    moved = {
        line.pk: line.fiscal_year
        for line in BudgetLine.objects.filter(measure=postponed, fiscal_year__gte=2023)
    }
    kept = {
        line.pk: line.fiscal_year
        for line in BudgetLine.objects.filter(measure=postponed, fiscal_year__lt=2023)
    }
    start, end = postponed.start_date, postponed.end_date
    services.scenario_share(scenario_id=scenario.pk, expected_version=scenario.version, user=lb_planner)
    scenario.refresh_from_db()
    counts = decide(scenario, lb_planner)
    assert counts["measures"] == 1 and counts["lines"] == 1
    assert (counts["dropped"], counts["postponed"], counts["moved"]) == (1, 1, len(moved))
    assert (counts["changed"], counts["removed"], counts["added"]) == (1, 1, 1)

    new = Measure.objects.get(title="Pocket-Park Nord")
    assert new.published and new.status == MeasureStatus.DECIDED and new.city_id == scenario.city_id
    assert list(new.budget_lines.values_list("fiscal_year", "amount", "kind", "funding")) == [
        (2023, Decimal("150000.00"), "investment", "grant")
    ]
    assert new.area_links.filter(area__code="08118048-02").exists()  # linked like any measure
    assert new.history.get().history_user == lb_planner  # the measures' own audit
    for pk, year in moved.items():
        assert BudgetLine.objects.get(pk=pk).fiscal_year == year + 2
    for pk, year in kept.items():
        assert BudgetLine.objects.get(pk=pk).fiscal_year == year
    postponed.refresh_from_db()
    assert postponed.start_date == start.replace(year=start.year + 2)
    assert postponed.end_date == end.replace(year=end.year + 2)
    assert Measure.objects.get(pk=parts["dropped"].pk).status == MeasureStatus.STOPPED
    assert BudgetLine.objects.get(pk=parts["changed_line"].pk).amount == parts["amount"]
    assert not BudgetLine.objects.filter(pk=parts["removed_line"].pk).exists()
    assert parts["added_to"].budget_lines.filter(fiscal_year=2024, amount=5000, kind="maintenance").exists()

    scenario.refresh_from_db()
    assert scenario.state == State.ADOPTED and scenario.decision == "Beschlossen für den Haushalt 2023"
    assert scenario.proposed_measures.get().adopted_as == new
    actions = list(ScenarioEvent.objects.filter(scenario=scenario).values_list("action", flat=True))
    assert actions[-3:] == ["shared", "adopted", "applied"]
    with pytest.raises(Conflict):  # decided: read-only
        services.scenario_update(
            scenario_id=scenario.pk,
            expected_version=scenario.version,
            user=lb_planner,
            name="x",
            budget_year=2023,
        )


def test_adopting_is_all_or_nothing_when_the_last_part_fails(scenario, lb_planner):
    parts = fill(scenario, lb_planner)
    services.scenario_share(scenario_id=scenario.pk, expected_version=scenario.version, user=lb_planner)
    scenario.refresh_from_db()
    # the last part of the scenario: the line added to a measure, whose measure is deleted now
    last = scenario.budget_changes.order_by("-id").first()
    assert last.action == "add"
    Measure.objects.filter(pk=parts["added_to"].pk).delete()
    before = published_state()
    events = ScenarioEvent.objects.filter(scenario=scenario).count()
    with pytest.raises(Conflict) as error:
        decide(scenario, lb_planner)
    assert parts["added_to"].title in error.value.message
    assert error.value.status == 409
    assert published_state() == before
    assert not Measure.objects.filter(title="Pocket-Park Nord").exists()
    scenario.refresh_from_db()
    assert scenario.state == State.SHARED and scenario.decision == ""
    assert ScenarioEvent.objects.filter(scenario=scenario).count() == events


def test_a_line_changed_since_composing_fails_the_adoption_naming_it(scenario, lb_planner):
    from measures import services as measure_services

    parts = fill(scenario, lb_planner)
    services.scenario_share(scenario_id=scenario.pk, expected_version=scenario.version, user=lb_planner)
    scenario.refresh_from_db()
    line = parts["changed_line"]
    measure_services.budget_line_update(budget_line_id=line.pk, expected_versions=None, note="geändert")
    before = published_state()
    with pytest.raises(Conflict) as error:
        decide(scenario, lb_planner)
    assert line.measure.title in error.value.message
    assert published_state() == before


def test_rejecting_writes_nothing_published(scenario, lb_planner):
    fill(scenario, lb_planner)
    services.scenario_share(scenario_id=scenario.pk, expected_version=scenario.version, user=lb_planner)
    scenario.refresh_from_db()
    before = published_state()
    assert decide(scenario, lb_planner, outcome="rejected", text="") == {}
    assert published_state() == before
    assert Scenario.objects.get(pk=scenario.pk).state == State.REJECTED


def test_adopting_needs_the_decision_text(scenario, lb_planner):
    services.scenario_share(scenario_id=scenario.pk, expected_version=1, user=lb_planner)
    scenario.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        decide(scenario, lb_planner, text=" ")
    assert field_of(error) == "decision"


# the demo (loaded for this module): two scenarios for 2023, the green one shared with two comments of
# the demo board member, its new measures drawn in West; loading again changes nothing


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
