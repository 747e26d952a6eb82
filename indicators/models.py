"""The indicator catalogue and its values (docs/indicators.md).

- ``Indicator``: what is measured — key, names, unit, Charter dimension, direction (whether a higher
  value means more need or less), source, licence, reference date.
- ``IndicatorValue``: one value of an indicator for one area (any level of the hierarchy) and year,
  with a note on its quality.
- ``ReferenceLayer`` / ``ReferenceFeature``: geodata staff import with ``manage.py import_layer``
  (any GDAL format), in EPSG:25832.
- ``SpatialIndicator``: an indicator whose values PostGIS computes from a reference layer and the
  areas (share of the area covered, m² per inhabitant, count per 1,000 inhabitants, share of the area
  within a distance of a feature).
"""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.crs import STORAGE_SRID
from measures.models import Dimension
from quartiere.shard import CityField

KEY_MAX = 60
NAME_MAX = 200
YEAR_MIN = 1900
YEAR_MAX = 2100


class Direction(models.TextChoices):
    MORE_NEED = "more_need", _("a higher value means more need")
    LESS_NEED = "less_need", _("a higher value means less need")


class Quality(models.TextChoices):
    MEASURED = "measured", _("measured")
    ESTIMATED = "estimated", _("estimated")
    PROVISIONAL = "provisional", _("provisional")
    COMPUTED = "computed", _("computed from a reference layer")


class Indicator(models.Model):
    key = models.SlugField(_("key"), max_length=KEY_MAX, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=NAME_MAX)
    name_en = models.CharField(_("name (English)"), max_length=NAME_MAX)
    unit = models.CharField(_("unit"), max_length=50)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    # demo and test data say so wherever they are shown
    illustrative = models.BooleanField(_("illustrative data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["dimension", "key"]

    def __str__(self) -> str:
        return self.key

    def name_in(self, language: str) -> str:
        return self.name_en if language[:2] == "en" else self.name_de


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    area = models.ForeignKey(
        "quartiere.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="indicator_values"
    )
    # the owner of the area's values: a Quartier's city, a city or the region itself (Area.owner_city)
    city = CityField(on_delete=models.CASCADE, parent="area", parent_city="owner_city")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))
    quality = models.CharField(_("quality"), max_length=20, choices=Quality.choices, default=Quality.MEASURED)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "area", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "year"], name="indicator_value_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="indicator_value_year_range"
            ),
            # NaN and ±infinity are no values (PostgreSQL orders NaN above every number)
            models.CheckConstraint(
                condition=Q(value__gt=float("-inf"), value__lt=float("inf")), name="indicator_value_finite"
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "year"]),
            models.Index(fields=["area", "indicator", "year"]),
        ]


class ReferenceLayer(models.Model):
    """A layer of geodata imported by ``manage.py import_layer PATH --name NAME``."""

    name = models.SlugField(_("name"), max_length=KEY_MAX, unique=True)
    title = models.CharField(_("title"), max_length=NAME_MAX)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    attribution = models.CharField(_("attribution"), max_length=300, blank=True)
    # the year the data describe; computed indicator values are stored for it
    year = models.PositiveSmallIntegerField(_("year"))
    illustrative = models.BooleanField(_("illustrative data"), default=False)
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("reference layer")
        verbose_name_plural = _("reference layers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceFeature(models.Model):
    layer = models.ForeignKey(ReferenceLayer, on_delete=models.CASCADE, related_name="features")
    ref = models.CharField(_("reference in the source"), max_length=300)
    geom = models.GeometryField(_("geometry"), srid=STORAGE_SRID)
    properties = models.JSONField(_("properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reference feature")
        verbose_name_plural = _("reference features")
        constraints = [models.UniqueConstraint(fields=["layer", "ref"], name="reference_feature_unique")]


class SpatialMethod(models.TextChoices):
    AREA_SHARE = "area_share", _("share of the area covered (%)")
    AREA_PER_INHABITANT = "area_per_inhabitant", _("m² per inhabitant")
    COUNT_PER_1000 = "count_per_1000", _("count per 1,000 inhabitants")
    SHARE_WITHIN = "share_within", _("share of the area within a distance of a feature (%)")


class SpatialIndicator(models.Model):
    """How PostGIS computes ``indicator`` from ``layer``; values are stored as IndicatorValue rows of
    the layer's year (quality 'computed') and recomputed when the layer or the areas change."""

    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="spatial")
    layer = models.ForeignKey(ReferenceLayer, on_delete=models.PROTECT, related_name="indicators")
    method = models.CharField(_("method"), max_length=30, choices=SpatialMethod.choices)
    distance = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spatial indicator")
        verbose_name_plural = _("spatial indicators")
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="share_within") | Q(distance__gt=0), name="spatial_indicator_distance"
            )
        ]
