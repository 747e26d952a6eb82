"""Reads of the discussion: the public thread of a target (published comments only, no personal data)
and the moderators' queue (their cities only)."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from discussion.models import Comment, CommentFlag, Target
from participation.models import Status
from staff.scope import in_own_cities


@dataclass
class Thread:
    comment: Comment  # a deleted one with published replies is a placeholder (no text)
    replies: list[Comment] = field(default_factory=list)


def thread(target: str, target_id: int) -> list[Thread]:
    """The published comments on ``target`` (a ``Target`` value) with their published replies, oldest
    first. A deleted comment appears (as a placeholder) only when it has published replies."""
    if target not in Target.values:
        return []
    rows = list(
        Comment.objects.filter(**{f"{target}_id": target_id})
        .filter(Q(status=Status.PUBLISHED) | Q(deleted_at__isnull=False))
        .order_by("created_at", "id")
    )
    tops = {c.pk: Thread(c) for c in rows if c.parent_id is None}
    for c in rows:
        if c.parent_id is not None and c.status == Status.PUBLISHED and c.parent_id in tops:
            tops[c.parent_id].replies.append(c)
    return [t for t in tops.values() if t.comment.deleted_at is None or t.replies]


def published_count(target: str, target_id: int) -> int:
    return Comment.objects.filter(
        **{f"{target}_id": target_id}, status=Status.PUBLISHED, deleted_at__isnull=True
    ).count()


QUEUE_STATES = ("queue", "pending", "flagged", "hidden", "published", "rejected")


def queue(user, state: str = "queue") -> QuerySet[Comment]:
    """The comments a moderator reviews, in their cities: ``queue`` = pending ones, hidden ones with
    open reports and published ones with open reports; or one status. Open reports counted as
    ``open_flags``."""
    open_flag = CommentFlag.objects.filter(comment=OuterRef("pk"), reviewed_at__isnull=True)
    qs = in_own_cities(Comment.objects.filter(deleted_at__isnull=True), user).annotate(
        open_flags=Count("flags", filter=Q(flags__reviewed_at__isnull=True)), flagged=Exists(open_flag)
    )
    if state == "queue":
        qs = qs.filter(
            Q(status=Status.PENDING) | Q(flagged=True, status__in=[Status.PUBLISHED, Status.HIDDEN])
        )
    elif state == "flagged":
        qs = qs.filter(flagged=True)
    elif state in {Status.PENDING, Status.HIDDEN, Status.PUBLISHED, Status.REJECTED}:
        qs = qs.filter(status=state)
    return qs.select_related("contribution", "measure", "consultation", "parent").order_by(
        "-flagged", "created_at", "id"
    )


def pending_count(user) -> int:
    """The moderation start page's number: what waits in the user's cities."""
    return queue(user).count()
