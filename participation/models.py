"""Consultations (Beteiligungsverfahren), contributions (Beiträge) pinned on a map, supports, flags,
official responses and the moderation log. Geometry in EPSG:25832; no IP address is ever stored."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.crs import STORAGE_SRID
from quartiere.shard import CityField
from staff.models import TrialogRole

TRIALOG_ROLES = TrialogRole.Kind.choices

TEXT_MAX = 2000
PSEUDONYM_MAX = 60
REASON_MAX = 500
RESPONSE_MAX = 5000


class Category(models.TextChoices):
    IDEA = "idea", _("idea")
    PROBLEM = "problem", _("problem")
    PRAISE = "praise", _("praise")
    QUESTION = "question", _("question")


def default_categories() -> list[str]:
    return list(Category.values)


class Origin(models.TextChoices):
    """The three partners of the Trialog."""

    CIVIL_SOCIETY = "civil_society", _("civil society")
    COUNCIL = "council", _("council")
    ADMINISTRATION = "administration", _("administration")


class Moderation(models.TextChoices):
    PRE = "pre", _("pre-moderation: published after review")
    POST = "post", _("post-moderation: published at once, reviewed later")


class TargetGroup(models.TextChoices):
    """Whom a consultation addresses in particular (the participation concept's orientation to target
    groups); "everyone" for a consultation open to all alike."""

    EVERYONE = "everyone", _("everyone")
    YOUNG_PEOPLE = "young_people", _("young people")
    FAMILIES = "families", _("families")
    SENIORS = "seniors", _("seniors")
    BUSINESSES = "businesses", _("businesses")
    CIVIL_SOCIETY = "civil_society", _("associations and initiatives")
    COUNCIL = "council", _("council")


EVALUATION_MAX = 10_000
THEME_MAX = 40  # a theme is a short tag, e.g. "Klima" or "Radverkehr"


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")
    HIDDEN = "hidden", _("hidden")


class Phase(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    EVALUATED = "evaluated", _("evaluated")


class Process(models.Model):
    """A participation process (e.g. "Ludwigsburg geht weiter"): related consultations shown together,
    each one a step of it."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="processes",
        limit_choices_to={"level": 2},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["title", "id"]
        # the target of the consultations' composite foreign key (quartiere.shard)
        constraints = [models.UniqueConstraint(fields=["id", "city"], name="process_id_city_unique")]

    def __str__(self) -> str:
        return self.title


