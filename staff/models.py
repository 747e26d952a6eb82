from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Membership(models.Model):
    """A staff member works for ``city`` (an area of level 1). A staff member without any membership
    is not tied to a city (a deployment for one city, or staff of the region); superusers never are."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    city = models.ForeignKey(
        "quartiere.Area",
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        limit_choices_to={"level": 1},
        verbose_name=_("city"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "city"], name="staff_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.city}"
