"""The budget's services: proposals (phase, place, cost), moderation, feasibility, phases, and turning
the winners into measures with budget lines — roles and city scope in each, amounts and years right,
idempotent."""

import datetime as dt
from decimal import Decimal

import pytest

from budgeting import services
from budgeting.models import Budget, Feasibility, Phase, Proposal, Status
from geo.errors import Conflict, Forbidden, ServiceError
from measures.models import BudgetKind, BudgetLine, Measure, MeasureStatus
from staff.models import TrialogRole
from tests.budgeting.conftest import SCHLOSS, STUTTGART, proposal, votes
from tests.fixtures import user_in

pytestmark = pytest.mark.django_db


def propose(budget, **changes):
    values = {
        "title": "Bank",
        "text": "Eine Bank.",
        "lon": SCHLOSS[0],
        "lat": SCHLOSS[1],
        "cost_estimate": "1.500,50",
    }
    values.update(changes)
    return services.proposal_create(budget_id=budget.pk, **values)


def test_a_proposal_is_pending_with_its_place_and_cost(make_budget):
    budget = make_budget(phase=Phase.PROPOSALS)
    created = propose(budget)
    assert created.status == Status.PENDING
    assert created.cost_estimate == Decimal("1500.50")
    assert created.geom.srid == 25832 and created.city_id == budget.city_id
    assert created.author is None and created.trialog_role == ""


def test_a_council_members_proposal_is_marked(make_budget, city):
    budget = make_budget(phase=Phase.PROPOSALS)
    member = user_in("stadtrat")
    TrialogRole.objects.create(user=member, city=city, kind="council")
    assert propose(budget, user=member).trialog_role == "council"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("title", {"title": "  "}),
        ("title", {"title": "x" * 201}),
        ("text", {"text": ""}),
        ("cost_estimate", {"cost_estimate": "viel"}),
        ("cost_estimate", {"cost_estimate": "-5"}),
        ("cost_estimate", {"cost_estimate": "1e400"}),
        ("cost_estimate", {"cost_estimate": "200000"}),  # above the whole budget
        ("lon", {"lon": "abc"}),
        ("lat", {"lat": "nan"}),
        ("lon", {"lon": STUTTGART[0], "lat": STUTTGART[1]}),  # outside the consultation's area
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(make_budget, field, changes):
    budget = make_budget(phase=Phase.PROPOSALS)
    with pytest.raises(ServiceError) as refused:
        propose(budget, **changes)
    assert refused.value.field == field
    assert not budget.proposals.exists()


def test_proposals_only_in_the_proposal_phase_and_never_from_bots(make_budget):
    with pytest.raises(Conflict):
        propose(make_budget(phase=Phase.REVIEW))
    budget = make_budget(phase=Phase.PROPOSALS)
    with pytest.raises(ServiceError):
        services.proposal_create(
            budget_id=budget.pk,
            title="a",
            text="b",
            lon=9.19,
            lat=48.9,
            cost_estimate="1",
            honeypot="http://spam",
        )
    assert not Proposal.objects.filter(budget=budget).exists()


def test_moderation_publishes_or_rejects_with_a_reason(make_budget, moderator, elsewhere):
    budget = make_budget(phase=Phase.PROPOSALS)
    created = propose(budget)
    with pytest.raises(ServiceError) as refused:
        services.proposal_moderate(proposal_id=created.pk, publish=False, reason=" ", user=moderator)
    assert refused.value.field == "reason"
    with pytest.raises(Forbidden):
        services.proposal_moderate(proposal_id=created.pk, publish=True, user=elsewhere)
    with pytest.raises(Forbidden):
        services.proposal_moderate(proposal_id=created.pk, publish=True, user=user_in("citizen"))
    services.proposal_moderate(proposal_id=created.pk, publish=True, user=moderator)
    created.refresh_from_db()
    assert created.status == Status.PUBLISHED
    last = created.history.first()
    assert last.history_user == moderator and last.status == Status.PUBLISHED


def test_feasibility_review(make_budget, planner, moderator, elsewhere):
    budget = make_budget(phase=Phase.REVIEW)
    p = proposal(budget, None, estimate="5000")
    services.proposal_review(proposal_id=p.pk, feasible=True, user=planner)
    p.refresh_from_db()
    assert (p.feasibility, p.revised_cost) == (Feasibility.FEASIBLE, Decimal("5000"))  # the estimate
    services.proposal_review(
        proposal_id=p.pk, feasible=True, revised_cost="7250", reason="mit Fundament", user=planner
    )
    p.refresh_from_db()
    assert p.revised_cost == Decimal("7250") and p.feasibility_reason == "mit Fundament"
    with pytest.raises(ServiceError) as refused:
        services.proposal_review(proposal_id=p.pk, feasible=False, reason="", user=planner)
    assert refused.value.field == "reason"
    with pytest.raises(ServiceError) as refused:
        services.proposal_review(proposal_id=p.pk, feasible=True, revised_cost="x", user=planner)
    assert refused.value.field == "revised_cost"
    services.proposal_review(proposal_id=p.pk, feasible=False, reason="Privatgrund", user=planner)
    p.refresh_from_db()
    assert p.feasibility == Feasibility.NOT_FEASIBLE and p.feasibility_reason == "Privatgrund"
    for someone in (moderator, elsewhere):
        with pytest.raises(Forbidden):
            services.proposal_review(proposal_id=p.pk, feasible=True, user=someone)
    Budget.objects.filter(pk=budget.pk).update(phase=Phase.VOTING)
    with pytest.raises(Conflict):
        services.proposal_review(proposal_id=p.pk, feasible=True, user=planner)


