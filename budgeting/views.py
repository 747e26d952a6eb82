"""The public pages of a participatory budget, ``/beteiligung/<consultation>/buergerhaushalt/``: the
proposals (list and map; the map reads ``vorschlaege.json``), the proposal form (proposal phase), a
proposal's page, the ballot (voting phase) and the results. Forms work without JavaScript; the
services decide (phase, budget limit, place), and a refused write answers 400 naming the field."""

import math
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budgeting import selectors, services
from budgeting.models import TEXT_MAX, TITLE_MAX, Budget, Feasibility, Phase, Proposal, Status
from geo import crs
from participation.privacy import browser_id, new_browser_id, set_browser_cookie
from participation.throttling import AnonymousReactionThrottle, AnonymousWriteThrottle
from quartiere.selectors import area_extent


def _budget(consultation: str) -> Budget:
    budget = (
        Budget.objects.select_related("consultation", "city").filter(consultation__slug=consultation).first()
    )
    if budget is None:
        raise Http404(_("This consultation has no participatory budget."))
    return budget


def _context(budget: Budget, **more: Any) -> dict:
    return {
        "budget": budget,
        "consultation": budget.consultation,
        "phases": [(value, label, value == budget.phase) for value, label in Phase.choices],
        "phase_label": Phase(budget.phase).label,
        "total": services.euros(budget.total),
        **more,
    }


