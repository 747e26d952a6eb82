"""What the participatory budget adds to participation's pages (participation.formats): the format
with its panel and evaluation, the moderators' queue of proposals, and an account's personal data."""

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from participation import formats


def _received(consultation) -> list:
    from budgeting.models import Ballot, Proposal, Status

    counts = Proposal.objects.filter(budget__consultation=consultation).aggregate(
        published=Count("id", filter=Q(status=Status.PUBLISHED)),
        funded=Count("id", filter=Q(measure__isnull=False)),
    )
    ballots = Ballot.objects.filter(budget__consultation=consultation).count()
    return [
        (_("published proposals"), counts["published"]),
        (_("ballots"), ballots),
        (_("proposals turned into measures"), counts["funded"]),
    ]


def _panel(request, consultation):
    from budgeting.views import panel

    return panel(request, consultation)


def _pending(user) -> int:
    from budgeting.models import Phase, Proposal, Status
    from staff.scope import cities_of

    qs = Proposal.objects.filter(status=Status.PENDING, budget__phase__in=[Phase.PROPOSALS, Phase.REVIEW])
    scope = cities_of(user)
    return (qs if scope is None else qs.filter(city__in=scope)).count()


def _export(user) -> list[dict[str, Any]]:
    from budgeting.models import Ballot

    rows: list[dict[str, Any]] = [
        {
            "kind": "proposal",
            "consultation": p.budget.consultation.title,
            "title": p.title,
            "text": p.text,
            "cost_estimate": str(p.cost_estimate),
            "status": p.status,
            "feasibility": p.feasibility,
            "created_at": p.created_at.isoformat(),
        }
        for p in user.budget_proposals.select_related("budget__consultation").order_by("id")
    ]
    for ballot in Ballot.objects.filter(user=user).select_related("budget__consultation").order_by("id"):
        rows.append(
            {
                "kind": "ballot",
                "consultation": ballot.budget.consultation.title,
                "proposals": list(ballot.proposals.order_by("id").values_list("title", flat=True)),
                "updated_at": ballot.updated_at.isoformat(),
            }
        )
    return rows


def _erase(user) -> int:
    """Proposals stay (they are public and may have become measures) without their author; ballots
    still in voting are deleted, closed ones lose the account (the result stays countable)."""
    from budgeting.models import Ballot, Phase

    proposals = user.budget_proposals.update(author=None)
    open_ballots, _rows = Ballot.objects.filter(user=user).exclude(budget__phase=Phase.RESULTS).delete()
    closed = 0
    for ballot in Ballot.objects.filter(user=user):
        ballot.user, ballot.browser = None, f"erased-{ballot.pk}"
        ballot.save(update_fields=["user", "browser"])
        closed += 1
    return proposals + open_ballots + closed


def register_all() -> None:
    formats.register(
        formats.Format(
            key="budget",
            label=_("participatory budget"),
            uses=lambda: Q(budget__isnull=False),
            panel=_panel,
            received=_received,
            order=30,
        )
    )
    formats.register_queue(
        formats.ModerationQueue(
            key="budget",
            label=_("proposals for the participatory budget"),
            url_name="budgeting_office:list",
            pending=_pending,
        )
    )
    formats.register_personal_data(
        formats.PersonalData(key="budget", label=_("participatory budget"), export=_export, erase=_erase)
    )
