"""The planners' back office of participatory budgets, ``/planung/buergerhaushalt/``: the budgets of
the planner's cities, setting one up (OfficeForm), and one budget's page: its settings, the phase (one
step forward at a time; advancing from voting closes the vote), each proposal's moderation and
feasibility review, the tally and turning the winners into measures with budget lines. Moderators
open the page to moderate. Pages over budgeting.services (role, city scope, phase, audit there)."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from budgeting import selectors, services
from budgeting.models import PHASES, Budget, Feasibility, Phase, Proposal, Status
from geo.permissions import is_moderator, is_planner
from measures.backoffice.forms import OfficeForm
from participation.models import Consultation
from staff.backoffice import office_context, staff_page
from staff.scope import cities_of

planner_page = staff_page(
    is_planner, gettext_lazy("Participatory budgets are set up by the planners' group.")
)
staff_only = staff_page(
    lambda user: is_planner(user) or is_moderator(user),
    gettext_lazy("Participatory budgets are run by the planners and moderators."),
)


def _budgets(user):
    scope = cities_of(user)
    budgets = Budget.objects.select_related("consultation", "city")
    return budgets if scope is None else budgets.filter(city__in=scope)


class BudgetForm(OfficeForm):
    consultation = forms.TypedChoiceField(label=gettext_lazy("Consultation"), coerce=int)
    total = forms.CharField(label=gettext_lazy("Total budget (EUR)"), max_length=30)
    fiscal_year = forms.IntegerField(
        label=gettext_lazy("Fiscal year of the funded projects"), min_value=1900, max_value=2200
    )
    proposals_until = forms.DateField(
        label=gettext_lazy("Proposals until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    review_until = forms.DateField(
        label=gettext_lazy("Feasibility review until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    voting_until = forms.DateField(
        label=gettext_lazy("Voting until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, consultations: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("consultation", consultations)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["total"] = services.parse_amount(data["total"], "total")
        return data


def _consultation_choices(user, budget: Budget | None = None) -> list:
    scope = cities_of(user)
    qs = Consultation.objects.filter(budget__isnull=True)
    if scope is not None:
        qs = qs.filter(city__in=scope)
    choices = [(c.pk, c.title) for c in qs.order_by("title")]
    if budget is not None:
        choices.insert(0, (budget.consultation_id, budget.consultation.title))
    return choices


@staff_only
def budget_list(request):
    budgets = _budgets(request.user).annotate(
        pending=Count("proposals", filter=Q(proposals__status=Status.PENDING)),
        n=Count("proposals"),
    )
    return render(
        request,
        "budgeting/backoffice/list.html",
        {
            **office_context(request, "budgets"),
            "budgets": [(b, Phase(b.phase).label, services.euros(b.total)) for b in budgets.order_by("-id")],
            "planner": is_planner(request.user),
        },
    )


def _form_page(request, form: BudgetForm, budget: Budget | None, status: int = 200) -> HttpResponse:
    form.mark()
    return render(
        request,
        "budgeting/backoffice/form.html",
        {**office_context(request, "budgets"), "form": form, "budget": budget},
        status=status,
    )


def _save_form(request, form: BudgetForm, write, budget: Budget | None) -> HttpResponse:
    try:
        if not form.is_valid():
            return _form_page(request, form, budget, 400)
        saved = write(form.values())
    except ValidationError as error:
        form.add_service_errors(error)
        return _form_page(request, form, budget, getattr(error, "status", 400))
    return redirect("budgeting_office:detail", pk=saved.pk)


@planner_page
def budget_new(request):
    choices = _consultation_choices(request.user)
    if request.method == "POST":
        form = BudgetForm(request.POST, consultations=choices)

        def write(values: dict) -> Budget:
            return services.budget_create(
                consultation_id=values.pop("consultation"), user=request.user, **values
            )

        return _save_form(request, form, write, None)
    return _form_page(request, BudgetForm(consultations=choices), None)


@planner_page
def budget_edit(request, pk: int):
    budget = get_object_or_404(_budgets(request.user), pk=pk)
    choices = _consultation_choices(request.user, budget)
    if request.method == "POST":
        form = BudgetForm(request.POST, consultations=choices)

        def write(values: dict) -> Budget:
            values.pop("consultation")
            return services.budget_update(budget_id=pk, user=request.user, **values)

        return _save_form(request, form, write, budget)
    initial = {
        "consultation": budget.consultation_id,
        "total": str(budget.total),
        "fiscal_year": budget.fiscal_year,
        "proposals_until": budget.proposals_until,
        "review_until": budget.review_until,
        "voting_until": budget.voting_until,
    }
    return _form_page(request, BudgetForm(initial=initial, consultations=choices), budget)


def _detail(request, budget: Budget, *, error: str = "", error_for: int | None = None, status: int = 200):
    proposals = budget.proposals.select_related("measure").order_by("status", "id")
    tally = selectors.tally(budget)
    index = PHASES.index(budget.phase)
    return render(
        request,
        "budgeting/backoffice/detail.html",
        {
            **office_context(request, "budgets"),
            "budget": budget,
            "phase_label": Phase(budget.phase).label,
            "next_phase": Phase(PHASES[index + 1]).label if index + 1 < len(PHASES) else None,
            "total": services.euros(budget.total),
            "proposals": [
                (
                    p,
                    services.euros(p.cost_estimate),
                    services.euros(p.revised_cost) if p.revised_cost is not None else "",
                    Status(p.status).label,
                    Feasibility(p.feasibility).label,
                )
                for p in proposals
            ],
            "reviewing": budget.phase in (Phase.PROPOSALS, Phase.REVIEW),
            "tally": [(row, services.euros(row.cost)) for row in tally.rows],
            "remaining": services.euros(tally.remaining),
            "planner": is_planner(request.user),
            "error": error,
            "error_for": error_for,
            "ok": request.GET.get("ok", "")[:40],
        },
        status=status,
    )


@staff_only
def budget_detail(request, pk: int):
    return _detail(request, get_object_or_404(_budgets(request.user), pk=pk))


def _act(request, pk: int, write, done: str, proposal_id: int | None = None) -> HttpResponse:
    budget = get_object_or_404(_budgets(request.user), pk=pk)
    try:
        write(budget)
    except ValidationError as error:
        message = " ".join(error.messages)
        return _detail(
            request, budget, error=message, error_for=proposal_id, status=getattr(error, "status", 400)
        )
    return redirect(reverse("budgeting_office:detail", kwargs={"pk": pk}) + f"?ok={done}")


@require_POST
@planner_page
def budget_advance(request, pk: int):
    expected = request.POST.get("phase", "")[:20]
    return _act(
        request,
        pk,
        lambda budget: services.budget_phase_advance(
            budget_id=budget.pk, expected=expected, user=request.user
        ),
        "phase",
    )


@require_POST
@planner_page
def budget_convert(request, pk: int):
    return _act(
        request,
        pk,
        lambda budget: services.budget_convert_winners(budget_id=budget.pk, user=request.user),
        "converted",
    )


def _own_proposal(budget: Budget, proposal_id: int) -> int:
    if not Proposal.objects.filter(pk=proposal_id, budget=budget).exists():
        raise PermissionDenied(_("This proposal belongs to another budget."))
    return proposal_id


@require_POST
@staff_only
def proposal_moderate(request, pk: int, proposal: int):
    decision = request.POST.get("decision", "")

    def write(budget: Budget) -> None:
        if decision not in ("publish", "reject"):
            raise ValidationError(_("Choose to publish or to reject."))
        services.proposal_moderate(
            proposal_id=_own_proposal(budget, proposal),
            publish=decision == "publish",
            reason=request.POST.get("reason", "")[:5000],
            user=request.user,
        )

    return _act(request, pk, write, "moderated", proposal)


@require_POST
@planner_page
def proposal_review(request, pk: int, proposal: int):
    decision = request.POST.get("feasibility", "")

    def write(budget: Budget) -> None:
        if decision not in (Feasibility.FEASIBLE, Feasibility.NOT_FEASIBLE):
            raise ValidationError(_("Choose feasible or not feasible."))
        services.proposal_review(
            proposal_id=_own_proposal(budget, proposal),
            feasible=decision == Feasibility.FEASIBLE,
            reason=request.POST.get("reason", "")[:5000],
            revised_cost=request.POST.get("revised_cost", "")[:40],
            user=request.user,
        )

    return _act(request, pk, write, "reviewed", proposal)
