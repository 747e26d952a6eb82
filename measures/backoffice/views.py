"""Pages of the measures' back office under /planung/massnahmen/: the list, the measure form with its
map and budget table, and the confirmations before deleting. Every write goes through
measures.services (the rules, the versions, the audit); these views parse, call and show.

Lost updates: each form carries the version the planner read; a stale save (``StaleVersion``) shows
the conflict with the planner's input kept in the form, and nothing is written."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from geo.drawing import drawing_config
from geo.errors import Forbidden, StaleVersion
from geo.permissions import is_planner
from measures import services
from measures.backoffice import selectors
from measures.backoffice.forms import (
    PLACE_GEOMETRY,
    PLACE_SCOPE,
    BudgetLineForm,
    ListFilterForm,
    MeasureForm,
    OfficeForm,
)
from measures.models import ActionField, BudgetLine, Dimension, MasterPlan, Measure, MeasureStatus
from measures.paper_links import measure_papers
from measures.selectors import measure_detail
from quartiere.models import Area
from quartiere.selectors import area_extent
from staff import backoffice
from staff.backoffice import staff_page
from staff.scope import acts_in

PAGE_SIZE = 25


def office_context(request: HttpRequest) -> dict:
    """The back office's navigation, the one of every back-office page (staff.backoffice)."""
    return backoffice.office_context(request, "measures")


planner_page = staff_page(is_planner, gettext_lazy("The measures' back office is for the planners' group."))


def _measure_or_404(request: HttpRequest, measure_id: int) -> Measure:
    """The measure ``measure_id``, when the planner may act on it (its city is one of theirs: 403)."""
    measure = Measure.objects.filter(pk=measure_id).first()
    if measure is None:
        raise Http404(_("There is no such measure."))
    if not acts_in(request.user, measure.city_id):
        raise PermissionDenied(_("This measure belongs to a city your account does not work for."))
    return measure


@planner_page
@require_http_methods(["GET", "HEAD"])
def measure_list(request: HttpRequest) -> HttpResponse:
    """``/planung/massnahmen/``: the measures of the planner's cities, filtered, sorted, paged."""
    action_fields = list(ActionField.objects.order_by("position", "name"))
    master_plans = list(MasterPlan.objects.all())
    form = ListFilterForm(
        request.GET, user=request.user, action_fields=action_fields, master_plans=master_plans
    )
    status = 200
    page = None
    if form.is_valid():
        paginator = Paginator(selectors.office_measures(user=request.user, filters=form.filters()), PAGE_SIZE)
        try:
            page = paginator.page(form.cleaned_data["page"] or 1)
            page.object_list = list(page.object_list)  # read once: the template loops over it
            dimensions = dict(Dimension.choices)
            for measure in page.object_list:
                labels = [dimensions.get(d, d) for d in measure.dimensions]
                measure.dimension_labels = labels  # type: ignore[attr-defined]
        except EmptyPage:
            form.add_error(
                "page",
                _("There is no page %(n)s; the last one is %(last)s.")
                % {"n": form.cleaned_data["page"], "last": paginator.num_pages},
            )
    if not form.is_valid():
        status = 400
        page = None
    form.mark()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "measures/backoffice/list.html",
        {
            **office_context(request),
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "status_labels": dict(MeasureStatus.choices),
        },
        status=status,
    )


def _map_config(request: HttpRequest, city_id: int | None) -> dict:
    """What static/measures/measure-form.js needs: drawing.js's settings, where the map starts, the
    Quartiere to draw as orientation and the page's texts."""
    return {
        **drawing_config(),
        "view": area_extent(area_id=city_id) if city_id else None,
        # the Quartiere of the city chosen on the form (its id appended), drawn as outlines
        "areasUrl": reverse("area-list") + "?level=quartier&limit=1000&parent=",
        "city": city_id,
        "messages": {
            "drawn": _("A place is drawn on the map. Move its vertices, or remove it to draw another."),
            "none": _("No place drawn yet: choose a tool at the top left of the map and draw the measure."),
            "removed": _("The place was removed from the map."),
            "tooManyVertices": _("The drawing has %(n)s vertices; at most %(max)s are allowed. Simplify it."),
            "vertex": _("Vertex: drag it to move it"),
            "middle": _("Between two vertices: drag it to add a vertex"),
        },
    }