def _throttled(throttle_class, request) -> int | None:
    """Seconds to wait when an anonymous client wrote too often, else None."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def _refused(response: HttpResponse, status: int, retry_after: int | None = None) -> HttpResponse:
    response.status_code = status
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def index(request, consultation: str):
    """The proposals of the budget (published ones), the phase and what one can do now."""
    budget = _budget(consultation)
    proposals = budget.proposals.filter(status=Status.PUBLISHED).order_by("title", "id")
    base = reverse("budgeting:index", kwargs={"consultation": consultation})
    config = {
        "data": base + "vorschlaege.json",
        "view": area_extent(area_id=budget.consultation.area_id or budget.city_id),
        **_tiles(),
    }
    return render(
        request,
        "budgeting/index.html",
        _context(budget, proposals=[_row(p) for p in proposals], map_config=config),
    )


def _tiles() -> dict:
    return {"basemapUrl": settings.BASEMAP_URL, "basemapAttribution": settings.BASEMAP_ATTRIBUTION}


def _row(proposal: Proposal) -> dict:
    cost = proposal.revised_cost if proposal.revised_cost is not None else proposal.cost_estimate
    return {
        "proposal": proposal,
        "cost": services.euros(cost),
        "feasibility": Feasibility(proposal.feasibility).label,
    }


def geojson(request, consultation: str):
    budget = _budget(consultation)
    prefix = reverse("budgeting:index", kwargs={"consultation": consultation})
    body = selectors.proposals_geojson(budget, prefix)
    return HttpResponse(body, content_type="application/geo+json")


def detail(request, consultation: str, pk: int):
    budget = _budget(consultation)
    proposal = get_object_or_404(Proposal, pk=pk, budget=budget, status=Status.PUBLISHED)
    lonlat: Any = proposal.geom.transform(crs.WGS84, clone=True)
    config = {"point": [lonlat.x, lonlat.y], "title": proposal.title, **_tiles()}
    return render(
        request,
        "budgeting/detail.html",
        _context(
            budget,
            proposal=proposal,
            row=_row(proposal),
            estimate=services.euros(proposal.cost_estimate),
            revised=services.euros(proposal.revised_cost) if proposal.revised_cost is not None else "",
            map_config=config,
        ),
    )


FIELDS = ("title", "text", "cost_estimate", "lon", "lat")


@require_http_methods(["GET", "POST"])
def propose(request, consultation: str):
    """The proposal form: title, description, cost, place (map with a crosshair, or coordinates)."""
    budget = _budget(consultation)
    values = {name: request.POST.get(name, "")[:10_000] for name in FIELDS}
    errors: dict[str, list[str]] = {}
    status = 200
    done = None
    retry = None
    if request.method == "POST":
        retry = _throttled(AnonymousWriteThrottle, request)
        if retry:
            errors[""] = [_("Too many proposals from this connection; please try again later.")]
            status = 429
        else:
            try:
                done = services.proposal_create(
                    budget_id=budget.pk,
                    user=request.user,
                    honeypot=request.POST.get("website", ""),
                    **values,
                )
            except ValidationError as error:
                errors = _errors(error)
                status = getattr(error, "status", 400)
    view = area_extent(area_id=budget.consultation.area_id or budget.city_id)
    config = {
        "view": view,
        "messages": {
            "placed": _("Place taken: %(lon)s, %(lat)s. You can move the map and take another."),
        },
        **_tiles(),
    }
    response = render(
        request,
        "budgeting/propose.html",
        _context(
            budget,
            values=values,
            errors=errors,
            error_list=[(name, m) for name, ms in errors.items() for m in ms],
            done=done,
            open=budget.phase == Phase.PROPOSALS,
            title_max=TITLE_MAX,
            text_max=TEXT_MAX,
            map_config=config,
            # the coordinate fields' example: the middle of the consultation's area (of its city)
            example=(
                {"lat": f"{view['centre'][0]:.4f}", "lon": f"{view['centre'][1]:.4f}"} if view else None
            ),
        ),
        status=status,
    )
    return _refused(response, status, retry) if status != 200 else response


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field if field != "__all__" else "": messages for field, messages in error.message_dict.items()
        }
    return {"": list(error.messages)}


@require_http_methods(["GET", "POST"])
def ballot(request, consultation: str):
    """The ballot: checkboxes with costs; what remains is shown live (static/budgeting/ballot.js) and
    checked by the service on sending."""
    budget = _budget(consultation)
    browser = browser_id(request)
    new_browser = None
    errors: dict[str, list[str]] = {}
    status, retry, saved = 200, None, False
    own = services.ballot_of(budget, user=request.user, browser=browser)
    selected = set(own.choices.values_list("proposal_id", flat=True)) if own else set()
    if request.method == "POST":
        wanted = request.POST.getlist("proposals")[:1000]
        selected = {int(v) for v in wanted if v.isdigit() and len(v) < 18}
        if not browser and not request.user.is_authenticated:
            browser = new_browser = new_browser_id()
        retry = _throttled(AnonymousReactionThrottle, request)
        if retry:
            errors[""] = [_("Too many ballots from this connection; please try again later.")]
            status = 429
        else:
            try:
                services.ballot_cast(
                    budget_id=budget.pk, proposal_ids=wanted, user=request.user, browser=browser
                )
                saved = True
            except ValidationError as error:
                errors = _errors(error)
                status = getattr(error, "status", 400)
    options = list(selectors.ballot_options(budget))
    spent = sum((p.revised_cost for p in options if p.pk in selected), Decimal(0))
    response = render(
        request,
        "budgeting/ballot.html",
        _context(
            budget,
            options=[(p, services.euros(p.revised_cost), p.pk in selected) for p in options],
            remaining=services.euros(budget.total - spent),
            over=spent > budget.total,
            saved=saved,
            voted=bool(selected) and (saved or own is not None),
            errors=errors,
            error_list=[m for ms in errors.values() for m in ms],
            open=budget.phase == Phase.VOTING,
            ballot_config={
                "total": str(budget.total),
                "messages": {
                    "remaining": _("Remaining: %(amount)s"),
                    "over": _("Over the budget by %(amount)s – deselect something."),
                    "euros": _("%(amount)s €"),
                },
            },
        ),
        status=status,
    )
    if new_browser and status == 200:
        set_browser_cookie(response, new_browser)
    return _refused(response, status, retry) if status != 200 else response


def results(request, consultation: str):
    """The ranked results with the funded projects and what remains; public after the vote closed."""
    budget = _budget(consultation)
    if budget.phase != Phase.RESULTS:
        return render(request, "budgeting/results.html", _context(budget, closed=False))
    tally = selectors.tally(budget)
    voters = budget.ballots.count()
    proposals = Proposal.objects.in_bulk([row.id for row in tally.rows])
    rows = [(row, proposals[row.id], services.euros(row.cost)) for row in tally.rows]
    return render(
        request,
        "budgeting/results.html",
        _context(
            budget,
            closed=True,
            rows=rows,
            voters=voters,
            spent=services.euros(tally.total - tally.remaining),
            remaining=services.euros(tally.remaining),
        ),
    )


def panel(request, consultation) -> str:
    """The budget's section on the consultation page (participation.formats)."""
    from django.template.loader import render_to_string

    budget = Budget.objects.filter(consultation=consultation).annotate(n=Count("proposals")).first()
    if budget is None:
        return ""
    published = budget.proposals.filter(status=Status.PUBLISHED).count()
    return render_to_string("budgeting/_panel.html", _context(budget, published=published), request=request)
