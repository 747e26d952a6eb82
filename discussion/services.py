"""Writes of the discussion: every rule of comments, replies, flags, moderation and deletion is enforced
here (the form, the API, the back office and the demo call these). Each write is one transaction; a
refused write stores nothing. No IP address is stored: anonymous reports count by the keyed, rotating
hash of the client (participation.privacy.ip_hash), as participation's reports do."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from discussion import notifications
from discussion.models import TEXT_MAX, UNIT_MAX, Action, Comment, CommentEvent, CommentFlag, Target
from geo.errors import Conflict, Forbidden, NotFound, ServiceError
from geo.permissions import is_moderator, require
from measures.models import Measure
from participation.models import (
    PSEUDONYM_MAX,
    REASON_MAX,
    Consultation,
    Contribution,
    FlagReason,
    Moderation,
    Status,
)
from participation.moderation import TRANSITIONS as CONTRIBUTION_TRANSITIONS
from participation.permissions import can_respond
from participation.privacy import ip_hash, new_delete_token, token_matches
from participation.services import clean_line, clean_text
from staff.scope import acts_in, check_city
from staff.trialog import role_of

MAX_ID = 2**62
MODERATORS_ONLY = gettext_lazy("Only moderators may do this.")


@dataclass(frozen=True)
class Created:
    comment: Comment
    delete_token: str  # shown once; only its hash is stored


def consultation_has_discussion(consultation: Consultation) -> bool:
    """Whether the consultation takes comments of its own (setting ``DISCUSSION_CONSULTATIONS``)."""
    wanted = settings.DISCUSSION_CONSULTATIONS.strip()
    return wanted == "*" or consultation.slug in {s.strip() for s in wanted.split(",") if s.strip()}


@dataclass(frozen=True)
class Resolved:
    target: str
    obj: Contribution | Measure | Consultation
    city_id: int
    moderation: str  # Moderation value
    consultation: Consultation | None  # whose time window applies to citizens' comments


def resolve_target(target: str, target_id: int) -> Resolved:
    """The published thing a comment may be about; 400 naming ``target`` when there is none."""
    if target not in Target.values:
        raise ServiceError(_("Unknown target; use contribution, measure or consultation."), "target")
    if not 0 < target_id < MAX_ID:
        raise ServiceError(_("There is nothing published with this id to comment on."), target)
    if target == Target.CONTRIBUTION:
        c = (
            Contribution.objects.select_related("consultation")
            .filter(pk=target_id, status=Status.PUBLISHED)
            .first()
        )
        if c is not None:
            return Resolved(target, c, c.city_id, c.consultation.moderation, c.consultation)
    elif target == Target.MEASURE:
        m = Measure.objects.filter(pk=target_id, published=True).first()
        if m is not None:
            return Resolved(target, m, m.city_id, settings.DISCUSSION_MEASURE_MODERATION, None)
    else:
        k = Consultation.objects.filter(pk=target_id).first()
        if k is not None and consultation_has_discussion(k):
            return Resolved(target, k, k.city_id, k.moderation, k)
    raise ServiceError(_("There is nothing published with this id to comment on."), target)


def may_answer_officially(user, city_id: int) -> bool:
    """A planner or moderator (participation.permissions.can_respond) who acts in the city."""
    return bool(user and user.is_authenticated and can_respond(user) and acts_in(user, city_id))


def record(
    comment: Comment, action: str, actor=None, *, from_status: str = "", to_status=None, note=""
) -> None:
    """One entry of the comments' moderation log."""
    signed_in = bool(actor and actor.is_authenticated)
    CommentEvent.objects.create(
        comment_id=comment.pk,
        city_id=comment.city_id,
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "",
        action=action,
        from_status=from_status,
        to_status=comment.status if to_status is None else to_status,
        note=note[:REASON_MAX],
    )


def _clean_text(text: str) -> str:
    text = clean_text(text)
    if not text:
        raise ServiceError(_("Please write a text."), "text")
    if len(text) > TEXT_MAX:
        raise ServiceError(
            _("The text may have at most %(max)d characters; it has %(n)d.")
            % {"max": TEXT_MAX, "n": len(text)},
            "text",
        )
    return text


def _clean_email(email: str) -> str:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(_("This is not a valid email address."), "email") from None
    return email


