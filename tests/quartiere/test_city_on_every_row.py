"""The city on every row (docs/multi-city.md): each child table carries its parent's city, kept by a
composite foreign key (ON UPDATE CASCADE) and an insert trigger; ``check_cities`` reports rows whose
city disagrees with their geometry or their parent."""

import json
from io import StringIO

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from geo.crs import STORAGE_SRID
from indicators.models import Direction, Indicator
from measures.models import BudgetLine, Measure, MeasureArea
from measures.services import MEASURE_LINKS
from participation.models import Consultation, Contribution
from quartiere.city_check import city_problems
from quartiere.linking import links_refresh
from quartiere.models import Area, Level
from quartiere.shard import city_children
from scenarios.models import ProposedBudgetLine, ProposedMeasure, Scenario
from tests.conftest import sql_value

CITY = "08118048"
# the log tables whose parent may be gone (SET_NULL): their city may be NULL
NULLABLE = {"participation_moderationevent", "surveys_answermoderation"}


def second_city(demo) -> Area:
    """A small city B in the region, outside Ludwigsburg (a 1 km square 15 km south of it)."""
    ludwigsburg = demo[CITY]
    centre = ludwigsburg.geom.centroid
    x, y = centre.x, centre.y - 15_000
    square = Polygon.from_bbox((x - 500, y - 500, x + 500, y + 500))
    return Area.objects.create(
        level=Level.CITY,
        parent=demo["VRS"],
        code="08000001",
        name="Beispielstadt",
        slug="beispielstadt",
        geom=MultiPolygon(square, srid=STORAGE_SRID),
    )


def test_every_child_table_has_its_key_and_trigger(db):
    children = list(city_children())
    assert len(children) >= 24
    with connection.cursor() as cursor:
        for child in children:
            cursor.execute(
                "SELECT confupdtype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s",
                [f"{child.table}_city_fk"],
            )
            update_type, definition = cursor.fetchone()
            assert update_type == "c", child.table  # ON UPDATE CASCADE
            assert f"({child.parent_fk}, city_id)" in definition
            assert f"{child.parent_table}(id, {child.parent_city})" in definition
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
                [f"{child.table}_city", child.table],
            )
            assert cursor.fetchone()[0] == 1, child.table
            cursor.execute(
                "SELECT is_nullable FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'city_id'",
                [child.table],
            )
            assert cursor.fetchone()[0] == ("YES" if child.table in NULLABLE else "NO"), child.table


def test_the_rows_whose_city_the_services_set_reference_their_parent_too(db):
    keys = [
        ("participation_contribution", "consultation_id"),
        ("participation_consultation", "process_id"),
        ("events_event", "consultation_id"),
        ("budgeting_budget", "consultation_id"),
        ("budgeting_proposal", "budget_id"),
        ("budgeting_ballot", "budget_id"),
        ("budgeting_ballotchoice", "proposal_id"),
        ("budgeting_ballotchoice", "budget_id"),
        ("surveys_survey", "consultation_id"),
        ("surveys_surveyresponse", "survey_id"),
        ("discussion_comment", "contribution_id"),
        ("discussion_comment", "measure_id"),
        ("discussion_comment", "consultation_id"),
        ("discussion_comment", "parent_id"),
    ]
    for table, fk in keys:
        assert (
            sql_value("SELECT confupdtype FROM pg_constraint WHERE conname = %s", [f"{table}_{fk}_city_fk"])
            == "c"
        ), (table, fk)


def test_the_demo_rows_carry_their_parents_city(demo):
    filled = 0
    for child in city_children():
        rows = sql_value(f"SELECT count(*) FROM {child.table}")
        wrong = sql_value(
            f"SELECT count(*) FROM {child.table} AS c "
            f"JOIN {child.parent_table} AS p ON p.id = c.{child.parent_fk} "
            f"WHERE c.city_id IS DISTINCT FROM p.{child.parent_city}"
        )
        assert wrong == 0, child.table
        filled += rows > 0
    assert filled >= 20  # the demo fills nearly every child table (not flags and notices)


