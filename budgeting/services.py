"""Writes of the participatory budget; every rule enforced here, once. Each write is one transaction;
a refused write stores nothing. Amounts in EUR (Decimal); places come in as lon/lat (EPSG:4326) and
are stored in EPSG:25832. Phases: proposals → feasibility review → voting → results, advanced by staff
one step at a time; each write checks the phase it belongs to."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from budgeting.models import (
    COST_MAX,
    PHASES,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Ballot,
    BallotChoice,
    Budget,
    Feasibility,
    Phase,
    Proposal,
    Status,
)
from budgeting.selectors import tally
from geo import crs
from geo.errors import Conflict, NotFound, ServiceError
from geo.permissions import is_moderator, is_planner, require, require_planner
from measures import services as measures
from measures.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, BudgetKind, MeasureStatus
from participation.models import Consultation
from participation.services import clean_line, clean_text, locate_in_consultation
from staff.scope import check_city
from staff.trialog import role_of


def euros(amount: Decimal) -> str:
    """An amount in the active language's format, e.g. "12.500 €", "150,50 €" (cents only when there are)."""
    places = 0 if amount == amount.to_integral_value() else 2
    return _("%(amount)s €") % {"amount": number_format(amount, places, force_grouping=True)}


def parse_amount(value: Any, field: str) -> Decimal:
    """A non-negative amount of EUR (at most 2 decimals, below ``COST_MAX``) from text or a number; a
    comma as decimal mark is accepted. ``ServiceError`` naming ``field`` otherwise."""
    text = str(value if value is not None else "").strip().replace(" ", "").replace("€", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ServiceError(_("Please give an amount in euros, e.g. 12500."), field) from None
    if (
        not amount.is_finite()
        or amount < 0
        or amount >= COST_MAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise ServiceError(_("Please give an amount in euros, e.g. 12500."), field)
    return amount.quantize(Decimal("0.01"))


def _check_phase(budget: Budget, *allowed: str) -> None:
    if budget.phase not in allowed:
        raise Conflict(
            _("Not possible in the current phase (%(phase)s); nothing was stored.")
            % {"phase": Phase(budget.phase).label},
            "phase",
        )


def _budget(budget_id: int, *, lock: bool = False) -> Budget:
    qs = Budget.objects.select_related("consultation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    budget = qs.filter(pk=budget_id).first()
    if budget is None:
        raise NotFound(_("There is no such participatory budget."))
    return budget


def _check_budget_values(total: Decimal, fiscal_year: int, dates: Iterable[dt.date | None]) -> None:
    if total <= 0:
        raise ServiceError(_("The total must be more than 0 €."), "total")
    if not FISCAL_YEAR_MIN <= fiscal_year <= FISCAL_YEAR_MAX:
        raise ServiceError(
            _("The fiscal year lies between %(min)d and %(max)d.")
            % {"min": FISCAL_YEAR_MIN, "max": FISCAL_YEAR_MAX},
            "fiscal_year",
        )
    given = [d for d in dates if d]
    if given != sorted(given):
        raise ServiceError(_("The phases' dates must follow each other."), "voting_until")


@transaction.atomic
def budget_create(
    *,
    consultation_id: int,
    total: Decimal,
    fiscal_year: int,
    proposals_until: dt.date | None = None,
    review_until: dt.date | None = None,
    voting_until: dt.date | None = None,
    user: Any = None,
) -> Budget:
    """A participatory budget of ``total`` EUR for a consultation (one per consultation), starting in
    the proposal phase. Planners of the consultation's city."""
    require_planner(user)
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise ServiceError(_("There is no such consultation."), "consultation")
    check_city(user, consultation.city_id, field="consultation")
    if Budget.objects.filter(consultation=consultation).exists():
        raise Conflict(_("This consultation has a participatory budget already."), "consultation")
    _check_budget_values(total, fiscal_year, (proposals_until, review_until, voting_until))
    budget = Budget(
        consultation=consultation,
        city_id=consultation.city_id,
        total=total,
        fiscal_year=fiscal_year,
        proposals_until=proposals_until,
        review_until=review_until,
        voting_until=voting_until,
    )
    budget._history_user = user  # type: ignore[attr-defined]
    budget.save()
    return budget


@transaction.atomic
def budget_update(
    *,
    budget_id: int,
    total: Decimal,
    fiscal_year: int,
    proposals_until: dt.date | None = None,
    review_until: dt.date | None = None,
    voting_until: dt.date | None = None,
    user: Any = None,
) -> Budget:
    """Change the total, the year and the dates; the total only before voting (voters select within it)."""
    require_planner(user)
    budget = _budget(budget_id, lock=True)
    check_city(user, budget.city_id)
    _check_budget_values(total, fiscal_year, (proposals_until, review_until, voting_until))
    if total != budget.total:
        _check_phase(budget, Phase.PROPOSALS, Phase.REVIEW)
    budget.total, budget.fiscal_year = total, fiscal_year
    budget.proposals_until, budget.review_until, budget.voting_until = (
        proposals_until,
        review_until,
        voting_until,
    )
    budget._history_user = user  # type: ignore[attr-defined]
    budget.save()
    return budget


@transaction.atomic
def budget_phase_advance(*, budget_id: int, expected: str, user: Any = None) -> Budget:
    """Advance the budget one phase, from ``expected`` (the phase the planner saw: 409 when it moved
    meanwhile). Advancing from voting closes the vote: ballots are final, the results are public."""
    require_planner(user)
    budget = _budget(budget_id, lock=True)
    check_city(user, budget.city_id)
    if budget.phase != expected:
        raise Conflict(_("The phase was changed meanwhile; reload the page."), "phase")
    index = PHASES.index(budget.phase)
    if index + 1 >= len(PHASES):
        raise Conflict(_("The results are the last phase."), "phase")
    budget.phase = PHASES[index + 1]
    budget._history_user = user  # type: ignore[attr-defined]
    budget.save(update_fields=["phase"])
    return budget


def _text(value: str, field: str, limit: int, *, line: bool = False) -> str:
    text = clean_line(value) if line else clean_text(value)
    if not text:
        raise ServiceError(_("Please fill in this field."), field)
    if len(text) > limit:
        raise ServiceError(
            _("At most %(max)d characters; this has %(n)d.") % {"max": limit, "n": len(text)}, field
        )
    return text


def _number(value: Any, field: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if number != number or abs(number) > 180:  # NaN or not a coordinate
        raise ServiceError(_("Choose the place on the map or give its coordinates."), field)
    return number


@transaction.atomic
def proposal_create(
    *,
    budget_id: int,
    title: str,
    text: str,
    lon: Any,
    lat: Any,
    cost_estimate: Any,
    user: Any = None,
    honeypot: str = "",
) -> Proposal:
    """Propose a project at lon/lat (EPSG:4326) inside the consultation's area with a cost estimate
    (EUR), in the proposal phase; pending until a moderator publishes it."""
    if honeypot:
        raise ServiceError(_("Your proposal could not be accepted."))
    budget = _budget(budget_id)
    _check_phase(budget, Phase.PROPOSALS)
    title = _text(title, "title", TITLE_MAX, line=True)
    text = _text(text, "text", TEXT_MAX)
    cost = parse_amount(cost_estimate, "cost_estimate")
    if cost > budget.total:
        raise ServiceError(
            _("The cost is above the whole budget of %(total)s.") % {"total": euros(budget.total)},
            "cost_estimate",
        )
    x, y, inside = locate_in_consultation(budget.consultation, _number(lon, "lon"), _number(lat, "lat"))
    if not inside:
        raise ServiceError(_("This place lies outside the consultation area; nothing was stored."), "lon")
    signed_in = bool(user and user.is_authenticated)
    return Proposal.objects.create(
        budget=budget,
        city_id=budget.city_id,
        title=title,
        text=text,
        geom=Point(x, y, srid=crs.STORAGE_SRID),
        cost_estimate=cost,
        author=user if signed_in else None,
        trialog_role=(role_of(user, budget.city_id) or "") if signed_in else "",
    )


def _proposal(proposal_id: int) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("budget")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise NotFound(_("There is no such proposal."))
    return proposal


def _may_moderate(user: Any) -> bool:
    return is_moderator(user) or is_planner(user)


@transaction.atomic
def proposal_moderate(*, proposal_id: int, publish: bool, reason: str = "", user: Any = None) -> Proposal:
    """Publish a proposal or reject it with a reason (moderators and planners of its city), until the
    voting starts. Logged in the proposal's history with the actor."""
    require(user, _may_moderate, _("Proposals are moderated by the moderators and planners."))
    proposal = _proposal(proposal_id)
    check_city(user, proposal.city_id)
    _check_phase(proposal.budget, Phase.PROPOSALS, Phase.REVIEW)
    if publish:
        proposal.status, proposal.reject_reason = Status.PUBLISHED, ""
    else:
        proposal.status = Status.REJECTED
        proposal.reject_reason = _text(reason, "reason", REASON_MAX)
    proposal._history_user = user  # type: ignore[attr-defined]
    proposal.save()
    return proposal


@transaction.atomic
def proposal_review(
    *, proposal_id: int, feasible: bool, reason: str = "", revised_cost: Any = None, user: Any = None
) -> Proposal:
    """Staff's feasibility check (planners of its city, before voting): feasible with a revised cost
    (EUR; the estimate when none is given), or not feasible with a reason. Audited in the history."""
    require_planner(user)
    proposal = _proposal(proposal_id)
    check_city(user, proposal.city_id)
    _check_phase(proposal.budget, Phase.PROPOSALS, Phase.REVIEW)
    if feasible:
        given = revised_cost not in (None, "")
        cost = parse_amount(revised_cost, "revised_cost") if given else proposal.cost_estimate
        if cost > proposal.budget.total:
            raise ServiceError(
                _("The cost is above the whole budget of %(total)s.")
                % {"total": euros(proposal.budget.total)},
                "revised_cost",
            )
        proposal.feasibility, proposal.revised_cost = Feasibility.FEASIBLE, cost
        proposal.feasibility_reason = clean_text(reason)[:REASON_MAX]
    else:
        proposal.feasibility = Feasibility.NOT_FEASIBLE
        proposal.feasibility_reason = _text(reason, "reason", REASON_MAX)
    proposal._history_user = user  # type: ignore[attr-defined]
    proposal.save()
    return proposal


def _voter(user: Any, browser: str | None) -> dict:
    if user is not None and user.is_authenticated:
        return {"user": user, "browser": None}
    if not browser:
        raise ServiceError(_("Your browser did not send its cookie; please allow cookies for this site."))
    return {"user": None, "browser": browser}


def ballot_of(budget: Budget, *, user: Any = None, browser: str | None = None) -> Ballot | None:
    """The voter's ballot in ``budget``, or None."""
    if user is not None and user.is_authenticated:
        return Ballot.objects.filter(budget=budget, user=user).first()
    if browser:
        return Ballot.objects.filter(budget=budget, browser=browser).first()
    return None


@transaction.atomic
def ballot_cast(
    *, budget_id: int, proposal_ids: Iterable[Any], user: Any = None, browser: str | None = None
) -> Ballot | None:
    """Cast or change the voter's one ballot (an account, or a signed browser id) in the voting
    phase: published, feasible proposals of this budget whose revised costs sum to at most the total
    (400 naming ``proposals`` and saying by how much otherwise). An empty selection withdraws the
    ballot (None)."""
    budget = _budget(budget_id)
    _check_phase(budget, Phase.VOTING)
    who = _voter(user, browser)
    ids: set[int] = set()
    for value in proposal_ids:
        text = str(value).strip()
        if not text.isdigit() or len(text) > 18:
            raise ServiceError(_("Unknown proposal in the selection."), "proposals")
        ids.add(int(text))
    chosen = list(
        budget.proposals.filter(
            pk__in=ids, status=Status.PUBLISHED, feasibility=Feasibility.FEASIBLE
        ).values_list("pk", "revised_cost")
    )
    if len(chosen) != len(ids):
        raise ServiceError(_("Unknown proposal in the selection."), "proposals")
    # every chosen proposal is feasible, so it has a revised cost (a database constraint)
    spent = sum((cost or Decimal(0) for _pk, cost in chosen), Decimal(0))
    if spent > budget.total:
        raise ServiceError(
            _(
                "Your selection costs %(spent)s, %(over)s more than the budget of %(total)s; "
                "nothing was stored."
            )
            % {"spent": euros(spent), "over": euros(spent - budget.total), "total": euros(budget.total)},
            "proposals",
        )
    # one ballot per voter even when two requests race: the row lock of get_or_create's unique key
    ballot = Ballot.objects.select_for_update().filter(budget=budget, **who).first()
    if not ids:
        if ballot is not None:
            ballot.delete()
        return None
    if ballot is None:
        ballot, _created = Ballot.objects.get_or_create(
            budget=budget,
            **who,
            defaults={"city_id": budget.city_id, "trialog_role": role_of(user, budget.city_id) or ""},
        )
    else:
        ballot.save(update_fields=["updated_at"])
    BallotChoice.objects.filter(ballot=ballot).delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, proposal_id=pk, budget=budget) for pk, _cost in sorted(chosen)
    )
    return ballot


@transaction.atomic
def budget_convert_winners(*, budget_id: int, user: Any = None) -> list[Proposal]:
    """After the vote: each funded proposal becomes a decided, published measure at its place with a
    budget line of its revised cost in the budget's fiscal year (investment), through
    ``measures.services`` (planner role, city scope and audit there too); the measure is linked back
    from the proposal and to the consultation. Idempotent: a proposal with a measure is left alone.
    Returns the proposals converted now."""
    require_planner(user)
    budget = _budget(budget_id, lock=True)
    check_city(user, budget.city_id)
    _check_phase(budget, Phase.RESULTS)
    funded = {row.id for row in tally(budget).funded}
    converted = []
    for proposal in Proposal.objects.filter(pk__in=funded, measure__isnull=True).order_by("id"):
        measure = measures.measure_create(
            city=budget.city,
            title=proposal.title[:300],
            geom=proposal.geom,
            status=MeasureStatus.DECIDED,
            description=proposal.text,
            rationale=_("Funded by the participatory budget “%(consultation)s” (proposal no. %(id)d).")
            % {"consultation": budget.consultation.title, "id": proposal.pk},
            published=True,
            user=user,
        )
        measures.budget_line_create(
            measure=measure,
            fiscal_year=budget.fiscal_year,
            amount=proposal.revised_cost or Decimal(0),
            kind=BudgetKind.INVESTMENT,
            note=_("Participatory budget: %(consultation)s") % {"consultation": budget.consultation.title},
            user=user,
        )
        budget.consultation.measures.add(measure)
        proposal.measure = measure
        proposal._history_user = user  # type: ignore[attr-defined]
        proposal.save(update_fields=["measure"])
        converted.append(proposal)
    return converted
