"""The strategy tree in the planners' back office, ``/planung/strategie/``: action fields → strategic
goals, and the master plans with the action fields they cover; create, edit, renumber, delete. Pages
over measures.strategy_services (the API calls the same). Each edit form carries the revision it
showed (``strategy_revision``): a save after someone else's shows the conflict and keeps the input."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.errors import StaleVersion
from geo.permissions import is_planner
from measures import strategy_services as services
from measures.backoffice.forms import OfficeForm
from measures.models import ActionField, MasterPlan, MasterPlanStatus, StrategicGoal
from staff.backoffice import office_context, staff_page

TEMPLATES = "measures/backoffice/"


planner_page = staff_page(is_planner, gettext_lazy("The strategy tree is edited by the planners' group."))


class ActionFieldForm(OfficeForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position"),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=gettext_lazy("Action fields are listed by this number, smallest first."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StrategicGoalForm(OfficeForm):
    action_field = forms.ModelChoiceField(
        label=gettext_lazy("Action field"), queryset=ActionField.objects.all(), empty_label=None
    )
    number = forms.IntegerField(
        label=gettext_lazy("Number"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=gettext_lazy(
            "The goals of an action field are numbered 1, 2, 3 …; empty: the next free one."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    text = forms.CharField(
        label=gettext_lazy("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MasterPlanForm(OfficeForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    version = forms.CharField(label=gettext_lazy("Version"), max_length=50, required=False)
    year_adopted = forms.IntegerField(
        label=gettext_lazy("Year adopted"), min_value=1900, max_value=2100, required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=MasterPlanStatus.choices)
    action_fields = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Action fields it covers"),
        queryset=ActionField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


@planner_page
def tree(request):
    """``/planung/strategie/``: the tree, with links to edit each node."""
    fields = ActionField.objects.prefetch_related(
        Prefetch("goals", StrategicGoal.objects.annotate(measure_count=Count("measures")).order_by("number"))
    ).order_by("position", "name")
    plans = MasterPlan.objects.prefetch_related("action_fields").annotate(measure_count=Count("measures"))
    return render(
        request,
        TEMPLATES + "strategy.html",
        {
            **office_context(request, "strategy"),
            "action_fields": fields,
            "master_plans": plans,
            "done": request.GET.get("ok", ""),
        },
    )


@dataclass(frozen=True)
class Node:
    """A kind of node of the tree as its pages handle it: the form, what the edit form starts with,
    the page's heading and the service that writes it (``measures.strategy_services``)."""

    key: str  # the services' name: action_field, strategic_goal, master_plan
    model: type
    form: type[OfficeForm]
    initial: Callable[[Any], dict]
    heading: Callable[[Any], str]
    url: str  # the edit page's URL name


NODES = {
    "action_field": Node(
        "action_field",
        ActionField,
        ActionFieldForm,
        lambda f: {"name": f.name, "description": f.description, "position": f.position},
        lambda f: _("Action field “%(name)s”") % {"name": f.name},
        "office-strategy:action-field",
    ),
    "strategic_goal": Node(
        "strategic_goal",
        StrategicGoal,
        StrategicGoalForm,
        lambda g: {"action_field": g.action_field_id, "number": g.number, "title": g.title, "text": g.text},
        lambda g: _("Strategic goal %(number)d. “%(title)s”") % {"number": g.number, "title": g.title},
        "office-strategy:goal",
    ),
    "master_plan": Node(
        "master_plan",
        MasterPlan,
        MasterPlanForm,
        lambda p: {
            "title": p.title,
            "version": p.version,
            "year_adopted": p.year_adopted,
            "status": p.status,
            "action_fields": list(p.action_fields.values_list("pk", flat=True)),
        },
        lambda p: _("Master plan “%(title)s”") % {"title": str(p)},
        "office-strategy:master-plan",
    ),
}

STALE = gettext_lazy(
    "Someone else changed this since you opened it. Nothing was saved; your input is kept below. "
    "Open the current version to compare, then save again."
)


def _page(
    request,
    node: Node,
    form: OfficeForm,
    *,
    heading: str,
    obj: Any = None,
    status: int = 200,
    conflict: bool = False,
    refusal: str = "",
) -> HttpResponse:
    """The form page of ``node`` (new when ``obj`` is None)."""
    return render(
        request,
        TEMPLATES + "strategy_form.html",
        {
            **office_context(request, "strategy"),
            "form": form,
            "heading": heading,
            "object": obj,
            "node": node.key,
            "edit_url": reverse(node.url, args=[obj.pk]) if obj is not None else "",
            "delete_url": reverse(node.url + "-delete", args=[obj.pk]) if obj is not None else "",
            "revision": services.strategy_revision(obj) if obj is not None else 0,
            "conflict": conflict,
            "refusal": refusal,
        },
        status=status,
    )


