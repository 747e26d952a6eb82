from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Membership(models.Model):
    """A staff member works for ``city``: an area of the city level, or the region (the region's own staff,
    who act on region-owned records such as regional measures). A staff member without any membership
    is not tied to a city (a deployment for one city); superusers never are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    city = models.ForeignKey(
        "quartiere.Area",
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        limit_choices_to={"level__in": (1, 2)},
        verbose_name=_("city"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "city"], name="staff_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.city}"


class Role(models.TextChoices):
    """The staff roles a city admin hands out; each is a group (geo.permissions, geo.roles)."""

    PLANNER = "planner", _("planner")
    MODERATOR = "moderator", _("moderator")
    ADMIN = "admin", _("city admin")
    BOARD = "board", _("strategy board member")


class Invitation(models.Model):
    """An email address invited into a role (and a city): the invitee follows a one-time link to set
    a password. Only the SHA-256 of the link's random token is stored; the token itself is in the
    email only. Used once (``used_at``), until ``expires_at``, unless withdrawn."""

    email = models.EmailField(_("email address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    city = models.ForeignKey(
        "quartiere.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level__in": (1, 2)},
        verbose_name=_("city"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class StaffEvent(models.Model):
    """The audit of the team: who (``actor``) did what (``action``, ``note``) to whose account
    (``subject``), when. Names are kept as text too, so that the entry outlives the accounts."""

    class Action(models.TextChoices):
        ADD = "add", _("added")
        INVITE = "invite", _("invited")
        ACCEPT = "accept", _("accepted the invitation")
        WITHDRAW = "withdraw", _("withdrew the invitation")
        SET_ROLES = "set_roles", _("changed the roles")
        DEACTIVATE = "deactivate", _("deactivated")
        REACTIVATE = "reactivate", _("reactivated")
        REMOVE = "remove", _("removed from the city")
        TRIALOG_VERIFY = "trialog_verify", _("verified a Trialog role")
        TRIALOG_REVOKE = "trialog_revoke", _("withdrew a Trialog role")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=254, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(_("account"), max_length=254)
    city = models.ForeignKey(
        "quartiere.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("team event")
        verbose_name_plural = _("team events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.subject_name}"


class TrialogRole(models.Model):
    """A verified Trialog role outside the administration: a council member or a member of the strategy
    board (Strategiebeirat) of ``city``, verified by staff. Their input is marked as such
    (``staff.trialog.role_of``)."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("council member")
        ADVISORY_BOARD = "advisory_board", _("advisory-board member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="trialog_roles",
        verbose_name=_("user"),
    )
    city = models.ForeignKey(
        "quartiere.Area",
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name=_("city"),
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Trialog role")
        verbose_name_plural = _("Trialog roles")
        constraints = [models.UniqueConstraint(fields=["user", "city"], name="staff_trialog_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.city}"
