"""The kit for versioned, audited records (geo.records), the one conflict scheme (geo.etag) and the one
error model (geo.errors, answered by geo.api.exception_handler), on a real model: measures."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from rest_framework.test import APIRequestFactory

from geo import errors, etag
from geo.api import exception_handler
from geo.permissions import in_group, is_planner
from geo.records.services import VersionedRecord, check_fields, versioned_delete, versioned_update
from measures import services
from measures.models import BudgetLine, Measure, StrategicGoal
from tests.measures.factories import PlannerFactory, UserFactory

pytestmark = pytest.mark.django_db

CITY = "08118048"  # Ludwigsburg in the demo


@pytest.fixture
def city(demo):
    return demo[CITY]


@pytest.fixture
def measure(city) -> Measure:
    return services.measure_create(city=city, title="Stadtweit", scope=city)


def no_check(*_args) -> None:
    pass


# --- services ----------------------------------------------------------------------------------


def test_it_saves_a_row_and_its_many_to_many_fields_as_one_historical_record(city):
    goals = list(StrategicGoal.objects.order_by("id")[:2])
    planner = PlannerFactory()

    measure = services.measure_create(
        city=city, title="Platz", scope=city, strategic_goals=goals, user=planner
    )
    services.measure_update(
        measure_id=measure.pk,
        expected_versions={1},
        user=planner,
        title="Marktplatz",
        strategic_goals=goals[:1],
    )

    records = list(measure.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.version, r.title, r.history_user) for r in records] == [
        ("+", 1, "Platz", planner),
        ("~", 2, "Marktplatz", planner),
    ]
    assert sorted(r["strategicgoal"] for r in records[0].strategic_goals.values("strategicgoal")) == [
        g.pk for g in goals
    ]
    assert [r["strategicgoal"] for r in records[1].strategic_goals.values("strategicgoal")] == [goals[0].pk]


def test_an_anonymous_writer_is_recorded_as_nobody(measure):
    from django.contrib.auth.models import AnonymousUser

    # the kit itself: the services refuse anonymous writers before (staff.scope)
    versioned_update(
        services.MEASURE_RECORD,
        pk=measure.pk,
        expected_versions=None,
        user=AnonymousUser(),
        changes={"title": "x"},
        check=lambda *_: None,
    )

    assert measure.history.latest("history_date").history_user is None


def test_a_stale_version_is_refused_under_the_lock_and_nothing_changes(measure):
    before = Measure.history.count()

    with pytest.raises(errors.StaleVersion) as raised:
        versioned_update(
            services.MEASURE_RECORD,
            pk=measure.pk,
            expected_versions={7},
            user=None,
            changes={"title": "Neu"},
            check=no_check,
        )

    assert raised.value.status == 412 and raised.value.current == 1
    assert Measure.objects.get(pk=measure.pk).title == "Stadtweit"
    assert Measure.history.count() == before


def test_it_hands_the_check_the_row_as_it_was_and_bumps_the_version(measure):
    seen = {}

    def check(obj, before, related):
        seen.update(new=obj.title, old=before.title, related=related)

    obj, before = versioned_update(
        services.MEASURE_RECORD,
        pk=measure.pk,
        expected_versions=None,
        user=None,
        changes={"title": "Neu", "strategic_goals": []},
        check=check,
    )

    assert seen == {"new": "Neu", "old": "Stadtweit", "related": {"strategic_goals": []}}
    assert (obj.version, before.version) == (2, 1)


def test_a_rule_that_fails_stores_nothing(measure):
    def refuse(*_args):
        raise ValidationError({"title": ["no"]})

    with pytest.raises(ValidationError):
        versioned_update(
            services.MEASURE_RECORD,
            pk=measure.pk,
            expected_versions=None,
            user=None,
            changes={"title": "Neu"},
            check=refuse,
        )

    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.title, stored.version) == ("Stadtweit", 1)


def test_an_unknown_field_is_a_programming_error(measure):
    with pytest.raises(TypeError, match="unknown Measure fields: version"):
        versioned_update(
            services.MEASURE_RECORD,
            pk=measure.pk,
            expected_versions=None,
            user=None,
            changes={"version": 9},
            check=no_check,
        )


def test_a_delete_is_checked_and_audited(measure):
    planner = PlannerFactory()
    with pytest.raises(errors.StaleVersion):
        versioned_delete(services.MEASURE_RECORD, pk=measure.pk, expected_versions={2}, user=planner)
    assert Measure.objects.filter(pk=measure.pk).exists()

    versioned_delete(services.MEASURE_RECORD, pk=measure.pk, expected_versions={1}, user=planner)

    assert not Measure.objects.filter(pk=measure.pk).exists()
    last = Measure.history.filter(id=measure.pk).latest("history_date")
    assert (last.history_type, last.history_user) == ("-", planner)


def test_a_record_with_many_to_many_fields_must_name_its_history():
    with pytest.raises(TypeError, match="HistoricalRecords"):
        VersionedRecord(Measure, name="measure", fields=frozenset({"title", "strategic_goals"}))
    VersionedRecord(BudgetLine, name="budget_line", fields=frozenset({"amount"}))  # none: fine


def test_the_field_validators_join_the_apps_reasons(measure):
    measure.title = "x" * 1000

    with pytest.raises(ValidationError) as raised:
        check_fields(measure, {"geom": ["mine"]}, exclude=["city", "scope", "master_plan", "geom"])

    assert set(raised.value.message_dict) == {"geom", "title"}


# --- one conflict scheme -------------------------------------------------------------------------


def request_with(if_match: str | None):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    from rest_framework.request import Request

    return Request(APIRequestFactory().patch("/", **headers))


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        ('"measure-5-3"', {3}),
        ('"x", "measure-5-3" , "measure-5-4"', {3, 4}),
        ("*", None),
    ],
)
def test_if_match_names_the_versions_of_this_record(header, versions):
    assert etag.if_match_versions(request_with(header), "measure", 5) == versions


@pytest.mark.parametrize(
    ("header", "error"),
    [
        (None, errors.PreconditionRequired),
        ("  ", errors.PreconditionRequired),
        ('W/"measure-5-3"', errors.StaleVersion),  # weak tags never match for If-Match
        ('"measure-6-3"', errors.StaleVersion),
        ('"focus-area-5-3"', errors.StaleVersion),
        ('"v3"', errors.StaleVersion),  # participation's former tags
        ("3", errors.StaleVersion),
    ],
)
def test_if_match_is_required_and_strong(header, error):
    with pytest.raises(error):
        etag.if_match_versions(request_with(header), "measure", 5)


def test_the_etag_is_strong_and_names_the_record():
    assert etag.etag("focus-area", 7, 2) == '"focus-area-7-2"'


# --- one error model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (ValidationError({"title": ["too long"]}), 400, {"title": ["too long"]}),
        (ValidationError("bad"), 400, {"detail": "bad"}),
        (errors.ServiceError("Please write a text.", "text"), 400, {"text": ["Please write a text."]}),
        (errors.Forbidden("no"), 403, {"detail": "no"}),
        (errors.NotFound("gone"), 404, {"detail": "gone"}),
        (errors.Conflict("already"), 409, {"detail": "already"}),
        (errors.PreconditionRequired(), 428, None),
        (errors.StaleVersion(3), 412, None),
        (errors.TooManyRequests("slow down", retry_after=60), 429, {"detail": "slow down"}),
    ],
)
def test_the_one_handler_answers_every_service_error_with_its_status(error, status, body):
    with override("en"):
        response = exception_handler(error, {})

    assert response.status_code == status
    if body is not None:
        assert response.data == body
    else:
        assert "If-Match" in response.data["detail"]
    assert (response.get("Retry-After") == "60") is (status == 429)


def test_a_service_error_is_a_validation_error_forms_understand():
    error = errors.ServiceError("Unknown outcome.", "outcome")

    assert isinstance(error, ValidationError)
    assert error.message_dict == {"outcome": ["Unknown outcome."]}
    assert (error.message, error.field) == ("Unknown outcome.", "outcome")
    assert errors.Conflict("x").messages == ["x"]


def test_the_reasons_follow_the_active_language():
    with override("de"):
        assert "If-Match-Header" in errors.PreconditionRequired().message
    with override("en"):
        assert "If-Match header" in errors.PreconditionRequired().message


# --- one group test ----------------------------------------------------------------------------


def test_is_planner_reads_the_groups_once_per_user_object():
    planner, citizen = PlannerFactory(), UserFactory()

    with CaptureQueriesContext(connection) as queries:
        assert is_planner(planner) and in_group(planner, "planners") and not in_group(planner, "moderators")
        assert not is_planner(citizen) and not is_planner(None)

    assert len(queries) == 2  # one per user, not one per question
    assert is_planner(UserFactory(is_superuser=True))
