from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Case, F, Q, When
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
    # The city owning the rows about this area (its indicator values): a Quartier's parent, a city or
    # the region itself. With (id, owner_city) unique it is the target of their composite foreign key.
    owner_city = models.GeneratedField(
        expression=Case(When(level=3, then=F("parent")), default=F("id")),
        output_field=models.BigIntegerField(),
        db_persist=True,
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
            models.UniqueConstraint(fields=["id", "owner_city"], name="area_id_owner_city_unique"),
            models.CheckConstraint(
                condition=Q(level=Level.REGION, parent__isnull=True)
                | Q(level__gt=Level.REGION, parent__isnull=False),
                name="area_parent_iff_not_region",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="area_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"


class PlaceKey(models.Func):
    """``qa_place_key(text)``: the search form of a name or an address (quartiere/sql/place_key.sql):
    lower case, ä→ae, ö→oe, ü→ue, ß→ss, "str." → "strasse", punctuation → one space. The one
    normalisation, in the database: stored addresses and queries go through the same function."""

    function = "qa_place_key"
    output_field = models.TextField()


class Address(models.Model):
    """One address with its point (e.g. from the official house coordinates, *Hauskoordinaten*),
    imported by ``manage.py import_addresses``. ``ref`` identifies it within its ``source``: the
    file's stable id column, or the address itself; the point is in EPSG:25832."""

    city = models.ForeignKey(Area, verbose_name=_("city"), on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(_("street"), max_length=200)
    number = models.CharField(_("house number"), max_length=20)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    point = models.PointField(_("point"), srid=STORAGE_SRID)
    source = models.CharField(_("source"), max_length=100)
    ref = models.CharField(_("reference in the source"), max_length=300)
    # what the search compares with (trigram index below)
    key = models.GeneratedField(
        expression=PlaceKey(
            models.F("street"),
            models.F("number"),
            models.F("postcode"),
            models.F("place"),
            arg_joiner=" || ' ' || ",
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["street", "number"]
        constraints = [models.UniqueConstraint(fields=["source", "ref"], name="address_source_ref_unique")]
        indexes = [GinIndex(fields=["key"], opclasses=["gin_trgm_ops"], name="address_key_trgm")]

    def __str__(self) -> str:
        return f"{self.street} {self.number}, {self.postcode} {self.place}".strip(", ")
