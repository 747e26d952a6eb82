"""Comments (Kommentare) under contributions, measures and consultations: one level of replies, flags,
official answers by staff, and the moderation log. No IP address is ever stored; ``email`` is private
(a notification when the comment is answered) and never in public output."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models import PSEUDONYM_MAX, REASON_MAX, FlagReason, Status
from quartiere.shard import CityField

TEXT_MAX = 2000
UNIT_MAX = 200


class Target(models.TextChoices):
    """What a comment is about: exactly one of these is set on each comment."""

    CONTRIBUTION = "contribution", _("contribution")
    MEASURE = "measure", _("measure")
    CONSULTATION = "consultation", _("consultation")


class Comment(models.Model):
    """A comment, or a reply to one (``parent``; replies to replies are refused by the service).
    ``delete_token_hash`` is the SHA-256 of the secret deletion link shown once to its author.
    A comment deleted or erased while it has replies keeps its place as a placeholder
    (``deleted_at`` set, text and personal data gone), so the replies keep their thread."""

    contribution = models.ForeignKey(
        "participation.Contribution",
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
    )
    consultation = models.ForeignKey(
        "participation.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="discussion_comments",
    )
    # direct reference to the city (sharding key of the scaling plan)
    city = models.ForeignKey(
        "quartiere.Area", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=PSEUDONYM_MAX, blank=True)
    email = models.EmailField(_("email (private)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # staff.trialog.role_of(author, city) when written: "council", "advisory_board" or ""
    trialog_role = models.CharField(_("Trialog role"), max_length=20, blank=True)
    official = models.BooleanField(_("official answer"), default=False)
    unit = models.CharField(_("unit"), max_length=UNIT_MAX, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.CharField(_("reason for rejection"), max_length=REASON_MAX, blank=True)
    delete_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["contribution", "status"]),
            models.Index(fields=["measure", "status"]),
            models.Index(fields=["consultation", "status"]),
            models.Index(fields=["city", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contribution__isnull=False, measure__isnull=True, consultation__isnull=True)
                | Q(contribution__isnull=True, measure__isnull=False, consultation__isnull=True)
                | Q(contribution__isnull=True, measure__isnull=True, consultation__isnull=False),
                name="comment_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""), name="comment_rejected_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(text="") | Q(deleted_at__isnull=False), name="comment_text_unless_deleted"
            ),
            models.CheckConstraint(
                condition=Q(official=False) | ~Q(unit=""), name="comment_official_has_unit"
            ),
            # the target of the flags' composite foreign key (quartiere.shard)
            models.UniqueConstraint(fields=["id", "city"], name="comment_id_city_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:60]}"

    @property
    def target(self) -> tuple[str, int]:
        """(``Target`` value, id) of what the comment is about."""
        for kind in Target.values:
            target_id = getattr(self, f"{kind}_id")
            if target_id is not None:
                return kind, target_id
        raise AssertionError("a comment has exactly one target (check constraint)")


class CommentFlag(models.Model):
    """A report of a comment, as participation.Flag: once per account; without an account once per
    browser and once per keyed, rotating client hash (``client``, never the address). Unreviewed
    flags count towards hiding the comment (``DISCUSSION_FLAG_THRESHOLD``)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    city = CityField(on_delete=models.PROTECT, parent="comment")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=REASON_MAX, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True)
    browser = models.CharField(max_length=64, null=True, blank=True)
    client = models.CharField(max_length=32, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment flag")
        verbose_name_plural = _("comment flags")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, browser__isnull=False)
                | Q(user__isnull=False, browser__isnull=True),
                name="commentflag_user_xor_browser",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"], condition=Q(user__isnull=False), name="commentflag_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["comment", "browser"],
                condition=Q(browser__isnull=False),
                name="commentflag_once_per_browser",
            ),
            models.UniqueConstraint(
                fields=["comment", "client"],
                condition=Q(user__isnull=True, client__isnull=False),
                name="commentflag_once_per_client",
            ),
        ]
        indexes = [models.Index(fields=["comment", "reviewed_at"], name="commentflag_comment_review")]

    def __str__(self) -> str:
        return f"{self.reason} #{self.comment_id}"


class Action(models.TextChoices):
    CREATE = "create", _("written")
    PUBLISH = "publish", _("published")
    REJECT = "reject", _("rejected")
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("restored")
    AUTO_HIDE = "auto_hide", _("hidden automatically after flags")
    DISMISS_FLAGS = "dismiss_flags", _("flags dismissed")
    DELETE_OWN = "delete_own", _("deleted by its author")
    ERASE = "erase", _("erased on request")


class CommentEvent(models.Model):
    """The moderation log of comments: who, when, what. ``comment_id`` is no foreign key so the log
    outlives a deleted comment (it keeps no personal data)."""

    comment_id = models.BigIntegerField(db_index=True)
    city = models.ForeignKey("quartiere.Area", on_delete=models.SET_NULL, null=True, related_name="+")
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
        verbose_name = _("comment moderation event")
        verbose_name_plural = _("comment moderation events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} #{self.comment_id}"