@transaction.atomic
def comment_create(
    *,
    target: str,
    target_id: int,
    text: str,
    parent_id: int | None = None,
    pseudonym: str = "",
    email: str = "",
    official: bool = False,
    unit: str = "",
    user=None,
    honeypot: str = "",
) -> Created:
    """Comment on a published contribution or measure, or on a consultation with a discussion; with
    ``parent_id`` a reply to a published top-level comment of the same target (a reply to a reply is
    refused). Pending under pre-moderation (the consultation's mode; for measures
    ``DISCUSSION_MEASURE_MODERATION``), published at once under post-moderation. An ``official``
    answer (with its ``unit``) is for planners and moderators of the target's city only and is
    published at once. Citizens comment on a consultation's things while it is open."""
    if honeypot:
        raise ServiceError(_("Your comment could not be accepted."))
    resolved = resolve_target(target, target_id)
    text = _clean_text(text)
    pseudonym = clean_line(pseudonym)
    if len(pseudonym) > PSEUDONYM_MAX:
        raise ServiceError(
            _("The pseudonym may have at most %(max)d characters.") % {"max": PSEUDONYM_MAX}, "pseudonym"
        )
    email = _clean_email(email)
    unit = clean_line(unit)
    if official:
        if not may_answer_officially(user, resolved.city_id):
            raise Forbidden(_("Only planners and moderators of this city may answer officially."), "official")
        if not unit or len(unit) > UNIT_MAX:
            raise ServiceError(_("Name the responsible unit (at most 200 characters)."), "unit")
    else:
        unit = ""
        k = resolved.consultation
        if k is not None and not k.is_open():
            raise ServiceError(_("This consultation is not open for comments; nothing was stored."), target)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, **{f"{target}_id": target_id}).first()
        if parent is None or parent.status != Status.PUBLISHED:
            raise ServiceError(_("There is no published comment with this id here to reply to."), "reply_to")
        if parent.parent_id is not None:
            raise ServiceError(_("Replies can only be made to a comment, not to a reply."), "reply_to")
    token, token_hash = new_delete_token()
    published = official or resolved.moderation == Moderation.POST
    signed_in = bool(user and user.is_authenticated)
    comment = Comment.objects.create(
        **{target: resolved.obj},
        city_id=resolved.city_id,
        parent=parent,
        text=text,
        pseudonym=pseudonym,
        email=email,
        author=user if signed_in else None,
        trialog_role=(role_of(user, resolved.city_id) or "") if signed_in else "",
        official=official,
        unit=unit,
        status=Status.PUBLISHED if published else Status.PENDING,
        delete_token_hash=token_hash,
    )
    record(comment, Action.CREATE, user, to_status=comment.status)
    if published and parent is not None:
        notifications.reply_published(comment)
    return Created(comment=comment, delete_token=token)


# action → (statuses it may start from, status it leads to): the contributions' moderation, without
# confirming an automatic hide (a comment's review is publish/restore or reject/hide)
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    action: CONTRIBUTION_TRANSITIONS[action]
    for action in (Action.PUBLISH, Action.REJECT, Action.HIDE, Action.RESTORE)
}


def _locked(comment_id: int, actor) -> Comment:
    if not 0 < comment_id < MAX_ID:
        raise NotFound(_("There is no comment with this id."))
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("There is no comment with this id."))
    check_city(actor, comment.city_id)
    return comment


@transaction.atomic
def comment_moderate(*, comment_id: int, action: str, actor, reason: str = "") -> Comment:
    """Publish, reject (a reason is required), hide or restore (a hidden one) a comment. Each is a
    moderator's review of the comment's city: it closes the open flags. Publishing a reply tells the
    author of the comment it answers (when they gave an address)."""
    require(actor, is_moderator, MODERATORS_ONLY)
    if action not in TRANSITIONS:
        raise ServiceError(
            _("Unknown action; use one of: %(actions)s.") % {"actions": ", ".join(TRANSITIONS)}, "action"
        )
    reason = clean_line(reason)
    if len(reason) > REASON_MAX:
        raise ServiceError(
            _("The reason may have at most %(max)d characters.") % {"max": REASON_MAX}, "reason"
        )
    if action == Action.REJECT and not reason:
        raise ServiceError(_("A rejection needs a reason."), "reason")
    comment = _locked(comment_id, actor)
    sources, to = TRANSITIONS[action]
    if comment.status not in sources or comment.deleted_at is not None:
        raise Conflict(
            _("A comment that is %(status)s cannot be %(action)s.")
            % {"status": comment.get_status_display(), "action": Action(action).label}
        )
    before = comment.status
    comment.status = to
    comment.reject_reason = reason if to == Status.REJECTED else ""
    comment.save(update_fields=["status", "reject_reason", "updated_at"])
    closed = CommentFlag.objects.filter(comment=comment, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )
    note = f"{closed} flags closed: {reason}" if closed else reason
    record(comment, action, actor, from_status=before, note=note)
    if to == Status.PUBLISHED and before == Status.PENDING and comment.parent_id is not None:
        notifications.reply_published(comment)
    return comment


@transaction.atomic
def flags_dismiss(*, comment_id: int, actor, note: str = "") -> int:
    """The reports on a still published comment were unfounded: close them. Returns how many."""
    require(actor, is_moderator, MODERATORS_ONLY)
    note = clean_line(note)[:REASON_MAX]
    comment = _locked(comment_id, actor)
    if comment.status != Status.PUBLISHED:
        raise Conflict(_("Only the flags of a published comment can be dismissed."))
    dismissed = CommentFlag.objects.filter(comment=comment, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )
    if not dismissed:
        raise Conflict(_("This comment has no open flags."))
    record(
        comment,
        Action.DISMISS_FLAGS,
        actor,
        from_status=comment.status,
        note=f"{dismissed} dismissed {note}".strip(),
    )
    return dismissed


