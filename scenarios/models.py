"""Scenarios (docs/scenarios.md): changes to the baseline — the published measures and their budget
lines — kept apart from the published data until a decision adopts them.

- ``Scenario``: name, city, the budget it is made for, its state (draft → shared with the board →
  adopted or rejected) and the decision;
- ``ProposedMeasure`` (+ ``ProposedBudgetLine``, ``ProposedMeasureArea``): a new measure the scenario
  adds, located by geometry or by a declared scope like a measure, linked to the areas by
  ``quartiere.linking``;
- ``MeasureChange``: a published measure the scenario drops or postpones by whole years;
- ``BudgetLineChange``: a published budget line the scenario changes (amount, year) or removes, or a
  line it adds to a published measure;
- ``ScenarioComment``: what strategy board members (and planners) write about a shared scenario;
- ``ScenarioEvent``: the audit trail (created, changed, shared, commented, decided, applied).
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.crs import STORAGE_SRID
from measures.models import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    TAG_MAX_LENGTH,
    BudgetKind,
    Dimension,
    FundingSource,
    LinkKind,
)
from quartiere.shard import CityField

NAME_MAX = 200
TEXT_MAX = 5000


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    SHARED = "shared", _("shared with the strategy board")
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("rejected")


class Scenario(models.Model):
    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="scenarios",
        limit_choices_to={"level": 2},
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    budget_year = models.PositiveSmallIntegerField(
        _("budget year"),
        validators=[MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)],
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # the decision ("adopted for the 2023 budget"), who recorded it and when
    decision = models.TextField(_("decision"), blank=True, max_length=TEXT_MAX)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-budget_year", "name", "id"]
        indexes = [models.Index(fields=["city", "state"])]
        # the target of the children's composite foreign key (quartiere.shard)
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="scenario_id_city_unique")]

    def __str__(self) -> str:
        return self.name


class ProposedMeasure(models.Model):
    """A new measure of a scenario: exactly one of ``geom`` and ``scope`` (like ``measures.Measure``)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="proposed_measures")
    city = CityField(on_delete=models.PROTECT, parent="scenario")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    dimensions = ArrayField(
        models.CharField(max_length=20, choices=Dimension.choices),
        verbose_name=_("dimensions"),
        default=list,
        blank=True,
    )
    tags = ArrayField(
        models.CharField(max_length=TAG_MAX_LENGTH), verbose_name=_("tags"), default=list, blank=True
    )
    geom = models.GeometryField(_("location"), srid=STORAGE_SRID, null=True, blank=True)
    scope = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # the published measure the decision created from this one
    adopted_as = models.ForeignKey(
        "measures.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    areas = models.ManyToManyField(
        "quartiere.Area",
        through="ProposedMeasureArea",
        through_fields=("proposed_measure", "area"),
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposed measure")
        verbose_name_plural = _("proposed measures")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geom__isnull=False, scope__isnull=True)
                | Q(geom__isnull=True, scope__isnull=False),
                name="proposed_measure_geom_xor_scope",
            ),
            models.UniqueConstraint(fields=["id", "city"], name="proposed_measure_id_city_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class ProposedMeasureArea(models.Model):
    """Computed by quartiere.linking like ``measures.MeasureArea``; never edited by hand."""

    proposed_measure = models.ForeignKey(ProposedMeasure, on_delete=models.CASCADE, related_name="area_links")
    city = CityField(on_delete=models.PROTECT, parent="proposed_measure")
    area = models.ForeignKey("quartiere.Area", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    share = models.FloatField()
    kind = models.CharField(max_length=10, choices=LinkKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposed_measure", "area"], name="proposed_measure_area_unique")
        ]
        indexes = [models.Index(fields=["area", "proposed_measure"])]


class ProposedBudgetLine(models.Model):
    proposed_measure = models.ForeignKey(
        ProposedMeasure, on_delete=models.CASCADE, related_name="budget_lines"
    )
    city = CityField(on_delete=models.PROTECT, parent="proposed_measure")
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)]
    )
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetKind.choices)
    funding = models.CharField(
        _("funding source"), max_length=20, choices=FundingSource.choices, default=FundingSource.OWN
    )

    class Meta:
        verbose_name = _("proposed budget line")
        verbose_name_plural = _("proposed budget lines")
        ordering = ["fiscal_year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="proposed_budget_not_negative")
        ]


class MeasureAction(models.TextChoices):
    DROP = "drop", _("drop")
    POSTPONE = "postpone", _("postpone")


class MeasureChange(models.Model):
    """A published measure the scenario drops, or postpones by ``years`` (its budget lines move with it)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="measure_changes")
    city = CityField(on_delete=models.PROTECT, parent="scenario")
    # SET_NULL, not CASCADE: a measure deleted after the change was composed must make the adoption
    # fail with the change named (``label``), not make the change vanish unseen
    measure = models.ForeignKey("measures.Measure", on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=MeasureAction.choices)
    years = models.PositiveSmallIntegerField(_("years postponed"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    # the measure's title and version when the change was composed: the adoption refuses (409) a
    # measure changed since
    label = models.CharField(_("measure"), max_length=300, blank=True)
    target_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("change to a measure")
        verbose_name_plural = _("changes to measures")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "measure"], name="measure_change_unique"),
            models.CheckConstraint(
                condition=Q(action="drop", years__isnull=True) | Q(action="postpone", years__gte=1),
                name="measure_change_years",
            ),
        ]


class BudgetLineAction(models.TextChoices):
    CHANGE = "change", _("change")
    REMOVE = "remove", _("remove")
    ADD = "add", _("add")


class BudgetLineChange(models.Model):
    """``change``/``remove``: a published budget line (``budget_line``); ``add``: a new line of the
    published ``measure``. For ``change`` and ``add`` the new year, amount, kind and funding."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="budget_changes")
    city = CityField(on_delete=models.PROTECT, parent="scenario")
    action = models.CharField(_("action"), max_length=20, choices=BudgetLineAction.choices)
    # SET_NULL as in MeasureChange: a deleted target fails the adoption, named by ``label``
    budget_line = models.ForeignKey(
        "measures.BudgetLine", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FISCAL_YEAR_MIN), MaxValueValidator(FISCAL_YEAR_MAX)],
    )
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetKind.choices, blank=True)
    funding = models.CharField(_("funding source"), max_length=20, choices=FundingSource.choices, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    # what the change was made on (the line or the measure: its title, year, amount) and its version
    label = models.CharField(_("budget line"), max_length=400, blank=True)
    target_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("change to a budget line")
        verbose_name_plural = _("changes to budget lines")
        constraints = [
            models.CheckConstraint(
                # the target may be gone (SET_NULL): never both kinds of target
                condition=(
                    Q(action__in=["change", "remove"], measure__isnull=True)
                    | Q(action="add", budget_line__isnull=True)
                ),
                name="budget_line_change_target",
            ),
            models.UniqueConstraint(
                fields=["scenario", "budget_line"],
                condition=Q(budget_line__isnull=False),
                name="budget_line_change_unique",
            ),
        ]


class ScenarioComment(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="comments")
    city = CityField(on_delete=models.PROTECT, parent="scenario")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # the name shown with the comment (kept when the account is deleted)
    author_name = models.CharField(_("name"), max_length=200)
    body = models.TextField(_("comment"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a scenario")
        verbose_name_plural = _("comments on scenarios")
        ordering = ["created_at", "id"]


class ScenarioEvent(models.Model):
    """The audit trail of a scenario."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="events")
    city = CityField(on_delete=models.PROTECT, parent="scenario")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=TEXT_MAX)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
