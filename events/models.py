"""Events of a consultation (Veranstaltungen: meetings, walks, workshops, information evenings): place
(EPSG:25832), time, accessibility information and registration with a limit. ``Registration.email`` is
private (confirmation and cancellation only); no IP address is ever stored."""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.crs import STORAGE_SRID
from quartiere.shard import CityField

TITLE_MAX = 200
TEXT_MAX = 5000
NAME_MAX = 60
PEOPLE_MAX = 5  # one registration brings at most this many people
CAPACITY_MAX = 10_000


class Kind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    WALK = "walk", _("walk")
    WORKSHOP = "workshop", _("workshop")
    INFORMATION = "information", _("information evening")
    OTHER = "other", _("other")


class Event(models.Model):
    """A Veranstaltung of a consultation. ``capacity`` None: no registration needed. ``sequence`` is the
    iCalendar SEQUENCE, bumped by every change so that calendar apps take the new version."""

    consultation = models.ForeignKey(
        "participation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    # direct reference to the city (sharding key of the scaling plan)
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    geom = models.PointField(_("location"), srid=STORAGE_SRID, null=True, blank=True)
    online_url = models.URLField(_("online link"), blank=True, max_length=500)
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language = models.BooleanField(_("sign language interpreting"), default=False)
    childcare = models.BooleanField(_("childcare"), default=False)
    accessibility_note = models.CharField(
        _("accessibility, further information"), max_length=1000, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITY_MAX)],
        help_text=_("empty: no registration needed"),
    )
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_note = models.CharField(_("note on the cancellation"), max_length=1000, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["city", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="event_title_not_empty"),
            # the target of the registrations' composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="event_id_city_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_past(self, at=None) -> bool:
        return self.ends_at <= (at or timezone.now())

    def registration_open(self, at=None) -> bool:
        """Whether registrations are taken now (seats aside): a capacity, not cancelled, not begun,
        before the deadline."""
        at = at or timezone.now()
        if self.capacity is None or self.cancelled or at >= self.starts_at:
            return False
        return self.registration_closes_at is None or at < self.registration_closes_at

    def accessibility(self) -> list[str]:
        """The accessibility features offered, in words of the active language."""
        features = [
            (self.step_free, _("step-free access")),
            (self.hearing_loop, _("hearing loop")),
            (self.sign_language, _("sign language interpreting")),
            (self.childcare, _("childcare")),
        ]
        return [str(label) for offered, label in features if offered]


class Registration(models.Model):
    """A registration (Anmeldung) for an event: a name or pseudonym shown to the organisers, a private
    email for the confirmation and the cancellation link (only the SHA-256 of its token is stored),
    1–5 people. Optionally the account that registered (GDPR export/erasure)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    city = CityField(on_delete=models.PROTECT, parent="event")
    name = models.CharField(_("name or pseudonym"), max_length=NAME_MAX)
    email = models.EmailField(_("email (private)"))
    people = models.PositiveSmallIntegerField(
        _("number of people"), default=1, validators=[MinValueValidator(1), MaxValueValidator(PEOPLE_MAX)]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people__gte=1, people__lte=PEOPLE_MAX), name="registration_people_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.people})"
