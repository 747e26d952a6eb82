"""Participatory budget (Bürgerhaushalt): a budget of a consultation, proposals with a place
(EPSG:25832) and a cost estimate, and one ballot per voter selecting proposals within the total.
Every row carries its city directly (the shard key of the scaling plan). No IP address is stored."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.crs import STORAGE_SRID
from quartiere.shard import CityField

TITLE_MAX = 200
TEXT_MAX = 3000
REASON_MAX = 1000
COST_MAX = 10**10  # EUR; above any city's whole budget


class Phase(models.TextChoices):
    """The phases in their order; staff advance them one step at a time."""

    PROPOSALS = "proposals", _("proposals")
    REVIEW = "review", _("feasibility review")
    VOTING = "voting", _("voting")
    RESULTS = "results", _("results")


PHASES = list(Phase.values)


class Status(models.TextChoices):
    PENDING = "pending", _("pending moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


class Feasibility(models.TextChoices):
    UNCHECKED = "unchecked", _("not yet checked")
    FEASIBLE = "feasible", _("feasible")
    NOT_FEASIBLE = "not_feasible", _("not feasible")


class Budget(models.Model):
    """The participatory budget of one consultation: ``total`` EUR to share out in ``fiscal_year``.
    ``phase`` is the current phase (the rule the services enforce); the dates are the plan shown."""

    consultation = models.OneToOneField(
        "participation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="budget",
    )
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(_("total budget (EUR)"), max_digits=14, decimal_places=2)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year of the funded projects"))
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.PROPOSALS)
    proposals_until = models.DateField(_("proposals until"), null=True, blank=True)
    review_until = models.DateField(_("feasibility review until"), null=True, blank=True)
    voting_until = models.DateField(_("voting until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="budget_total_positive"),
            # the target of the proposals', ballots' and choices' composite foreign keys (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="budget_id_city_unique"),
        ]

    def __str__(self) -> str:
        return str(self.consultation)


class Proposal(models.Model):
    """A project proposed by a citizen: a point (EPSG:25832) inside the consultation's area and the
    proposer's cost estimate (EUR); staff check feasibility and may revise the cost. Only published
    proposals are public; the author and the browser id never are."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.PROTECT, related_name="proposals"
    )
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("description"), max_length=TEXT_MAX)
    geom = models.PointField(_("place"), srid=STORAGE_SRID)
    cost_estimate = models.DecimalField(_("cost estimate (EUR)"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField(_("reason for rejection"), max_length=REASON_MAX, blank=True)
    feasibility = models.CharField(
        _("feasibility"), max_length=20, choices=Feasibility.choices, default=Feasibility.UNCHECKED
    )
    feasibility_reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    revised_cost = models.DecimalField(
        _("revised cost (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_proposals",
    )
    trialog_role = models.CharField(_("Trialog role"), max_length=20, blank=True)
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_proposals",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["author"])

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["budget", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(cost_estimate__gte=0), name="proposal_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(revised_cost__isnull=True) | Q(revised_cost__gte=0),
                name="proposal_revised_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(feasibility="feasible") | Q(revised_cost__isnull=False),
                name="proposal_feasible_has_cost",
            ),
            models.CheckConstraint(
                condition=~Q(feasibility="not_feasible") | ~Q(feasibility_reason=""),
                name="proposal_not_feasible_has_reason",
            ),
            models.UniqueConstraint(fields=["id", "city"], name="proposal_id_city_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Ballot(models.Model):
    """One voter's ballot in one budget: an account or a signed browser id, never both."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="ballots"
    )
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_ballots",
    )
    browser = models.CharField(max_length=64, null=True, blank=True)
    trialog_role = models.CharField(_("Trialog role"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    proposals = models.ManyToManyField(Proposal, through="BallotChoice", related_name="ballots")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["budget", "user"], name="ballot_one_per_account"),
            models.UniqueConstraint(fields=["budget", "browser"], name="ballot_one_per_browser"),
            models.CheckConstraint(
                condition=Q(user__isnull=True, browser__isnull=False)
                | Q(user__isnull=False, browser__isnull=True),
                name="ballot_account_xor_browser",
            ),
            # the target of the choices' composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="ballot_id_city_unique"),
        ]


class BallotChoice(models.Model):
    """A proposal selected on a ballot; ``budget`` repeated so that the tally reads one table."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    city = CityField(on_delete=models.PROTECT, parent="ballot")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="choices")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_choice_once")]
        indexes = [models.Index(fields=["budget", "proposal"])]