def test_the_orm_bulk_create_and_raw_sql_fill_the_city(demo):
    measure = Measure.objects.filter(city=demo[CITY]).first()
    # parent not loaded: the trigger fills it, RETURNING brings it back
    line = BudgetLine.objects.create(measure_id=measure.pk, fiscal_year=2030, amount=1, kind="investment")
    assert line.city_id == measure.city_id
    # parent loaded: copied before the insert, no query
    line = BudgetLine(measure=measure, fiscal_year=2030, amount=2, kind="investment")
    line.save()
    assert line.city_id == measure.city_id
    [bulk] = BudgetLine.objects.bulk_create(
        [BudgetLine(measure_id=measure.pk, fiscal_year=2031, amount=3, kind="investment")]
    )
    assert bulk.city_id == measure.city_id
    raw_id = sql_value(
        "INSERT INTO measures_budgetline "
        "(measure_id, fiscal_year, amount, kind, funding, status, note, version) "
        "VALUES (%s, 2032, 4, 'investment', 'own', 'planned', '', 1) RETURNING id",
        [measure.pk],
    )
    assert BudgetLine.objects.get(pk=raw_id).city_id == measure.city_id


def test_link_rows_of_a_regional_measure_belong_to_the_region(demo):
    region = demo["VRS"]
    measure = Measure.objects.create(
        city=region, title="Regionaler Radweg", geom=demo[CITY].geom.centroid.buffer(2000)
    )
    links_refresh(MEASURE_LINKS, ids=[measure.pk])
    links = MeasureArea.objects.filter(measure=measure)
    assert links.exists()
    assert set(links.values_list("city_id", flat=True)) == {region.pk}


def test_an_indicator_value_belongs_to_the_city_of_its_area(demo):
    city, region = demo[CITY], demo["VRS"]
    quartier = Area.objects.filter(parent=city).first()
    indicator = Indicator.objects.create(
        key="shard-test", name_de="x", name_en="x", unit="%", dimension="green", direction=Direction.values[0]
    ).pk
    owners = {}
    for area in (quartier, city, region):
        owners[area.pk] = sql_value(
            "INSERT INTO indicators_indicatorvalue "
            "(indicator_id, area_id, year, value, quality, note, updated_at) "
            "VALUES (%s, %s, 2024, 1, 'measured', '', now()) RETURNING city_id",
            [indicator, area.pk],
        )
    assert owners == {quartier.pk: city.pk, city.pk: city.pk, region.pk: region.pk}


def test_a_measure_moved_to_another_city_takes_its_children_along(demo):
    other = second_city(demo)
    measure = Measure.objects.filter(
        city=demo[CITY], budget_lines__isnull=False, area_links__isnull=False
    ).first()
    Measure.objects.filter(pk=measure.pk).update(city=other)
    assert set(BudgetLine.objects.filter(measure=measure).values_list("city_id", flat=True)) == {other.pk}
    assert set(MeasureArea.objects.filter(measure=measure).values_list("city_id", flat=True)) == {other.pk}
    # two levels down: a scenario's proposed measures and their budget lines
    scenario = Scenario.objects.filter(proposed_measures__budget_lines__isnull=False).first()
    Scenario.objects.filter(pk=scenario.pk).update(city=other)
    assert set(ProposedMeasure.objects.filter(scenario=scenario).values_list("city_id", flat=True)) == {
        other.pk
    }
    lines = ProposedBudgetLine.objects.filter(proposed_measure__scenario=scenario)
    assert lines.exists() and set(lines.values_list("city_id", flat=True)) == {other.pk}


def test_a_consultation_moved_to_another_city_takes_everything_below_along(demo):
    """Three levels and more: consultation → contributions → supports and link rows; → budget →
    ballots → choices (which reference the ballot, the proposal and the budget); → survey → answers."""
    other = second_city(demo)
    Consultation.objects.update(city=other, process=None)
    for table in (
        "participation_contribution",
        "participation_support",
        "participation_contributionarea",
        "budgeting_proposal",
        "budgeting_ballotchoice",
        "surveys_surveyresponse",
        "surveys_answer",
        "events_registration",
    ):
        cities = sql_value(f"SELECT array_agg(DISTINCT city_id) FROM {table}")
        assert cities == [other.pk], table


