"""The council information system's objects as OParl 1.1 describes them, kept as far as planning needs
them: the body (a city's council, mapped to the city by its AGS), its organizations (committees), the
meetings with their agenda items, the papers (Vorlagen) with their consultations (where a paper was
discussed and with what role) and the metadata of their files.

Every object is keyed by its OParl ``id`` (a URL, unique) and keeps the spec's ``modified`` and
``deleted``: a deleted object stays as a marker (hidden from every page) so that links to it do not
break. References between objects are kept as the OParl URLs they are in the source (``*_ref``) and
joined on read: an incremental import may bring a paper before the meeting it names.

City-owned (docs/multi-city.md): a body carries its city; every other row follows its body's (or
paper's, meeting's) city through ``quartiere.shard.CityField``."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartiere.shard import CityField

OPARL_ID_LENGTH = 500


class OParlObject(models.Model):
    """What every imported object has: its OParl id URL, the source's times and the deleted marker."""

    oparl_id = models.URLField(_("OParl id"), max_length=OPARL_ID_LENGTH, unique=True)
    created = models.DateTimeField(_("created (source)"), null=True, blank=True)
    modified = models.DateTimeField(_("modified (source)"), null=True, blank=True)
    deleted = models.BooleanField(_("deleted in the source"), default=False)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        abstract = True


class Body(OParlObject):
    """An OParl body (Körperschaft): a city's council; ``city`` found by its AGS."""

    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="council_bodies"
    )
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    ags = models.CharField(_("municipality key (AGS)"), max_length=12, blank=True)
    web = models.URLField(_("web page"), max_length=OPARL_ID_LENGTH, blank=True)

    class Meta:
        verbose_name = _("council body")
        verbose_name_plural = _("council bodies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="council_body_id_city_unique")]

    def __str__(self) -> str:
        return self.name


class SyncState(models.Model):
    """The last successful import of a body: ``synced_at`` (the time the run started, so nothing changed
    during the run is missed) is the next run's ``modified_since``."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="sync_state")
    source = models.URLField(_("source URL"), max_length=OPARL_ID_LENGTH)
    synced_at = models.DateTimeField(_("last successful import (start)"))
    objects_seen = models.PositiveIntegerField(_("objects of the last import"), default=0)

    class Meta:
        verbose_name = _("import state")
        verbose_name_plural = _("import states")

    def __str__(self) -> str:
        return f"{self.body} {self.synced_at:%Y-%m-%d %H:%M}"


class Organization(OParlObject):
    """An organization of the body: a committee (Ausschuss), the council itself, a faction."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="organizations")
    city = CityField(on_delete=models.PROTECT, parent="body")
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    classification = models.CharField(_("classification"), max_length=200, blank=True)
    organization_type = models.CharField(_("type"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(OParlObject):
    """A meeting (Sitzung) of one or more organizations."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    city = CityField(on_delete=models.PROTECT, parent="body")
    name = models.CharField(_("name"), max_length=300, blank=True)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    organization_refs = ArrayField(
        models.URLField(max_length=OPARL_ID_LENGTH), verbose_name=_("organizations"), default=list, blank=True
    )
    web = models.URLField(_("web page"), max_length=OPARL_ID_LENGTH, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("council information system", "meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start", "id"]
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="council_meeting_id_city_unique")]

    def __str__(self) -> str:
        return self.name


class AgendaItem(OParlObject):
    """An item of a meeting's agenda (Tagesordnungspunkt) with its result (e.g. "Beschlossen")."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    city = CityField(on_delete=models.PROTECT, parent="meeting")
    number = models.CharField(_("number"), max_length=50, blank=True)
    order = models.IntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=1000, blank=True)
    public = models.BooleanField(_("public"), default=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    resolution_text = models.TextField(_("resolution"), blank=True, max_length=50_000)
    consultation_ref = models.URLField(
        pgettext_lazy("council information system", "consultation"), max_length=OPARL_ID_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        indexes = [models.Index(fields=["consultation_ref"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Paper(OParlObject):
    """A paper (Vorlage, Drucksache): what the council decides on. ``reference`` is the paper's number
    as the council writes it (e.g. "354/20")."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="papers")
    city = CityField(on_delete=models.PROTECT, parent="body")
    name = models.CharField(_("title"), max_length=1000, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    paper_type = models.CharField(_("type"), max_length=200, blank=True)
    web = models.URLField(_("web page"), max_length=OPARL_ID_LENGTH, blank=True)

    class Meta:
        verbose_name = _("council paper")
        verbose_name_plural = _("council papers")
        ordering = ["-date", "reference", "id"]
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="council_paper_id_city_unique")]
        indexes = [models.Index(fields=["city", "reference"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}".strip()


class PaperConsultation(OParlObject):
    """Where a paper was discussed (OParl ``Consultation``): the meeting, the agenda item, the
    organizations, the role (e.g. "Beschlussfassung", "Vorberatung") and whether it decided."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="consultations")
    city = CityField(on_delete=models.PROTECT, parent="paper")
    meeting_ref = models.URLField(
        pgettext_lazy("council information system", "meeting"), max_length=OPARL_ID_LENGTH, blank=True
    )
    agenda_item_ref = models.URLField(_("agenda item"), max_length=OPARL_ID_LENGTH, blank=True)
    organization_refs = ArrayField(
        models.URLField(max_length=OPARL_ID_LENGTH), verbose_name=_("organizations"), default=list, blank=True
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    authoritative = models.BooleanField(_("authoritative"), default=False)

    class Meta:
        verbose_name = _("consultation of a paper")
        verbose_name_plural = _("consultations of papers")

    def __str__(self) -> str:
        return self.role or self.oparl_id


class FileRole(models.TextChoices):
    MAIN = "main", _("main file")
    AUXILIARY = "auxiliary", _("attachment")


class PaperFile(OParlObject):
    """A paper's file: metadata and its address only, never the content. One file may belong to
    several papers in OParl: unique per paper."""

    oparl_id = models.URLField(_("OParl id"), max_length=OPARL_ID_LENGTH)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="files")
    city = CityField(on_delete=models.PROTECT, parent="paper")
    role = models.CharField(_("role"), max_length=20, choices=FileRole.choices, default=FileRole.AUXILIARY)
    name = models.CharField(_("name"), max_length=1000, blank=True)
    file_name = models.CharField(_("file name"), max_length=500, blank=True)
    mime_type = models.CharField(_("media type"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    access_url = models.URLField(_("access URL"), max_length=OPARL_ID_LENGTH)
    download_url = models.URLField(_("download URL"), max_length=OPARL_ID_LENGTH, blank=True)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["role", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "oparl_id"], name="council_file_unique_per_paper")
        ]

    def __str__(self) -> str:
        return self.name or self.file_name or self.oparl_id
