"""Moderated comments under contributions, measures and consultations: one level of replies, flags, staff
answers marked as official."""

from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = _("Discussion")

    def load_demo(self, demo_dir: Path) -> str:
        from discussion.demo import load_demo

        return load_demo(demo_dir)

    def ready(self) -> None:
        register()


def _uses():
    """Consultations with a discussion of their own (setting ``DISCUSSION_CONSULTATIONS``)."""
    from django.conf import settings
    from django.db.models import Q

    wanted = settings.DISCUSSION_CONSULTATIONS.strip()
    if wanted == "*":
        return Q(pk__isnull=False)
    return Q(slug__in=[s.strip() for s in wanted.split(",") if s.strip()])


def _received(consultation):
    from django.db.models import Q

    from discussion.models import Comment
    from participation.models import Status

    published = Comment.objects.filter(status=Status.PUBLISHED, deleted_at__isnull=True).filter(
        Q(consultation=consultation) | Q(contribution__consultation=consultation)
    )
    return [(_("published comments"), published.count())]


def register() -> None:
    from discussion import selectors, services
    from discussion.views import panel
    from participation import formats

    # the panel on the consultation page comes from register_panel("consultation"), not Format.panel,
    # so that it is shown once
    formats.register(
        formats.Format(key="discussion", label=_("discussion"), uses=_uses, received=_received, order=50)
    )
    for page in formats.PAGES:
        formats.register_panel(page, panel(page), order=200)
    formats.register_queue(
        formats.ModerationQueue(
            key="comments",
            label=_("comments"),
            url_name="discussion_office:queue",
            pending=selectors.pending_count,
        )
    )
    formats.register_personal_data(
        formats.PersonalData(
            key="comments",
            label=_("comments"),
            export=services.comments_export,
            erase=services.comments_erase,
        )
    )