def _render_form(
    request: HttpRequest,
    form: MeasureForm,
    *,
    measure: Measure | None,
    status: int = 200,
    conflict: dict | None = None,
    line_forms: dict[int, BudgetLineForm] | None = None,
    new_line: BudgetLineForm | None = None,
    line_conflicts: dict[int, BudgetLine] | None = None,
) -> HttpResponse:
    form.mark()
    city_id = form["city"].value() if form.is_bound else form.initial.get("city")
    try:
        city_id = int(city_id) if city_id else None
    except (TypeError, ValueError):
        city_id = None
    offered = form.offered("city")
    if city_id is None and offered:
        city_id = offered[0][0]
    context: dict[str, Any] = {
        **office_context(request),
        "form": form,
        "measure": measure,
        "conflict": conflict,
        "map_config": _map_config(request, city_id),
    }
    if measure is not None:
        lines = list(measure.budget_lines.order_by("fiscal_year", "id"))
        years: dict[int, dict] = {}
        for line in lines:
            row_form = (line_forms or {}).get(line.pk) or BudgetLineForm(
                initial={
                    **{f: getattr(line, f) for f in services.BUDGET_LINE_FIELDS - {"measure"}},
                    "version": line.version,
                },
                auto_id=f"bl{line.pk}-%s",
            )
            row_form.in_row(f"bl{line.pk}").mark()
            year = years.setdefault(line.fiscal_year, {"year": line.fiscal_year, "rows": [], "total": 0})
            year["rows"].append(
                {"line": line, "form": row_form, "conflict": (line_conflicts or {}).get(line.pk)}
            )
            year["total"] += line.amount
        new_line = new_line or BudgetLineForm(auto_id="bl-new-%s", initial={"kind": "investment"})
        new_line.mark()
        context.update(
            papers=measure_papers(measure.pk),
            years=list(years.values()),
            budget_total=sum((line.amount for line in lines), start=0),
            new_line=new_line,
        )
    return render(request, "measures/backoffice/form.html", context, status=status)


def _initial(measure: Measure) -> dict:
    data = {
        name: getattr(measure, name)
        for name in (
            "title",
            "description",
            "rationale",
            "tags",
            "status",
            "published",
            "responsible_unit",
            "start_date",
            "end_date",
            "principles",
            "dimensions",
        )
    }
    return {
        **data,
        "version": measure.version,
        "city": measure.city_id,
        "master_plan": measure.master_plan_id,
        "strategic_goals": [g.pk for g in measure.strategic_goals.all()],
        "place": PLACE_SCOPE if measure.scope_id else PLACE_GEOMETRY,
        "scope": measure.scope_id,
        "geom": getattr(measure, "geom_geojson", None) or "",
    }


def _service_kwargs(form: MeasureForm) -> dict[str, Any]:
    values = form.measure_values()
    city_id, scope_id = values.pop("city_id"), values.pop("scope_id")
    areas = Area.objects.in_bulk([i for i in (city_id, scope_id) if i is not None])
    return {**values, "city": areas.get(city_id), "scope": areas.get(scope_id)}


def _write(form: OfficeForm, call) -> Any:
    """Call the service; its refusals as the form's errors (None returned), 403 as the 403 page."""
    try:
        return call()
    except Forbidden as error:
        raise PermissionDenied(error.message) from None
    except StaleVersion:
        raise
    except ValidationError as error:
        form.add_service_errors(error)
        return None


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def measure_new(request: HttpRequest) -> HttpResponse:
    """``/planung/massnahmen/neu/``: a new measure."""
    if request.method != "POST":
        cities = list(selectors.cities_for(request.user).values_list("pk", flat=True)[:1])
        form = MeasureForm(
            user=request.user,
            current_status=None,
            initial={"status": MeasureStatus.IDEA, "city": cities[0] if cities else None},
        )
        return _render_form(request, form, measure=None)
    form = MeasureForm(request.POST, user=request.user, current_status=None)
    if form.is_valid():
        measure = _write(form, lambda: services.measure_create(user=request.user, **_service_kwargs(form)))
        if measure is not None:
            messages.success(request, _("The measure was created. You can add its budget lines now."))
            return redirect("measures-office:edit", measure_id=measure.pk)
    return _render_form(request, form, measure=None, status=400)


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    """``/planung/massnahmen/<id>/``: a measure with its budget table."""
    measure = _measure_or_404(request, measure_id)
    if request.method != "POST":
        detail = _detail(request, measure)
        form = MeasureForm(user=request.user, current_status=measure.status, initial=_initial(detail))
        return _render_form(request, form, measure=detail)
    form = MeasureForm(request.POST, user=request.user, current_status=measure.status)
    if form.is_valid():
        try:
            saved = _write(
                form, lambda: services.measure_update(**_update_args(request, form, measure=measure.pk))
            )
        except StaleVersion:
            return _conflict(request, form, measure_id)
        if saved is not None:
            messages.success(request, _("The measure was saved."))
            return redirect("measures-office:edit", measure_id=measure.pk)
    return _render_form(request, form, measure=measure, status=400)


def _update_args(request: HttpRequest, form: OfficeForm, **record: int) -> dict[str, Any]:
    """A versioned service's arguments: ``<record>_id``, the version the planner read (hidden in the
    form), the user and the form's values."""
    ((name, pk),) = record.items()
    values = _service_kwargs(form) if isinstance(form, MeasureForm) else form.cleaned_data.copy()
    values.pop("version", None)
    return {
        f"{name}_id": pk,
        "expected_versions": [form.cleaned_data["version"] or 0],
        "user": request.user,
        **values,
    }


