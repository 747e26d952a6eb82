"""Focus areas (räumliche Schwerpunkte): polygons drawn by planners, linked to the areas they overlap."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.crs import STORAGE_SRID
from measures.models import Dimension
from quartiere.shard import CityField

NAME_MAX = 200
RATIONALE_MAX = 5000

# Kept by name so that services write one historical record after the linked measures are set
# (a create with measures is one "+" record, not "+" then "~").
FOCUS_AREA_HISTORY = HistoricalRecords(m2m_fields=["measures"], excluded_fields=["updated_at"])


class Priority(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class TimeHorizon(models.TextChoices):
    SHORT = "short", _("short term (up to 2 years)")
    MEDIUM = "medium", _("medium term (2 to 5 years)")
    LONG = "long", _("long term (more than 5 years)")


class FocusArea(models.Model):
    """A Fokusgebiet: a (multi)polygon in EPSG:25832 that planners declare a spatial priority, with
    its rationale, priority, Charter dimensions, time horizon and the measures that serve it."""

    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="focus_areas",
        limit_choices_to={"level": 2},
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    rationale = models.TextField(_("rationale"), blank=True, max_length=RATIONALE_MAX)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    dimensions = ArrayField(
        models.CharField(max_length=20, choices=Dimension.choices),
        verbose_name=_("dimensions"),
        default=list,
        blank=True,
    )
    time_horizon = models.CharField(
        _("time horizon"), max_length=10, choices=TimeHorizon.choices, default=TimeHorizon.MEDIUM
    )
    measures = models.ManyToManyField(
        "measures.Measure", verbose_name=_("linked measures"), blank=True, related_name="focus_areas"
    )
    geom = models.MultiPolygonField(_("area"), srid=STORAGE_SRID)
    published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    areas = models.ManyToManyField(
        "quartiere.Area",
        through="FocusAreaArea",
        through_fields=("focus_area", "area"),
        related_name="linked_focus_areas",
    )
    history = FOCUS_AREA_HISTORY

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["city", "published"])]
        # the target of the links' composite foreign key (quartiere.shard)
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="focus_area_id_city_unique")]

    def __str__(self) -> str:
        return self.name


class FocusAreaArea(models.Model):
    """A focus area overlaps an area: computed in PostGIS by quartiere.linking, never edited by hand.
    ``share`` is the part of the focus area's surface inside the area (m²/m²)."""

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="area_links")
    city = CityField(on_delete=models.PROTECT, parent="focus_area")
    area = models.ForeignKey("quartiere.Area", on_delete=models.CASCADE, related_name="focus_area_links")
    level = models.PositiveSmallIntegerField()
    share = models.FloatField()
    kind = models.CharField(max_length=10)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["focus_area", "area"], name="focus_area_area_unique")]
        indexes = [models.Index(fields=["area", "focus_area"])]


class PrioritySnapshot(models.Model):
    """The ``priorities`` map layer's rows: the priority index of every Quartier with the default
    weights, computed once per data version by ``planning.snapshot.refresh`` (the map services call it
    through the layer's ``prepare`` hook) instead of for every tile and map. Not a record of its own:
    derived data, rebuilt whenever the inputs change."""

    quartier = models.OneToOneField(
        "quartiere.Area", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    city = models.BigIntegerField()
    population = models.IntegerField(null=True)
    score = models.FloatField(null=True)
    rank = models.IntegerField(null=True)
    score_just = models.FloatField(null=True)
    score_green = models.FloatField(null=True)
    score_productive = models.FloatField(null=True)
    demand_per_1000 = models.FloatField(null=True)
    budget_per_inhabitant = models.FloatField(null=True)
    coverage = models.FloatField(null=True)
    gaps = models.TextField(default="")


class PrioritySnapshotState(models.Model):
    """One row: the data version token and the weights the snapshot was computed for."""

    token = models.BigIntegerField()
    weights = models.TextField()
    computed_at = models.DateTimeField(auto_now=True)


WEIGHT_MAX = 1000.0


class Weighting(models.Model):
    """A named, saved weighting of the priority index for one city (docs/priorities.md): the weights
    of the four components (indicators = evidence, participation demand, planned supply, focus-area
    coverage), of the contribution categories within the demand, and of the chosen indicators
    (``WeightingIndicator``: an indicator with a weight > 0 is chosen). Exactly one weighting per city
    is its default: the map layer and the pages without ``?weighting=`` use it."""

    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        related_name="weightings",
        limit_choices_to={"level": 2},
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_default = models.BooleanField(_("default"), default=False)
    w_indicators = models.FloatField(_("weight of the indicators"), default=1.0)
    w_demand = models.FloatField(_("weight of the participation demand"), default=0.5)
    w_supply = models.FloatField(_("weight of the planned supply"), default=0.3)
    w_coverage = models.FloatField(_("weight of the focus-area coverage"), default=0.2)
    category_weights = models.JSONField(_("weights of the contribution categories"), default=dict, blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", through="WeightingIndicator", related_name="weightings", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("weighting")
        verbose_name_plural = _("weightings")
        ordering = ["city", "-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="weighting_slug_unique"),
            models.UniqueConstraint(
                fields=["city"], condition=models.Q(is_default=True), name="weighting_one_default"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    w_indicators__gte=0,
                    w_demand__gte=0,
                    w_supply__gte=0,
                    w_coverage__gte=0,
                    w_indicators__lte=WEIGHT_MAX,
                    w_demand__lte=WEIGHT_MAX,
                    w_supply__lte=WEIGHT_MAX,
                    w_coverage__lte=WEIGHT_MAX,
                ),
                name="weighting_weights_range",
            ),
            # the target of the chosen indicators' composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="weighting_id_city_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class WeightingIndicator(models.Model):
    """An indicator chosen by a weighting, with its weight (> 0)."""

    weighting = models.ForeignKey(Weighting, on_delete=models.CASCADE, related_name="indicator_weights")
    city = CityField(on_delete=models.CASCADE, parent="weighting")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField(_("weight"))

    class Meta:
        ordering = ["weighting", "indicator__dimension", "indicator__key"]
        constraints = [
            models.UniqueConstraint(fields=["weighting", "indicator"], name="weighting_indicator_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=WEIGHT_MAX), name="weighting_indicator_weight"
            ),
        ]
