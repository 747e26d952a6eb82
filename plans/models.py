"""Development plans (Bauleitpläne) imported from XPlanGML: a reference layer, owned by the city
the plan belongs to, linked to the areas it touches like measures and focus areas
(``quartiere.linking``)."""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from geo.crs import STORAGE_SRID
from quartiere.shard import CityField

NAME_MAX = 500
NUMBER_MAX = 100


class PlanKind(models.TextChoices):
    BP = "BP", _("Bebauungsplan (binding land-use plan)")
    FP = "FP", _("Flächennutzungsplan (preparatory land-use plan)")


class DevelopmentPlan(models.Model):
    """One ``BP_Plan`` or ``FP_Plan`` of an XPlanGML file: its identity (city, kind, number), legal
    status, dates and area (``raeumlicherGeltungsbereich``, a MultiPolygon in EPSG:25832). Written only
    by ``plans.services.xplan_import``; a re-import of the same (city, kind, number) updates it."""

    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="development_plans",
        limit_choices_to={"level": 2},
    )
    kind = models.CharField(_("kind"), max_length=2, choices=PlanKind.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    number = models.CharField(_("number"), max_length=NUMBER_MAX)
    legal_status = models.PositiveIntegerField(_("legal status (XPlanung code)"), null=True, blank=True)
    legal_status_label = models.CharField(_("legal status"), max_length=100, blank=True)
    # preparing / adopted / in_force / ended / unknown (plans.codes.GROUPS): the map's classes
    status_group = models.CharField(_("status group"), max_length=10)
    preparation_date = models.DateField(
        _("decision to prepare (Aufstellungsbeschluss)"), null=True, blank=True
    )
    # BP: inkrafttretensDatum, FP: wirksamkeitsDatum
    in_force_date = models.DateField(_("in force since"), null=True, blank=True)
    geom = models.MultiPolygonField(_("area of the plan"), srid=STORAGE_SRID)
    gml_id = models.CharField(_("GML id"), max_length=200, blank=True)
    # the AGS of each XP_Gemeinde the file names, in its order: a joint plan (a Flächennutzungsplan of
    # a Verwaltungsgemeinschaft, say) names several and has a row in each of them that is a city here
    municipalities = ArrayField(
        models.CharField(max_length=8),
        verbose_name=_("municipalities (AGS)"),
        default=list,
        blank=True,
        help_text=_("The official keys of the municipalities the plan names; a joint plan names several."),
    )
    xplan_version = models.CharField(_("XPlanGML version"), max_length=10)
    source_file = models.CharField(_("source file"), max_length=255)
    imported_at = models.DateTimeField(_("imported at"))
    updated_at = models.DateTimeField(_("updated at"))
    areas = models.ManyToManyField(
        "quartiere.Area",
        through="DevelopmentPlanArea",
        through_fields=("plan", "area"),
        related_name="linked_development_plans",
    )

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["kind", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "kind", "number"], name="development_plan_number_unique"),
            # the target of the links' composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="development_plan_id_city_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} {self.name}"


class DevelopmentPlanArea(models.Model):
    """A plan touches an area: computed in PostGIS by quartiere.linking, never edited by hand.
    ``share`` is the part of the plan's surface inside the area (m²/m²)."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="area_links")
    city = CityField(on_delete=models.PROTECT, parent="plan")
    area = models.ForeignKey(
        "quartiere.Area", on_delete=models.CASCADE, related_name="development_plan_links"
    )
    level = models.PositiveSmallIntegerField()
    share = models.FloatField()
    kind = models.CharField(max_length=10)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "area"], name="development_plan_area_unique")]
        indexes = [models.Index(fields=["area", "plan"])]