def test_phases_advance_one_step_at_a_time(make_budget, planner, elsewhere):
    budget = make_budget(phase=Phase.PROPOSALS)
    with pytest.raises(Forbidden):
        services.budget_phase_advance(budget_id=budget.pk, expected=Phase.PROPOSALS, user=elsewhere)
    for before, after in zip(Phase.values, Phase.values[1:], strict=False):
        assert (
            services.budget_phase_advance(budget_id=budget.pk, expected=before, user=planner).phase == after
        )
    with pytest.raises(Conflict):
        services.budget_phase_advance(budget_id=budget.pk, expected=Phase.RESULTS, user=planner)
    with pytest.raises(Conflict):  # what the planner saw is not the phase any more
        services.budget_phase_advance(budget_id=budget.pk, expected=Phase.VOTING, user=planner)
    assert budget.history.count() == 4


def test_budget_set_up_checks_role_city_and_values(make_budget, planner, elsewhere, city):
    from participation.models import Consultation

    consultation = Consultation.objects.create(
        title="BH",
        slug="bh-neu",
        city=city,
        area=city,
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )
    values = {"consultation_id": consultation.pk, "total": Decimal("1000"), "fiscal_year": 2027}
    with pytest.raises(Forbidden):
        services.budget_create(user=elsewhere, **values)
    with pytest.raises(ServiceError) as refused:
        services.budget_create(user=planner, **{**values, "fiscal_year": 1800})
    assert refused.value.field == "fiscal_year"
    with pytest.raises(ServiceError) as refused:
        services.budget_create(
            user=planner, **values, proposals_until=dt.date(2026, 5, 1), voting_until=dt.date(2026, 4, 1)
        )
    assert refused.value.field == "voting_until"
    budget = services.budget_create(user=planner, **values)
    assert budget.phase == Phase.PROPOSALS and budget.city_id == city.pk
    with pytest.raises(Conflict):
        services.budget_create(user=planner, **values)


def test_winners_become_measures_with_budget_lines_once(make_budget, planner, elsewhere):
    budget = make_budget(total="100000", phase=Phase.VOTING)
    budget.fiscal_year = 2028
    budget.save()
    big, skipped, small = (
        proposal(budget, "70000", title="Big"),
        proposal(budget, "40000"),
        proposal(budget, "25000.50", title="Small"),
    )
    votes(budget, 3, big)
    votes(budget, 2, skipped)
    votes(budget, 1, small)
    with pytest.raises(Conflict):  # not before the vote is closed
        services.budget_convert_winners(budget_id=budget.pk, user=planner)
    services.budget_phase_advance(budget_id=budget.pk, expected=Phase.VOTING, user=planner)
    with pytest.raises(Forbidden):
        services.budget_convert_winners(budget_id=budget.pk, user=elsewhere)
    converted = services.budget_convert_winners(budget_id=budget.pk, user=planner)
    assert [p.pk for p in converted] == [big.pk, small.pk]
    measures = Measure.objects.filter(budget_proposals__budget=budget).order_by("id")
    assert [m.title for m in measures] == ["Big", "Small"]
    assert all(
        m.status == MeasureStatus.DECIDED and m.published and m.city_id == budget.city_id for m in measures
    )
    assert measures[0].geom.equals(big.geom)
    lines = BudgetLine.objects.filter(measure__in=measures).order_by("measure_id")
    assert [(line.fiscal_year, line.amount, line.kind) for line in lines] == [
        (2028, Decimal("70000.00"), BudgetKind.INVESTMENT),
        (2028, Decimal("25000.50"), BudgetKind.INVESTMENT),
    ]
    assert set(budget.consultation.measures.all()) == set(measures)
    assert measures[0].history.first().history_user == planner
    # a second run changes nothing
    assert services.budget_convert_winners(budget_id=budget.pk, user=planner) == []
    assert Measure.objects.filter(budget_proposals__budget=budget).count() == 2
    assert BudgetLine.objects.filter(measure__in=measures).count() == 2
