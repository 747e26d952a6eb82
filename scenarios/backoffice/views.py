"""Pages of the scenarios under /planung/szenarien/: the list, a new scenario, the scenario page (its
changes, the map of what it changes, comments, the audit trail, the actions), the form of a proposed
measure (drawn on a map with the measure form's kit) and the POST-only writes. Every write goes through
scenarios.services (roles, city scope, versions, audit); these views parse, call and show.

Board members of the city read shared and decided scenarios and comment; every other write page is
for planners (``planner_page``: 403) and the services refuse them again."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from geo.drawing import drawing_config
from geo.errors import Conflict, Forbidden, NotFound, StaleVersion
from geo.permissions import is_board_member, is_planner
from measures.backoffice.forms import PLACE_GEOMETRY, PLACE_SCOPE
from quartiere.models import Area
from quartiere.selectors import area_extent
from scenarios import access, selectors, services
from scenarios.backoffice.forms import (
    BudgetChangeForm,
    CommentForm,
    DecisionForm,
    ListFilterForm,
    MeasureChangeForm,
    ProposedLineForm,
    ProposedMeasureForm,
    ScenarioForm,
)
from scenarios.models import (
    BudgetLineChange,
    MeasureChange,
    ProposedBudgetLine,
    ProposedMeasure,
    Scenario,
    State,
)
from staff.backoffice import office_context as _office_context
from staff.backoffice import staff_page
from staff.scope import owner_choices

planner_page = staff_page(is_planner, gettext_lazy("Scenarios are composed by the planners' group."))
reader_page = staff_page(
    lambda user: is_planner(user) or is_board_member(user),
    gettext_lazy("Scenarios are for the planners and the strategy board."),
)


def office_context(request: HttpRequest) -> dict:
    return _office_context(request, "scenarios")


def _scenario(request: HttpRequest, pk: int) -> Scenario:
    """The scenario ``pk`` when the user may read it (scenarios.access), else 404."""
    scenario = access.readable(request.user).select_related("city").filter(pk=pk).first()
    if scenario is None:
        raise Http404(_("There is no such scenario."))
    return scenario


def _cities(user) -> list[Area]:
    """The cities ``user`` works for, the home city first (staff.scope.owner_choices)."""
    return list(owner_choices(user).defer("geom"))


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0


def _page_url(scenario_id: int, anchor: str = "") -> str:
    return reverse("scenarios:detail", args=[scenario_id]) + (f"#{anchor}" if anchor else "")


@reader_page
@require_http_methods(["GET", "HEAD"])
def scenario_list(request: HttpRequest) -> HttpResponse:
    """``/planung/szenarien/``: the scenarios the user may read, by budget year and state."""
    form = ListFilterForm(request.GET)
    status = 200
    scenarios: Any = []
    if form.is_valid():
        scenarios = selectors.scenario_list(
            user=request.user,
            budget_year=form.cleaned_data["budget_year"],
            state=form.cleaned_data["state"] or None,
        )
    else:
        status = 400
    form.mark()
    years: dict[int, list] = {}
    for scenario in scenarios:
        years.setdefault(scenario.budget_year, []).append(scenario)
    return render(
        request,
        "scenarios/list.html",
        {
            **office_context(request),
            "form": form,
            "years": sorted(years.items(), reverse=True),
            "composer": is_planner(request.user),
        },
        status=status,
    )


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def scenario_new(request: HttpRequest) -> HttpResponse:
    cities = _cities(request.user)
    if request.method != "POST":
        form = ScenarioForm(cities=cities, initial={"city": cities[0].pk if cities else None})
        return _scenario_form(request, form, None)
    form = ScenarioForm(request.POST, cities=cities)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.scenario_create(
                city=Area.objects.filter(pk=data["city"]).first(),
                name=data["name"],
                description=data["description"],
                budget_year=data["budget_year"],
                user=request.user,
            )
        except Forbidden as error:
            raise PermissionDenied(error.message) from None
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The scenario was created. Add its changes now."))
            return redirect("scenarios:detail", pk=scenario.pk)
    return _scenario_form(request, form, None, status=400)


def _scenario_form(request, form: ScenarioForm, scenario: Scenario | None, status: int = 200) -> HttpResponse:
    form.mark()
    return render(
        request,
        "scenarios/scenario_form.html",
        {**office_context(request), "form": form, "scenario": scenario},
        status=status,
    )


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    cities = [scenario.city]
    if request.method != "POST":
        initial = {
            "name": scenario.name,
            "description": scenario.description,
            "budget_year": scenario.budget_year,
            "city": scenario.city_id,
            "version": scenario.version,
        }
        return _scenario_form(request, ScenarioForm(cities=cities, initial=initial), scenario)
    form = ScenarioForm(request.POST, cities=cities)
    if form.is_valid():
        data = form.cleaned_data
        status = _call(
            request,
            form,
            lambda: services.scenario_update(
                scenario_id=pk,
                expected_version=data["version"] or 0,
                user=request.user,
                name=data["name"],
                description=data["description"],
                budget_year=data["budget_year"],
            ),
        )
        if status is None:
            messages.success(request, _("The scenario was saved."))
            return redirect("scenarios:detail", pk=pk)
        return _scenario_form(request, form, scenario, status=status)
    return _scenario_form(request, form, scenario, status=400)


def _call(request: HttpRequest, form: Any, write) -> int | None:
    """Call the service; None when it wrote, else the status of the page that shows why (its reason
    in ``form``'s errors): 400 bad input, 409 a state that forbids it, 412 a stale version. Refusals
    of the role or scope are the 403 page, an unknown record the 404 page."""
    try:
        write()
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except NotFound as error:
        raise Http404(error.message) from None
    except StaleVersion:
        form.add_error(
            None, _("Someone changed this scenario since you opened it. Nothing was saved; look at it again.")
        )
        return 412
    except ValidationError as error:
        form.add_service_errors(error)
        return getattr(error, "status", 400)
    return None


def _forms(scenario: Scenario, **bound: Any) -> dict[str, Any]:
    """The page's forms, each carrying the scenario's version (the bound ones as the user sent them)."""
    initial = {"version": scenario.version}
    measures = list(selectors.changeable_measures(scenario))
    forms = {
        "measure_change_form": MeasureChangeForm(
            initial={**initial, "action": "postpone"}, measures=measures, auto_id="mc-%s"
        ),
        "budget_change_form": BudgetChangeForm(
            initial={**initial, "action": "change"},
            measures=measures,
            lines=selectors.changeable_lines(scenario),
            auto_id="bc-%s",
        ),
        "comment_form": CommentForm(auto_id="comment-%s"),
        "decision_form": DecisionForm(initial={**initial, "outcome": State.ADOPTED}, auto_id="decision-%s"),
    }
    forms.update(bound)
    for form in forms.values():
        form.mark()
    return forms


def _detail(request: HttpRequest, scenario: Scenario, *, status: int = 200, problem: str = "", **bound: Any):
    composer = access.can_compose(request.user, scenario.city_id)
    context = {
        **office_context(request),
        "scenario": scenario,
        **selectors.scenario_parts(scenario),
        "composer": composer,
        "draft": composer and scenario.state == State.DRAFT,
        "shared": scenario.state == State.SHARED,
        "can_comment": access.can_comment(request.user, scenario),
        "problem": problem,
        "map_config": {
            **drawing_config(),
            "view": area_extent(area_id=scenario.city_id),
            "features": selectors.scenario_map(scenario),
            "labels": {"new": _("new measure"), "drop": _("dropped"), "postpone": _("postponed")},
        },
    }
    if composer or context["can_comment"]:
        context.update(_forms(scenario, **bound))
    return render(request, "scenarios/detail.html", context, status=status)


@reader_page
@require_http_methods(["GET", "HEAD"])
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/planung/szenarien/<id>/``: the scenario page (read-only for the board)."""
    return _detail(request, _scenario(request, pk))


def _post_on_page(request: HttpRequest, pk: int, form_name: str, form: Any, write, *, done: str, anchor: str):
    """A write from a form of the scenario page: on success back to the page (at ``anchor``), else
    the page again with the form as sent and the reason, at the status the service gave."""
    scenario = _scenario(request, pk)
    status: int | None = 400
    if form.is_valid():
        status = _call(request, form, lambda: write(form.cleaned_data))
        if status is None:
            messages.success(request, done)
            return redirect(_page_url(pk, anchor))
    scenario.refresh_from_db()
    return _detail(request, scenario, status=status or 400, **{form_name: form})


@planner_page
@require_POST
def measure_change_add(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    form = MeasureChangeForm(request.POST, measures=selectors.changeable_measures(scenario), auto_id="mc-%s")
    return _post_on_page(
        request,
        pk,
        "measure_change_form",
        form,
        lambda d: services.measure_change_create(
            scenario_id=pk,
            expected_version=d["version"] or 0,
            user=request.user,
            measure_id=d["measure"],
            action=d["action"],
            years=d["years"],
            note=d["note"],
        ),
        done=_("The change to the measure was added."),
        anchor="measure-changes",
    )


@planner_page
@require_POST
def budget_change_add(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    form = BudgetChangeForm(
        request.POST,
        measures=selectors.changeable_measures(scenario),
        lines=selectors.changeable_lines(scenario),
        auto_id="bc-%s",
    )
    return _post_on_page(
        request,
        pk,
        "budget_change_form",
        form,
        lambda d: services.budget_line_change_create(
            scenario_id=pk,
            expected_version=d["version"] or 0,
            user=request.user,
            action=d["action"],
            budget_line_id=d["budget_line"],
            measure_id=d["measure"],
            fiscal_year=d["fiscal_year"],
            amount=d["amount"],
            kind=d["kind"],
            funding=d["funding"],
            note=d["note"],
        ),
        done=_("The change to the budget was added."),
        anchor="budget-changes",
    )


def _simple_post(request: HttpRequest, pk: int, write, *, done: str, anchor: str = "") -> HttpResponse:
    """A write without input besides the version (share, withdraw, remove a part): back to the page,
    or the page with the reason at the service's status."""
    scenario = _scenario(request, pk)
    try:
        write(_version(request))
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except NotFound as error:
        raise Http404(error.message) from None
    except StaleVersion:
        problem = _("Someone changed this scenario since you opened it. Nothing was saved; look at it again.")
        return _detail(request, scenario, status=412, problem=problem)
    except ValidationError as error:
        return _detail(
            request, scenario, status=getattr(error, "status", 400), problem=" ".join(error.messages)
        )
    messages.success(request, done)
    return redirect(_page_url(pk, anchor))


def _part(model: Any, part_id: int, **lookup: Any) -> Any:
    """The part ``part_id`` of ``model`` matching ``lookup`` (its scenario), else 404."""
    found = model.objects.filter(pk=part_id, **lookup).first()
    if found is None:
        raise Http404(_("There is no such part of the scenario."))
    return found


@planner_page
@require_POST
def measure_change_delete(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    change = _part(MeasureChange, change_id, scenario=scenario)
    return _simple_post(
        request,
        pk,
        lambda v: services.measure_change_delete(
            measure_change_id=change.pk, expected_version=v, user=request.user
        ),
        done=_("The change was removed."),
        anchor="measure-changes",
    )


@planner_page
@require_POST
def budget_change_delete(request: HttpRequest, pk: int, change_id: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    change = _part(BudgetLineChange, change_id, scenario=scenario)
    return _simple_post(
        request,
        pk,
        lambda v: services.budget_line_change_delete(
            budget_line_change_id=change.pk, expected_version=v, user=request.user
        ),
        done=_("The change was removed."),
        anchor="budget-changes",
    )


@planner_page
@require_POST
def scenario_share(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_post(
        request,
        pk,
        lambda v: services.scenario_share(scenario_id=pk, expected_version=v, user=request.user),
        done=_("The scenario is shared with the strategy board."),
    )


@planner_page
@require_POST
def scenario_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_post(
        request,
        pk,
        lambda v: services.scenario_withdraw(scenario_id=pk, expected_version=v, user=request.user),
        done=_("The scenario is a draft again; the strategy board no longer sees it."),
    )


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), deletes a draft (POST)."""
    scenario = _scenario(request, pk)
    if request.method == "POST":
        try:
            services.scenario_delete(scenario_id=pk, expected_version=_version(request), user=request.user)
        except Forbidden as error:
            raise PermissionDenied(error.message) from None
        except ValidationError as error:
            return _detail(
                request, scenario, status=getattr(error, "status", 400), problem=" ".join(error.messages)
            )
        messages.success(request, _("The scenario “%(name)s” was deleted.") % {"name": scenario.name})
        return redirect("scenarios:list")
    return render(request, "scenarios/delete.html", {**office_context(request), "scenario": scenario})


@reader_page
@require_POST
def scenario_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment of a board member or planner (the text is data: shown escaped)."""
    form = CommentForm(request.POST, auto_id="comment-%s")
    return _post_on_page(
        request,
        pk,
        "comment_form",
        form,
        lambda d: services.scenario_comment(scenario_id=pk, user=request.user, body=d["body"]),
        done=_("Your comment was added."),
        anchor="comments",
    )


@planner_page
@require_POST
def scenario_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision; an adoption applies the scenario (409 naming the part that failed)."""
    form = DecisionForm(request.POST, auto_id="decision-%s")
    return _post_on_page(
        request,
        pk,
        "decision_form",
        form,
        lambda d: services.scenario_decide(
            scenario_id=pk,
            expected_version=d["version"] or 0,
            user=request.user,
            outcome=d["outcome"],
            decision=d["decision"],
        ),
        done=_("The decision was recorded."),
        anchor="decision",
    )


# ----------------------------------------------------------------------------------- proposed measures


def _proposed_page(
    request: HttpRequest,
    scenario: Scenario,
    form: ProposedMeasureForm,
    proposed: ProposedMeasure | None,
    *,
    status: int = 200,
    line_form: ProposedLineForm | None = None,
) -> HttpResponse:
    form.mark()
    line_form = line_form or ProposedLineForm(
        initial={"version": scenario.version, "fiscal_year": scenario.budget_year, "kind": "investment"},
        auto_id="pl-%s",
    )
    line_form.mark()
    config = {
        **drawing_config(),
        "view": area_extent(area_id=scenario.city_id),
        "areasUrl": reverse("area-list") + "?level=quartier&limit=1000&parent=",
        "city": scenario.city_id,
        "messages": {
            "drawn": _("A place is drawn on the map. Move its vertices, or remove it to draw another."),
            "none": _("No place drawn yet: choose a tool at the top left of the map and draw the measure."),
            "removed": _("The place was removed from the map."),
            "tooManyVertices": _("The drawing has %(n)s vertices; at most %(max)s are allowed. Simplify it."),
            "vertex": _("Vertex: drag it to move it"),
            "middle": _("Between two vertices: drag it to add a vertex"),
        },
    }
    lines = list(proposed.budget_lines.order_by("fiscal_year", "id")) if proposed else []
    return render(
        request,
        "scenarios/proposed_form.html",
        {
            **office_context(request),
            "scenario": scenario,
            "proposed": proposed,
            "form": form,
            "line_form": line_form,
            "lines": lines,
            "map_config": config,
        },
        status=status,
    )


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def proposed_new(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    if request.method != "POST":
        initial = {"version": scenario.version, "city": scenario.city_id, "place": PLACE_GEOMETRY}
        return _proposed_page(
            request, scenario, ProposedMeasureForm(initial=initial, city=scenario.city), None
        )
    form = ProposedMeasureForm(request.POST, city=scenario.city)
    created: list[ProposedMeasure] = []
    if form.is_valid():
        values = form.values()
        status = _call(
            request,
            form,
            lambda: created.append(
                services.proposed_measure_create(
                    scenario_id=pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    user=request.user,
                    **values,
                )
            ),
        )
        if status is None:
            messages.success(request, _("The new measure was added. Add its budget lines now."))
            return redirect("scenarios:proposed", pk=pk, proposed_id=created[0].pk)
        return _proposed_page(request, scenario, form, None, status=status)
    return _proposed_page(request, scenario, form, None, status=400)


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def proposed_edit(request: HttpRequest, pk: int, proposed_id: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    proposed = _part(ProposedMeasure, proposed_id, scenario=scenario)
    if request.method != "POST":
        initial = {
            "version": scenario.version,
            "city": scenario.city_id,
            "title": proposed.title,
            "description": proposed.description,
            "dimensions": proposed.dimensions,
            "tags": proposed.tags,
            "place": PLACE_SCOPE if proposed.scope_id else PLACE_GEOMETRY,
            "scope": proposed.scope_id,
            "geom": selectors.proposed_geojson(proposed),
        }
        return _proposed_page(
            request, scenario, ProposedMeasureForm(initial=initial, city=scenario.city), proposed
        )
    form = ProposedMeasureForm(request.POST, city=scenario.city)
    if form.is_valid():
        values = form.values()
        status = _call(
            request,
            form,
            lambda: services.proposed_measure_update(
                proposed_measure_id=proposed.pk,
                expected_version=form.cleaned_data["version"] or 0,
                user=request.user,
                **values,
            ),
        )
        if status is None:
            messages.success(request, _("The new measure was saved."))
            return redirect("scenarios:proposed", pk=pk, proposed_id=proposed.pk)
        return _proposed_page(request, scenario, form, proposed, status=status)
    return _proposed_page(request, scenario, form, proposed, status=400)


@planner_page
@require_POST
def proposed_delete(request: HttpRequest, pk: int, proposed_id: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    proposed = _part(ProposedMeasure, proposed_id, scenario=scenario)
    return _simple_post(
        request,
        pk,
        lambda v: services.proposed_measure_delete(
            proposed_measure_id=proposed.pk, expected_version=v, user=request.user
        ),
        done=_("The new measure was removed from the scenario."),
        anchor="proposed",
    )


@planner_page
@require_POST
def proposed_line_add(request: HttpRequest, pk: int, proposed_id: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    proposed = _part(ProposedMeasure, proposed_id, scenario=scenario)
    line_form = ProposedLineForm(request.POST, auto_id="pl-%s")
    status: int | None = 400
    if line_form.is_valid():
        d = line_form.cleaned_data
        status = _call(
            request,
            line_form,
            lambda: services.proposed_budget_line_create(
                proposed_measure_id=proposed.pk,
                expected_version=d["version"] or 0,
                user=request.user,
                fiscal_year=d["fiscal_year"],
                amount=d["amount"],
                kind=d["kind"],
                funding=d["funding"],
            ),
        )
        if status is None:
            messages.success(request, _("The budget line was added."))
            return redirect(reverse("scenarios:proposed", args=[pk, proposed.pk]) + "#budget")
    scenario.refresh_from_db()
    initial = {
        "version": scenario.version,
        "city": scenario.city_id,
        "title": proposed.title,
        "description": proposed.description,
        "dimensions": proposed.dimensions,
        "tags": proposed.tags,
        "place": PLACE_SCOPE if proposed.scope_id else PLACE_GEOMETRY,
        "scope": proposed.scope_id,
        "geom": selectors.proposed_geojson(proposed),
    }
    form = ProposedMeasureForm(initial=initial, city=scenario.city)
    return _proposed_page(request, scenario, form, proposed, status=status or 400, line_form=line_form)


@planner_page
@require_POST
def proposed_line_delete(request: HttpRequest, pk: int, proposed_id: int, line_id: int) -> HttpResponse:
    scenario = _scenario(request, pk)
    proposed = _part(ProposedMeasure, proposed_id, scenario=scenario)
    line = _part(ProposedBudgetLine, line_id, proposed_measure=proposed)
    try:
        services.proposed_budget_line_delete(
            proposed_budget_line_id=line.pk, expected_version=_version(request), user=request.user
        )
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except (StaleVersion, Conflict, ValidationError) as error:
        return _detail(
            request, scenario, status=getattr(error, "status", 400), problem=" ".join(error.messages)
        )
    messages.success(request, _("The budget line was removed."))
    return redirect(reverse("scenarios:proposed", args=[pk, proposed.pk]) + "#budget")