def _data(form: OfficeForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("revision", None)
    return data


def _save(
    request, node: Node, form: OfficeForm, write: Callable[[dict], Any], *, heading: str, obj: Any = None
) -> HttpResponse:
    """Validate ``form`` and ``write`` its data through the service; back to the tree when saved,
    else the form again with the reasons beside the fields (400), the conflict (412) or the refusal
    (403). The person's input stays in the form."""
    if not form.is_valid():
        form.mark()
        return _page(request, node, form, heading=heading, obj=obj, status=400)
    try:
        write(_data(form))
    except StaleVersion:
        form.add_error(None, str(STALE))
        form.mark()
        return _page(request, node, form, heading=heading, obj=obj, status=412, conflict=True)
    except ValidationError as error:
        form.add_service_errors(error)
        form.mark()
        return _page(request, node, form, heading=heading, obj=obj, status=getattr(error, "status", 400))
    return redirect(reverse("office-strategy:tree") + ("?ok=saved" if obj is not None else "?ok=created"))


@planner_page
def action_field_new(request):
    node = NODES["action_field"]
    heading = _("New action field")
    form = ActionFieldForm(request.POST or None)
    if request.method == "POST":
        return _save(
            request,
            node,
            form,
            lambda d: services.action_field_create(user=request.user, **d),
            heading=heading,
        )
    return _page(request, node, form, heading=heading)


@planner_page
def goal_new(request, field_pk: int):
    field = get_object_or_404(ActionField, pk=field_pk)
    node = NODES["strategic_goal"]
    heading = _("New strategic goal in “%(name)s”") % {"name": field.name}
    if request.method == "POST":
        form = StrategicGoalForm(request.POST)
        return _save(
            request,
            node,
            form,
            lambda d: services.strategic_goal_create(user=request.user, **d),
            heading=heading,
        )
    return _page(request, node, StrategicGoalForm(initial={"action_field": field.pk}), heading=heading)


@planner_page
def master_plan_new(request):
    node = NODES["master_plan"]
    heading = _("New master plan")
    form = MasterPlanForm(request.POST or None, initial={"status": MasterPlanStatus.DRAFT})
    if request.method == "POST":
        return _save(
            request,
            node,
            form,
            lambda d: services.master_plan_create(user=request.user, **d),
            heading=heading,
        )
    return _page(request, node, form, heading=heading)


def _edit(request, key: str, pk: int) -> HttpResponse:
    node = NODES[key]
    obj: Any = get_object_or_404(node.model, pk=pk)
    heading = node.heading(obj)
    if request.method == "POST":
        form = node.form(request.POST)
        update = getattr(services, f"{key}_update")

        def write(data: dict) -> Any:
            revision = form.cleaned_data.get("revision")
            return update(**{f"{key}_id": pk}, expected_revision=revision or 0, user=request.user, **data)

        return _save(request, node, form, write, heading=heading, obj=obj)
    form = node.form(initial={**node.initial(obj), "revision": services.strategy_revision(obj)})
    return _page(request, node, form, heading=heading, obj=obj)


def _delete(request, key: str, pk: int) -> HttpResponse:
    """POST: delete and back to the tree; refused (still in use, changed since): the edit page of the
    stored version says why, nothing deleted."""
    node = NODES[key]
    obj: Any = get_object_or_404(node.model, pk=pk)
    if request.method != "POST":
        return redirect(reverse(node.url, args=[pk]))
    revision = request.POST.get("revision", "")
    delete = getattr(services, f"{key}_delete")
    try:
        delete(
            **{f"{key}_id": pk},
            expected_revision=int(revision) if revision.isdigit() and len(revision) < 18 else 0,
            user=request.user,
        )
    except ValidationError as error:
        message = str(STALE) if isinstance(error, StaleVersion) else " ".join(error.messages)
        form = node.form(initial={**node.initial(obj), "revision": services.strategy_revision(obj)})
        return _page(
            request,
            node,
            form,
            heading=node.heading(obj),
            obj=obj,
            status=getattr(error, "status", 400),
            refusal=message,
        )
    return redirect(reverse("office-strategy:tree") + "?ok=deleted")


@planner_page
def action_field_edit(request, pk: int):
    return _edit(request, "action_field", pk)


@planner_page
def action_field_delete(request, pk: int):
    return _delete(request, "action_field", pk)


@planner_page
def goal_edit(request, pk: int):
    return _edit(request, "strategic_goal", pk)


@planner_page
def goal_delete(request, pk: int):
    return _delete(request, "strategic_goal", pk)


@planner_page
def master_plan_edit(request, pk: int):
    return _edit(request, "master_plan", pk)


@planner_page
def master_plan_delete(request, pk: int):
    return _delete(request, "master_plan", pk)