class Consultation(models.Model):
    """A Beteiligungsverfahren: contributions may be pinned inside its area during its time window.
    The area is either an existing area of the hierarchy or a polygon of its own (EPSG:25832)."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    city = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="consultations",
        limit_choices_to={"level": 2},
    )
    area = models.ForeignKey(
        "quartiere.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="area_consultations",
        help_text=_("an existing area, or draw a polygon below"),
    )
    geom = models.MultiPolygonField(_("own polygon"), srid=STORAGE_SRID, null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    categories = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        verbose_name=_("categories"),
        default=default_categories,
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PRE
    )
    allow_anonymous = models.BooleanField(_("anonymous contributions allowed"), default=True)
    generalise_m = models.PositiveIntegerField(
        _("generalise published locations to a grid of (m)"),
        default=0,
        help_text=_("0 publishes the exact location"),
    )
    themes = ArrayField(
        models.CharField(max_length=THEME_MAX),
        verbose_name=_("themes"),
        default=list,
        blank=True,
        help_text=_("short tags, e.g. climate, cycling"),
    )
    target_groups = ArrayField(
        models.CharField(max_length=20, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    measures = models.ManyToManyField(
        "measures.Measure", verbose_name=_("linked measures"), blank=True, related_name="consultations"
    )
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    # the map-pin format (participation.formats): whether /karte/ takes contributions in it
    # db_default: rows written by raw SQL (the benchmarks' generators) get it too
    pins = models.BooleanField(_("map pins"), default=True, db_default=True)
    # the evaluation after closing: what was decided (plain text), public once published
    evaluation = models.TextField(_("evaluation"), blank=True, max_length=EVALUATION_MAX, db_default="")
    evaluation_published_at = models.DateTimeField(_("evaluation published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[measures])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=True, geom__isnull=False) | Q(area__isnull=False, geom__isnull=True),
                name="consultation_area_xor_geom",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_window_ordered"
            ),
            models.CheckConstraint(condition=~Q(categories=[]), name="consultation_has_categories"),
            # the target of the children's composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="consultation_id_city_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def phase(self, at=None) -> str:
        """planned (not yet open), open, closed, evaluated (closed, with a published evaluation)."""
        at = at or timezone.now()
        if at < self.opens_at:
            return Phase.PLANNED
        if at < self.closes_at:
            return Phase.OPEN
        return Phase.EVALUATED if self.evaluation_published_at else Phase.CLOSED

    def target_group_labels(self) -> list[str]:
        """The target groups' names in the active language, in the list's order."""
        return [str(TargetGroup(group).label) for group in self.target_groups if group in TargetGroup.values]


class Contribution(models.Model):
    """A Beitrag: a point (EPSG:25832) with plain text. ``email`` is private (notifications only);
    ``delete_token_hash`` is the SHA-256 of the secret deletion link shown once to the contributor."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT, related_name="contributions"
    )
    # direct reference to the city (sharding key of the scaling plan)
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    geom = models.PointField(_("location"), srid=STORAGE_SRID)
    # The location as published: ``geom`` snapped to the consultation's grid (``generalise_m``), or
    # ``geom`` itself. Database triggers (sql/public_location.sql) set it on every write of the point
    # and every change of the consultation's generalisation: a value written from Python is ignored.
    # Its own GiST index answers the bbox filters of the API and the map services.
    geom_public = models.PointField(_("published location"), srid=STORAGE_SRID, editable=False)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.CIVIL_SOCIETY
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=PSEUDONYM_MAX, blank=True)
    email = models.EmailField(_("email (private)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    # the author's verified Trialog role when it was written (staff.trialog.role_of): its public mark
    trialog_role = models.CharField(
        _("Trialog role"),
        max_length=20,
        choices=TRIALOG_ROLES,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField(_("reason for rejection"), max_length=REASON_MAX, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    delete_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    measures = models.ManyToManyField(
        "measures.Measure", verbose_name=_("linked measures"), blank=True, related_name="contributions"
    )
    areas = models.ManyToManyField(
        "quartiere.Area",
        through="ContributionArea",
        through_fields=("contribution", "area"),
        related_name="linked_contributions",
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["consultation", "status"]),
            models.Index(Upper("email"), name="contribution_email_upper"),
            # the public reads (map layer, API) ask for the published ones in a box: with many cities
            # the planner otherwise ANDs the spatial index with a status index covering most rows
            GistIndex(
                fields=["geom_public"], condition=Q(status="published"), name="contribution_published_geom"
            ),
            # the readers that come from link rows (the priority index's demand per Quartier) find a
            # published contribution's category in the index alone (one heap page per row otherwise)
            models.Index(
                fields=["id"],
                include=["category"],
                condition=Q(status="published"),
                name="contribution_published_id",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="contribution_rejected_has_reason",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="contribution_text_not_empty"),
            models.UniqueConstraint(fields=["id", "city"], name="contribution_id_city_unique"),
        ]
        permissions = [
            ("moderate_contribution", _("Can moderate contributions")),
            ("respond_contribution", _("Can answer contributions officially")),
            ("export_contribution", _("Can export contributions")),
            ("view_personal_data", _("Can see contributors' email addresses")),
            ("set_official_origin", _("Can set council or administration as origin")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:60]}"


class ContributionArea(models.Model):
    """A contribution lies in an area: computed in PostGIS by quartiere.linking, never edited by hand."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="area_links")
    city = CityField(on_delete=models.PROTECT, parent="contribution")
    area = models.ForeignKey("quartiere.Area", on_delete=models.CASCADE, related_name="contribution_links")
    level = models.PositiveSmallIntegerField()
    share = models.FloatField()
    kind = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contribution", "area"], name="contribution_area_unique")
        ]
        indexes = [models.Index(fields=["area", "contribution"])]


def _one_supporter(prefix: str) -> list[models.BaseConstraint]:
    """Exactly one of user and browser; one row per person and contribution."""
    return [
        models.CheckConstraint(
            condition=Q(user__isnull=True, browser__isnull=False)
            | Q(user__isnull=False, browser__isnull=True),
            name=f"{prefix}_user_xor_browser",
        ),
        models.UniqueConstraint(
            fields=["contribution", "user"], condition=Q(user__isnull=False), name=f"{prefix}_once_per_user"
        ),
        models.UniqueConstraint(
            fields=["contribution", "browser"],
            condition=Q(browser__isnull=False),
            name=f"{prefix}_once_per_browser",
        ),
    ]


class Support(models.Model):
    """Unterstützung: one per account, or per browser (a random id in a signed cookie)."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="supports")
    city = CityField(on_delete=models.PROTECT, parent="contribution")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    browser = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = _one_supporter("support")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("spam or advertising")
    OFFENSIVE = "offensive", _("offensive or discriminating")
    PERSONAL_DATA = "personal_data", _("reveals personal data")
    OFF_TOPIC = "off_topic", _("off topic")
    OTHER = "other", _("other")


class Flag(models.Model):
    """An abuse report. Unreviewed flags count towards hiding the contribution (setting
    ``PARTICIPATION_FLAG_THRESHOLD``); a moderator's review sets ``reviewed_at``.

    An anonymous report carries, besides its browser, ``client``: the keyed, rotating hash of the
    client's address (participation.privacy.ip_hash), never the address. One report per contribution
    and client, so a client that drops its cookies still counts once; the hash is cleared once the
    key has rotated past it (participation.services.flag_add)."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="flags")
    city = CityField(on_delete=models.PROTECT, parent="contribution")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=REASON_MAX, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    browser = models.CharField(max_length=64, null=True, blank=True)
    client = models.CharField(max_length=32, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            *_one_supporter("flag"),
            models.UniqueConstraint(
                fields=["contribution", "client"],
                condition=Q(user__isnull=True, client__isnull=False),
                name="flag_once_per_client",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "created_at"], name="flag_client_created"),
            models.Index(fields=["contribution", "reviewed_at"], name="flag_contribution_review"),
        ]


class Outcome(models.TextChoices):
    CONSIDERED = "considered", _("will be considered")
    MEASURE = "measure", _("taken into a measure")
    NOT_FEASIBLE = "not_feasible", _("not feasible")
    DONE = "done", _("already done")


class Response(models.Model):
    """Stellungnahme der Verwaltung: the official answer to a contribution."""

    contribution = models.OneToOneField(Contribution, on_delete=models.CASCADE, related_name="response")
    city = CityField(on_delete=models.PROTECT, parent="contribution")
    text = models.TextField(_("text"), max_length=RESPONSE_MAX)
    unit = models.CharField(_("unit"), max_length=200)
    date = models.DateField(_("date"), default=timezone.localdate)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contribution_responses",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("official response")
        verbose_name_plural = _("official responses")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.text[:60]}"


class Action(models.TextChoices):
    PUBLISH = "publish", _("published")
    REJECT = "reject", _("rejected")
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("restored")
    AUTO_HIDE = "auto_hide", _("hidden automatically after flags")
    CONFIRM_HIDE = "confirm_hide", _("hiding confirmed after review")
    DISMISS_FLAGS = "dismiss_flags", _("flags dismissed")
    RESPOND = "respond", _("official response")
    LINK_MEASURES = "link_measures", _("measures linked")
    DELETE_OWN = "delete_own", _("deleted by its contributor")
    ERASE = "erase", _("erased on request")


class ModerationEvent(models.Model):
    """The audit log of moderation: who, when, what. ``contribution_id`` is no foreign key so the
    log outlives a deleted contribution (it keeps no personal data)."""

    contribution_id = models.BigIntegerField(db_index=True)
    consultation = models.ForeignKey(Consultation, on_delete=models.SET_NULL, null=True, related_name="+")
    # kept when the consultation is deleted (the log outlives it); none only for older rows without one
    city = CityField(on_delete=models.SET_NULL, null=True, parent="consultation")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=REASON_MAX, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} #{self.contribution_id}"


class Subscription(models.Model):
    """An email subscription to new consultations (/beteiligung/abonnieren/) in some Quartiere and
    themes (none chosen: all). Double opt-in: only the SHA-256 of the confirmation token is kept, and
    it expires. The address is personal data: it never appears in any public output."""

    email = models.EmailField(_("email"))
    quartiere = models.ManyToManyField(
        "quartiere.Area", verbose_name=_("Quartiere"), blank=True, related_name="+"
    )
    themes = ArrayField(
        models.CharField(max_length=THEME_MAX), verbose_name=_("themes"), default=list, blank=True
    )
    confirm_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    confirm_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [models.Index(Upper("email"), name="subscription_email_upper")]

    def __str__(self) -> str:
        return f"subscription #{self.pk}"


class SubscriptionNotice(models.Model):
    """One consultation notified to one subscription: the row that makes notifying idempotent."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notices")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    city = CityField(on_delete=models.PROTECT, parent="consultation")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "consultation"], name="subscription_notice_once")
        ]


class HashKey(models.Model):
    """The random key of one period under which client addresses are hashed (participation.privacy).
    Made by the first worker that needs it and deleted two periods later: afterwards nobody — not
    even someone holding every secret of the service — can link a hash of that period to an address."""

    period = models.BigIntegerField(primary_key=True)  # seconds since the epoch // rotation
    secret = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("address hashing key")
        verbose_name_plural = _("address hashing keys")


class ConsultationPaper(models.Model):
    """A council paper about a consultation (e.g. the decision to hold it, or the one taking up its
    results); linked by planners within the consultation's city. The row follows the consultation's city."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="paper_links")
    city = CityField(on_delete=models.PROTECT, parent="consultation")
    paper = models.ForeignKey("council.Paper", on_delete=models.CASCADE, related_name="consultation_links")
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
        verbose_name = _("council paper of a consultation")
        verbose_name_plural = _("council papers of consultations")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "paper"], name="consultation_paper_unique")
        ]
        indexes = [models.Index(fields=["paper", "consultation"])]

    def __str__(self) -> str:
        return f"{self.consultation_id} → {self.paper_id}"