def test_a_child_with_another_city_is_refused(demo):
    measure = Measure.objects.filter(city=demo[CITY]).first()
    region = demo["VRS"]
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            measure_id=measure.pk, city=region, fiscal_year=2030, amount=1, kind="investment"
        )
    line = BudgetLine.objects.filter(measure=measure).first() or BudgetLine.objects.create(
        measure=measure, fiscal_year=2030, amount=1, kind="investment"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(city=region)
    contribution = Contribution.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO participation_support (contribution_id, city_id, browser, created_at) "
            "VALUES (%s, %s, 'b', now())",
            [contribution.pk, region.pk],
        )


def test_check_cities_is_clean_on_the_demo_and_reports_a_planted_row(demo):
    assert city_problems() == []
    other = second_city(demo)
    consultation = Consultation.objects.filter(city=demo[CITY], area__isnull=False).first()
    inside_b = other.geom.centroid
    planted = sql_value(
        "INSERT INTO participation_contribution (consultation_id, city_id, geom, geom_public, text, "
        "category, origin, pseudonym, email, status, reject_reason, version, delete_token_hash, "
        "created_at, updated_at) "
        "VALUES (%s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 25832), ST_SetSRID(ST_MakePoint(0, 0), 25832), "
        "'planted', 'idea', 'civil_society', '', '', 'published', '', 1, '', now(), now()) RETURNING id",
        [consultation.pk, consultation.city_id, inside_b.x, inside_b.y],
    )
    findings = city_problems()
    assert [(f.table, f.problem, f.count, f.ids) for f in findings] == [
        ("participation_contribution", "geometry outside its city", 1, [planted])
    ]
    out = StringIO()
    with pytest.raises(CommandError, match="disagree"):
        call_command("check_cities", "--json", stdout=out)
    reported = json.loads(out.getvalue())
    assert {
        "table": "participation_contribution",
        "problem": "geometry outside its city",
        "count": 1,
        "ids": [planted],
    } in reported


def test_check_cities_reports_a_child_whose_city_differs_without_the_key(demo):
    """The key makes such a row impossible; the check proves it — shown by dropping the key for once."""
    measure = Measure.objects.filter(city=demo[CITY], budget_lines__isnull=False).first()
    line = measure.budget_lines.first()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: the table may be altered
        cursor.execute("ALTER TABLE measures_budgetline DROP CONSTRAINT measures_budgetline_city_fk")
        cursor.execute("UPDATE measures_budgetline SET city_id = %s WHERE id = %s", [demo["VRS"].pk, line.pk])
    found = [f for f in city_problems() if f.table == "measures_budgetline"]
    assert [(f.problem, f.ids) for f in found] == [("city differs from its parent's (measure_id)", [line.pk])]


def test_check_cities_succeeds_without_findings(demo):
    # the demo's regional programmes owned by the region, as decision 1 of the region plan has it
    Measure.objects.filter(scope__level=Level.REGION, city__level=Level.CITY).update(city=demo["VRS"])
    out = StringIO()
    call_command("check_cities", stdout=out)
    assert "every row agrees with its city" in out.getvalue()
    quiet = StringIO()
    call_command("check_cities", "--quiet", stdout=quiet)
    assert quiet.getvalue() == ""


def test_check_cities_accepts_a_city_share_of_a_regional_programme_and_reports_a_foreign_scope(demo):
    """A city's measure may be scoped to the city, one of its Quartiere or its region (the services'
    rule); scoped to another city's area, it is reported."""
    measure = Measure.objects.filter(city=demo[CITY], scope=demo["VRS"]).first()
    assert measure is not None and city_problems() == []
    other = second_city(demo)
    sql_value("UPDATE measures_measure SET scope_id = %s WHERE id = %s RETURNING id", [other.pk, measure.pk])
    assert [(f.table, f.problem, f.ids) for f in city_problems()] == [
        ("measures_measure", "scope not in its city", [measure.pk])
    ]
