"""Strategy tree (action fields, strategic goals, master plans), measures and their budget lines."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.crs import STORAGE_SRID
from quartiere.shard import CityField

FISCAL_YEAR_MIN = 2000
FISCAL_YEAR_MAX = 2100
# a measure's tags: short free words to find it by (measures.services.measure_check normalises them)
TAG_MAX_LENGTH = 40
TAGS_MAX = 20


class Dimension(models.TextChoices):
    """The three dimensions of the New Leipzig Charter 2020."""

    JUST = "just", _("just")
    GREEN = "green", _("green")
    PRODUCTIVE = "productive", _("productive")


class Principle(models.TextChoices):
    """The five key principles of the New Leipzig Charter 2020."""

    COMMON_GOOD = "common_good", _("common-good orientation")
    INTEGRATED = "integrated", _("integrated approach")
    PARTICIPATION = "participation", _("participation and co-creation")
    MULTI_LEVEL = "multi_level", _("multi-level governance")
    PLACE_BASED = "place_based", _("place-based approach")


class ActionField(models.Model):
    """Handlungsfeld of the city's strategy."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action field")
        verbose_name_plural = _("action fields")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class StrategicGoal(models.Model):
    """A numbered strategic goal of an action field, with its text."""

    action_field = models.ForeignKey(
        ActionField, verbose_name=_("action field"), on_delete=models.PROTECT, related_name="goals"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")
        ordering = ["action_field__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["action_field", "number"], name="goal_number_unique_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.action_field.name} {self.number}. {self.title}"


# Kept by name so that services can write one historical record with the action fields
# (measures.strategy_services: a create with fields is one "+" record, not "+" then "~").
MASTER_PLAN_HISTORY = HistoricalRecords(m2m_fields=["action_fields"])


class MasterPlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")
    IN_REVISION = "in_revision", _("in revision")
    REPEALED = "repealed", _("repealed")


class MasterPlan(models.Model):
    """Masterplan: a sectoral plan adopted by the council, covering action fields."""

    title = models.CharField(_("title"), max_length=300)
    version = models.CharField(_("version"), max_length=50, blank=True)
    year_adopted = models.PositiveSmallIntegerField(
        _("year adopted"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(FISCAL_YEAR_MAX)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MasterPlanStatus.choices, default=MasterPlanStatus.DRAFT
    )
    action_fields = models.ManyToManyField(
        ActionField, verbose_name=_("action fields"), blank=True, related_name="master_plans"
    )
    history = MASTER_PLAN_HISTORY

    class Meta:
        verbose_name = _("master plan")
        verbose_name_plural = _("master plans")
        ordering = ["title", "version"]

    def __str__(self) -> str:
        return f"{self.title} {self.version}".strip()


# Kept by name so that services can write one historical record after the many-to-many fields are
# set (a create with goals is one "+" record, not "+" then "~").
MEASURE_HISTORY = HistoricalRecords(m2m_fields=["strategic_goals"], excluded_fields=["updated_at"])


class MeasureStatus(models.TextChoices):
    """idea → planned → decided → in progress → done, or stopped (transitions: measures.services)."""

    IDEA = "idea", _("idea")
    PLANNED = "planned", _("planned")
    DECIDED = "decided", _("decided")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    STOPPED = "stopped", _("stopped")


class Measure(models.Model):
    """A planning measure (Maßnahme). Located by a geometry of any type in EPSG:25832, or, for a
    programme without a place, by a declared scope area (city- or region-wide): exactly one of both.
    ``city`` is the measure's owner: a city, or for a regional measure (planned by the region's own
    staff) the region; it is the shard key of the measure and every row below it."""

    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="measures",
        limit_choices_to={"level__in": (1, 2)},
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    rationale = models.TextField(
        _("rationale"), blank=True, max_length=20_000, help_text=_("why the measure is needed")
    )
    tags = ArrayField(
        models.CharField(max_length=TAG_MAX_LENGTH),
        verbose_name=_("tags"),
        size=TAGS_MAX,
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.IDEA
    )
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    principles = ArrayField(
        models.CharField(max_length=20, choices=Principle.choices),
        verbose_name=_("principles"),
        default=list,
        blank=True,
    )
    dimensions = ArrayField(
        models.CharField(max_length=20, choices=Dimension.choices),
        verbose_name=_("dimensions"),
        default=list,
        blank=True,
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("strategic goals"), blank=True, related_name="measures"
    )
    master_plan = models.ForeignKey(
        MasterPlan,
        verbose_name=_("master plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    geom = models.GeometryField(_("location"), srid=STORAGE_SRID, null=True, blank=True)
    scope = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scoped_measures",
        help_text=_("for a programme without a place: the area it applies to"),
    )
    published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    areas = models.ManyToManyField(
        "quartiere.Area",
        through="MeasureArea",
        through_fields=("measure", "area"),
        related_name="linked_measures",
    )
    history = MEASURE_HISTORY

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geom__isnull=True, scope__isnull=False)
                | Q(geom__isnull=False, scope__isnull=True),
                name="measure_geom_xor_scope",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="measure_dates_ordered",
            ),
            # the target of the children's composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="measure_id_city_unique"),
        ]
        indexes = [
            models.Index(fields=["city", "status"]),
            models.Index(fields=["published"]),
            # the layers by geometry type serve ST_Multi(geom) (measures/layers.py): their bbox filters
            GistIndex(
                models.Func(
                    "geom", function="ST_Multi", output_field=models.GeometryField(srid=STORAGE_SRID)
                ),
                name="measure_geom_multi",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LinkKind(models.TextChoices):
    """How a measure reaches an area (see docs/linking.md)."""

    GEOMETRY = "geometry", _("by geometry")
    SCOPE = "scope", _("by declared scope")
    # the area lies above the declared scope: a Quartier's programme is also located in its city
    ENCLOSING = "enclosing", _("enclosing the declared scope")


class MeasureArea(models.Model):
    """A measure touches an area: computed in PostGIS by quartiere.linking, never edited by hand.
    ``share`` is the part of the measure's geometry in the area (length share for lines, area share
    for polygons, 1 for points and scopes)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="area_links")
    city = CityField(on_delete=models.PROTECT, parent="measure")
    area = models.ForeignKey("quartiere.Area", on_delete=models.CASCADE, related_name="measure_links")
    level = models.PositiveSmallIntegerField()
    share = models.FloatField()
    kind = models.CharField(max_length=10, choices=LinkKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "area"], name="measure_area_unique")]
        # covering: the readers by area (the priority index, profiles) find measure, share and level
        # in the index alone, not in link rows scattered over the table (a city among 200)
        indexes = [
            models.Index(
                fields=["area", "measure"], include=["share", "level"], name="measurearea_area_covering"
            )
        ]


class BudgetKind(models.TextChoices):
    INVESTMENT = "investment", _("investment")
    MAINTENANCE = "maintenance", _("maintenance")
    OPERATING = "operating", _("operating")


class FundingSource(models.TextChoices):
    OWN = "own", _("own funds")
    GRANT = "grant", _("grant")
    COMPLEMENTARY = "complementary", _("complementary funds")


class BudgetStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    APPROVED = "approved", _("approved")
    SPENT = "spent", _("spent")


class BudgetLine(models.Model):
    """An amount in EUR for a measure in one fiscal year (Haushaltsjahr)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    city = CityField(on_delete=models.PROTECT, parent="measure")
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
    status = models.CharField(
        _("status"), max_length=20, choices=BudgetStatus.choices, default=BudgetStatus.PLANNED
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["fiscal_year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=FISCAL_YEAR_MIN, fiscal_year__lte=FISCAL_YEAR_MAX),
                name="budget_fiscal_year_range",
            ),
        ]
        indexes = [models.Index(fields=["measure", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.fiscal_year}: {self.amount} EUR"


class MeasurePaper(models.Model):
    """A council paper (``council.Paper``) that decided or concerns a measure; linked by planners
    (measures.paper_links), within the measure's city. The row follows the measure's city."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="paper_links")
    city = CityField(on_delete=models.PROTECT, parent="measure")
    paper = models.ForeignKey("council.Paper", on_delete=models.CASCADE, related_name="measure_links")
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("council paper of a measure")
        verbose_name_plural = _("council papers of measures")
        constraints = [models.UniqueConstraint(fields=["measure", "paper"], name="measure_paper_unique")]
        indexes = [models.Index(fields=["paper", "measure"])]

    def __str__(self) -> str:
        return f"{self.measure_id} → {self.paper_id}"


class MasterPlanPaper(models.Model):
    """A council paper about a master plan (e.g. its adoption). Master plans are shared by every city;
    the row belongs to the paper's city (it follows the paper)."""

    master_plan = models.ForeignKey(MasterPlan, on_delete=models.CASCADE, related_name="paper_links")
    city = CityField(on_delete=models.PROTECT, parent="paper")
    paper = models.ForeignKey("council.Paper", on_delete=models.CASCADE, related_name="master_plan_links")
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("council paper of a master plan")
        verbose_name_plural = _("council papers of master plans")
        constraints = [
            models.UniqueConstraint(fields=["master_plan", "paper"], name="master_plan_paper_unique")
        ]
        indexes = [models.Index(fields=["paper", "master_plan"])]

    def __str__(self) -> str:
        return f"{self.master_plan_id} → {self.paper_id}"
