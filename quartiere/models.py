from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from geo.crs import STORAGE_SRID


class Level(models.IntegerChoices):
    """The three spatial levels of the New Leipzig Charter; a child is exactly one level below its parent."""

    REGION = 1, _("Region")
    CITY = 2, _("City")
    QUARTIER = 3, _("Quartier")

    @classmethod
    def from_name(cls, name: str) -> "Level":
        return cls[name.upper()]

    @property
    def key(self) -> str:
        return self.name.lower()


class Area(models.Model):
    """One node of the hierarchy Region ⊃ City ⊃ Quartier.

    ``code`` is the official key: the AGS (Gemeindeschlüssel) for cities, the district key of the
    city for Quartiere. Geometry is a MultiPolygon in EPSG:25832 (metres).
    """

    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Always level - 1; with (id, level) unique it lets a composite foreign key (see the migration)
    # make the database itself guarantee "exactly one level below the parent".
    parent_level = models.GeneratedField(
        expression=F("level") - 1, output_field=models.PositiveSmallIntegerField(), db_persist=True
    )
    code = models.CharField(_("official code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    geom = models.MultiPolygonField(_("geometry"), srid=STORAGE_SRID)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="area_level_code_unique"),
            models.UniqueConstraint(
                fields=["parent", "slug"], name="area_parent_slug_unique", nulls_distinct=False
            ),
            models.UniqueConstraint(fields=["id", "level"], name="area_id_level_unique"),
            models.CheckConstraint(
                condition=Q(level=Level.REGION, parent__isnull=True)
                | Q(level__gt=Level.REGION, parent__isnull=False),
                name="area_parent_iff_not_region",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="area_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"
