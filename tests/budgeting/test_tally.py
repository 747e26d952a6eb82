"""The tally and the ballot's rules on hand-made cases: a ballot over the budget is refused, ties are
broken by the lower cost then the earlier proposal, the greedy funding skips what does not fit,
a voter changes their ballot, and nobody votes outside the voting phase."""

from decimal import Decimal

import pytest

from budgeting import services
from budgeting.models import Ballot, BallotChoice, Feasibility, Phase, Status
from budgeting.selectors import tally
from geo.errors import Conflict, ServiceError
from tests.budgeting.conftest import proposal, votes

pytestmark = pytest.mark.django_db


def ranked(budget) -> list[tuple[str, int, bool]]:
    return [(row.title, row.votes, row.funded) for row in tally(budget).rows]


def test_a_ballot_over_the_budget_is_refused_saying_by_how_much(make_budget):
    budget = make_budget(total="100000")
    a, b = proposal(budget, "60000", title="A"), proposal(budget, "50000", title="B")
    with pytest.raises(ServiceError) as refused:
        services.ballot_cast(budget_id=budget.pk, proposal_ids=[a.pk, b.pk], browser="x")
    assert refused.value.field == "proposals"
    assert "10.000" in refused.value.message or "10,000" in refused.value.message
    assert not Ballot.objects.filter(budget=budget).exists()
    # exactly the total is allowed
    c = proposal(budget, "40000", title="C")
    services.ballot_cast(budget_id=budget.pk, proposal_ids=[a.pk, c.pk], browser="x")
    assert set(BallotChoice.objects.filter(budget=budget).values_list("proposal_id", flat=True)) == {
        a.pk,
        c.pk,
    }


def test_only_published_feasible_proposals_of_this_budget_can_be_chosen(make_budget):
    budget, other = make_budget(), make_budget()
    unchecked = proposal(budget, None, title="U")
    pending = proposal(budget, "10", status=Status.PENDING)
    foreign = proposal(other, "10")
    for chosen in (unchecked, pending, foreign):
        with pytest.raises(ServiceError) as refused:
            services.ballot_cast(budget_id=budget.pk, proposal_ids=[chosen.pk], browser="x")
        assert refused.value.field == "proposals"
    with pytest.raises(ServiceError):
        services.ballot_cast(budget_id=budget.pk, proposal_ids=["1; DROP"], browser="x")
    assert not Ballot.objects.exists() or not Ballot.objects.filter(budget=budget).exists()


def test_ties_go_to_the_lower_cost_then_the_earlier_proposal(make_budget):
    budget = make_budget(total="1000000")
    first = proposal(budget, "300", title="first")
    second = proposal(budget, "300", title="second")
    cheap = proposal(budget, "200", title="cheap")
    top = proposal(budget, "900", title="top")
    votes(budget, 3, top)
    votes(budget, 2, first, second, cheap)
    assert ranked(budget) == [("top", 3, True), ("cheap", 2, True), ("first", 2, True), ("second", 2, True)]
    assert [row.rank for row in tally(budget).rows] == [1, 2, 3, 4]
    assert first.pk < second.pk


def test_the_greedy_funding_skips_a_proposal_that_does_not_fit_and_goes_on(make_budget):
    budget = make_budget(total="100000")
    big = proposal(budget, "70000", title="big")
    too_big = proposal(budget, "40000", title="too big")
    small = proposal(budget, "25000", title="small")
    unvoted = proposal(budget, "1000", title="unvoted")
    votes(budget, 5, big)
    votes(budget, 4, too_big)
    votes(budget, 3, small)
    result = tally(budget)
    assert ranked(budget) == [
        ("big", 5, True),
        ("too big", 4, False),  # 40,000 > the 30,000 left: skipped
        ("small", 3, True),  # the next one fits
        ("unvoted", 0, False),  # without votes nothing is funded
    ]
    assert result.remaining == Decimal("5000")
    assert [row.id for row in result.funded] == [big.pk, small.pk]
    assert unvoted.pk not in {row.id for row in result.funded}


def test_a_voter_changes_their_ballot_and_withdraws_it(make_budget, planner):
    budget = make_budget()
    a, b = proposal(budget, "10", title="A"), proposal(budget, "10", title="B")
    services.ballot_cast(budget_id=budget.pk, proposal_ids=[a.pk], user=planner)
    services.ballot_cast(budget_id=budget.pk, proposal_ids=[b.pk, str(a.pk)], user=planner)
    assert Ballot.objects.filter(budget=budget).count() == 1
    assert ranked(budget) == [("A", 1, True), ("B", 1, True)]
    services.ballot_cast(budget_id=budget.pk, proposal_ids=[b.pk], user=planner)
    assert ranked(budget) == [("B", 1, True), ("A", 0, False)]
    assert services.ballot_cast(budget_id=budget.pk, proposal_ids=[], user=planner) is None
    assert not Ballot.objects.filter(budget=budget).exists()


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.REVIEW, Phase.RESULTS])
def test_voting_outside_the_voting_phase_is_refused(make_budget, phase):
    budget = make_budget(phase=phase)
    a = proposal(budget, "10")
    with pytest.raises(Conflict) as refused:
        services.ballot_cast(budget_id=budget.pk, proposal_ids=[a.pk], browser="x")
    assert refused.value.field == "phase"
    assert not Ballot.objects.filter(budget=budget).exists()


def test_an_anonymous_voter_needs_the_browser_cookie(make_budget):
    budget = make_budget()
    with pytest.raises(ServiceError):
        services.ballot_cast(budget_id=budget.pk, proposal_ids=[proposal(budget, "1").pk], browser=None)


def test_the_demo_tally_matches_a_python_reference(demo):
    from budgeting.models import Budget

    budget = Budget.objects.get(consultation__slug="buergerhaushalt-2027")
    assert budget.phase == Phase.VOTING
    assert budget.proposals.filter(status=Status.PUBLISHED).count() == 30
    options = list(budget.proposals.filter(feasibility=Feasibility.FEASIBLE))
    counts = {p.pk: BallotChoice.objects.filter(proposal=p).count() for p in options}
    order = sorted(options, key=lambda p: (-counts[p.pk], p.revised_cost, p.pk))
    left, funded = budget.total, []
    for p in order:
        if counts[p.pk] and p.revised_cost <= left:
            funded.append(p.pk)
            left -= p.revised_cost
    result = tally(budget)
    assert [row.id for row in result.rows] == [p.pk for p in order]
    assert [row.id for row in result.funded] == funded
    assert result.remaining == left
    # every demo ballot lies within the budget
    for ballot in Ballot.objects.filter(budget=budget)[:50]:
        assert sum(p.revised_cost for p in ballot.proposals.all()) <= budget.total