def _kept(form_class: type, request: HttpRequest, version: int, **kwargs: Any) -> Any:
    """The planner's input after a stale save, bound again with the current ``version``: saving it
    once more is then a knowing overwrite."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _conflict(request: HttpRequest, form: MeasureForm, measure_id: int) -> HttpResponse:
    """The stale save's page: the planner's input stays in the form, which now carries the current
    version (saving again replaces the other person's changes, knowingly), and what they changed."""
    current = Measure.objects.get(pk=measure_id)
    read = form.cleaned_data.get("version") or 0
    labels = {f.name: str(getattr(f, "verbose_name", f.name)) for f in Measure._meta.get_fields()}
    changed = [labels[name] for name in selectors.changes_since(measure=current, version=read)]
    form = _kept(MeasureForm, request, current.version, user=request.user, current_status=current.status)
    return _render_form(request, form, measure=current, status=412, conflict={"changed": changed})


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def measure_delete(request: HttpRequest, measure_id: int) -> HttpResponse:
    """``/planung/massnahmen/<id>/loeschen/``: asks first; deleting takes its budget lines along."""
    measure = _measure_or_404(request, measure_id)
    context = {"measure": measure, "kind": "measure", "lines": measure.budget_lines.count()}
    return _confirm_delete(
        request,
        lambda version: services.measure_delete(
            measure_id=measure.pk, expected_versions=[version], user=request.user
        ),
        context,
        done=_("The measure “%(title)s” was deleted.") % {"title": measure.title},
        then=reverse("measures-office:list"),
    )


def _confirm_delete(request: HttpRequest, delete, context: dict, *, done: str, then: str) -> HttpResponse:
    """The confirmation page (GET), or the deletion (POST with the version read on that page); a
    stale version shows the page again with the conflict, nothing deleted."""
    stale = False
    if request.method == "POST":
        raw = request.POST.get("version", "")
        try:
            delete(int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0)
        except Forbidden as error:
            raise PermissionDenied(error.message) from None
        except StaleVersion:
            stale = True
        else:
            messages.success(request, done)
            return redirect(then)
    return render(
        request,
        "measures/backoffice/delete.html",
        {**office_context(request), **context, "stale": stale},
        status=412 if stale else 200,
    )


def _line_of(measure: Measure, line_id: int) -> BudgetLine:
    line = BudgetLine.objects.filter(pk=line_id, measure=measure).first()
    if line is None:
        raise Http404(_("There is no such budget line."))
    return line


def _detail(request: HttpRequest, measure: Measure) -> Measure:
    """``measure`` with its geometry as GeoJSON (EPSG:4326) and its goals (measures.selectors)."""
    detail = measure_detail(user=request.user, measure_id=measure.pk)
    if detail is None:  # deleted since it was read
        raise Http404(_("There is no such measure."))
    return detail


def _measure_page(request: HttpRequest, measure: Measure, **kwargs: Any) -> HttpResponse:
    """The measure's page as stored, with the budget table's forms in ``kwargs``."""
    detail = _detail(request, measure)
    form = MeasureForm(user=request.user, current_status=detail.status, initial=_initial(detail))
    return _render_form(request, form, measure=detail, **kwargs)


@planner_page
@require_POST
def budget_line_add(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _measure_or_404(request, measure_id)
    form = BudgetLineForm(request.POST, auto_id="bl-new-%s")
    if form.is_valid():
        line = _write(
            form,
            lambda: services.budget_line_create(measure=measure, user=request.user, **form.line_values()),
        )
        if line is not None:
            messages.success(request, _("The budget line was added."))
            return redirect(reverse("measures-office:edit", args=[measure.pk]) + "#budget")
    return _measure_page(request, measure, status=400, new_line=form)


@planner_page
@require_POST
def budget_line_edit(request: HttpRequest, measure_id: int, line_id: int) -> HttpResponse:
    measure = _measure_or_404(request, measure_id)
    line = _line_of(measure, line_id)
    form = BudgetLineForm(request.POST, auto_id=f"bl{line.pk}-%s")
    if form.is_valid():
        try:
            saved = _write(
                form, lambda: services.budget_line_update(**_update_args(request, form, budget_line=line.pk))
            )
        except StaleVersion:
            current = BudgetLine.objects.get(pk=line.pk)
            kept = _kept(BudgetLineForm, request, current.version, auto_id=f"bl{line.pk}-%s")
            return _measure_page(
                request, measure, status=412, line_forms={line.pk: kept}, line_conflicts={line.pk: current}
            )
        if saved is not None:
            messages.success(request, _("The budget line was saved."))
            return redirect(reverse("measures-office:edit", args=[measure.pk]) + "#budget")
    return _measure_page(request, measure, status=400, line_forms={line.pk: form})


@planner_page
@require_http_methods(["GET", "HEAD", "POST"])
def budget_line_delete(request: HttpRequest, measure_id: int, line_id: int) -> HttpResponse:
    """Asks first (a page of its own, also without script)."""
    measure = _measure_or_404(request, measure_id)
    line = _line_of(measure, line_id)
    return _confirm_delete(
        request,
        lambda version: services.budget_line_delete(
            budget_line_id=line.pk, expected_versions=[version], user=request.user
        ),
        {"measure": measure, "line": line, "kind": "line"},
        done=_("The budget line was deleted."),
        then=reverse("measures-office:edit", args=[measure.pk]) + "#budget",
    )