def _client_hashes(client_address: str) -> list[str]:
    """The client's hash under the current key and the one before (a report just before the key
    rotates still counts for the same client after it)."""
    now = time.time()
    return [
        ip_hash(client_address, now),
        ip_hash(client_address, now - settings.PARTICIPATION_IP_HASH_ROTATION_S),
    ]


@transaction.atomic
def flag_add(
    *,
    comment_id: int,
    reason: str,
    note: str = "",
    user=None,
    browser: str | None = None,
    client_address: str | None = None,
) -> bool:
    """Report a published comment: once per account; without an account once per browser and once
    per client (its keyed, rotating hash). When the open reports reach ``DISCUSSION_FLAG_THRESHOLD``
    the comment is hidden until a moderator reviews it. Returns whether it is now hidden."""
    if reason not in FlagReason.values:
        raise ServiceError(_("Unknown reason."), "reason")
    if not 0 < comment_id < MAX_ID:
        raise NotFound(_("There is no published comment with this id."))
    comment = Comment.objects.select_for_update().filter(pk=comment_id, status=Status.PUBLISHED).first()
    if comment is None or comment.deleted_at is not None:
        raise NotFound(_("There is no published comment with this id."))
    mine = CommentFlag.objects.filter(comment=comment)
    if user and user.is_authenticated:
        who: dict = {"user": user, "browser": None}
        if mine.filter(user=user).exists():
            raise Conflict(_("You have already reported this comment."))
    else:
        if not browser:
            raise ServiceError(_("Your browser did not send its cookie; please allow cookies for this site."))
        if not client_address:
            raise ValueError("an anonymous report needs the client's address")
        hashes = _client_hashes(client_address)
        who = {"user": None, "browser": browser, "client": hashes[0]}
        if (
            mine.filter(user__isnull=True, browser=browser).exists()
            or mine.filter(user__isnull=True, client__in=hashes).exists()
        ):
            raise Conflict(_("You have already reported this comment."))
    try:
        with transaction.atomic():
            CommentFlag.objects.create(
                comment=comment, reason=reason, note=clean_line(note)[:REASON_MAX], **who
            )
    except IntegrityError:
        raise Conflict(_("You have already reported this comment.")) from None
    open_flags = CommentFlag.objects.filter(comment=comment, reviewed_at__isnull=True).count()
    if open_flags < settings.DISCUSSION_FLAG_THRESHOLD:
        return False
    comment.status = Status.HIDDEN
    comment.save(update_fields=["status", "updated_at"])
    record(comment, Action.AUTO_HIDE, from_status=Status.PUBLISHED, note=f"{open_flags} flags")
    return True


def _blank(comment: Comment) -> None:
    """Remove the text and personal data; a comment with replies stays as a placeholder so the
    replies keep their thread, one without is deleted."""
    if comment.replies.exists():
        comment.text, comment.pseudonym, comment.email, comment.author = "", "", "", None
        comment.unit, comment.official, comment.trialog_role = "", False, ""
        comment.delete_token_hash, comment.deleted_at = "", timezone.now()
        comment.save()
    else:
        comment.delete()


@transaction.atomic
def comment_delete_own(*, comment_id: int, token: str) -> None:
    """Delete a comment through the secret link its author was shown once."""
    comment = (
        Comment.objects.select_for_update().filter(pk=comment_id).first() if comment_id < MAX_ID else None
    )
    if comment is None or not token_matches(token, comment.delete_token_hash):
        raise NotFound(_("This deletion link is not valid (any more)."))
    record(comment, Action.DELETE_OWN, from_status=comment.status, to_status="")
    _blank(comment)


@transaction.atomic
def comments_erase(user) -> int:
    """GDPR erasure of an account's comments (participation.formats.PersonalData): text and personal
    data removed, replies of others kept under a placeholder; the account's reports deleted. Returns
    the number of comments touched."""
    if user is None or not user.is_authenticated:
        return 0
    touched = 0
    for comment in Comment.objects.select_for_update().filter(author=user, deleted_at__isnull=True):
        record(comment, Action.ERASE, from_status=comment.status, to_status="")
        _blank(comment)
        touched += 1
    CommentFlag.objects.filter(user=user).delete()
    return touched


def comments_export(user) -> list[dict]:
    """An account's comments as JSON-serialisable rows (GDPR Art. 15/20)."""
    if user is None or not user.is_authenticated:
        return []
    rows = []
    for c in Comment.objects.filter(author=user, deleted_at__isnull=True).order_by("created_at", "id"):
        kind, target_id = c.target
        rows.append(
            {
                "id": c.pk,
                "target": kind,
                "target_id": target_id,
                "reply_to": c.parent_id,
                "text": c.text,
                "pseudonym": c.pseudonym,
                "email": c.email,
                "official": c.official,
                "unit": c.unit,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
            }
        )
    return rows
