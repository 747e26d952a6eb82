"""Moderators' and planners' writes: publishing, rejecting, hiding, dismissing flags, official
responses and links to measures. Every action is one transaction and one entry in the moderation log
(who, when, what). Each is a write of the contribution as a versioned record (geo.etag): it is
checked against the versions the client read (``expected_versions``, from ``If-Match``; None: no
check, e.g. the admin's actions) under a row lock and bumps the version, so that two moderators or
planners never overwrite each other unseen. The contributor is told by email
(participation.notifications) when their contribution is published or rejected or gets an official
response, once the transaction has committed."""

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.errors import Conflict, NotFound, ServiceError
from geo.etag import check_version
from geo.permissions import require
from measures.models import Measure
from participation import notifications
from participation.models import (
    REASON_MAX,
    RESPONSE_MAX,
    Action,
    Contribution,
    Flag,
    Outcome,
    Response,
    Status,
)
from participation.permissions import CanRespond, IsModerator, can_respond, is_moderator
from participation.services import clean_line, clean_text, record
from staff.scope import check_city

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    Action.PUBLISH: ({Status.PENDING, Status.REJECTED, Status.HIDDEN}, Status.PUBLISHED),
    Action.REJECT: ({Status.PENDING, Status.PUBLISHED, Status.HIDDEN}, Status.REJECTED),
    Action.HIDE: ({Status.PUBLISHED}, Status.HIDDEN),
    # a hidden one back to published (publish does the same; restore says so in the log, and refuses
    # anything that is not hidden)
    Action.RESTORE: ({Status.HIDDEN}, Status.PUBLISHED),
    # after review: the reports were right, the automatically hidden contribution stays hidden
    Action.CONFIRM_HIDE: ({Status.HIDDEN}, Status.HIDDEN),
}


def _locked(contribution_id: int, expected_versions: Collection[int] | None, actor) -> Contribution:
    """The contribution, locked for this transaction; ``Forbidden`` (403) unless ``actor`` acts in
    its city (staff.scope; None: a system write), ``StaleVersion`` (412) unless its version is in
    ``expected_versions`` (None: no check)."""
    contribution = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
    if contribution is None:
        raise NotFound(_("There is no contribution with this id."))
    check_city(actor, contribution.city_id)
    check_version(contribution.version, expected_versions)
    return contribution


def _bump(contribution: Contribution, *fields: str) -> None:
    """Save ``fields`` with the next version: the contribution's ETag changes with every write."""
    contribution.version += 1
    contribution.save(update_fields=[*fields, "version", "updated_at"])


def _same_city(contribution: Contribution, measure_ids: list[int], field: str) -> None:
    """A contribution is answered by, and linked to, measures of its own city only (400 on
    ``field`` naming the others)."""
    foreign = sorted(
        Measure.objects.filter(pk__in=measure_ids)
        .exclude(city_id=contribution.city_id)
        .values_list("pk", flat=True)
    )
    if foreign:
        raise ServiceError(
            _("The measures %(ids)s belong to another city than the contribution.")
            % {"ids": ", ".join(map(str, foreign))},
            field,
        )


@transaction.atomic
def contribution_moderate(
    *,
    contribution_id: int,
    action: str,
    actor,
    reason: str = "",
    expected_versions: Collection[int] | None = None,
) -> Contribution:
    """Publish, reject (a reason is required), hide or restore (a hidden one) a contribution, or
    confirm that an automatically hidden one stays hidden (``confirm_hide``: only while it has open
    flags). Each is a moderator's review: it closes the open flags — restoring (publishing) as well
    as confirming the hide take an automatically hidden contribution out of the queue."""
    require(actor, is_moderator, IsModerator.message)
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
    contribution = _locked(contribution_id, expected_versions, actor)
    sources, target = TRANSITIONS[action]
    if contribution.status not in sources:
        raise Conflict(
            _("A contribution that is %(status)s cannot be %(action)s.")
            % {"status": contribution.get_status_display(), "action": Action(action).label}
        )
    open_flags = Flag.objects.filter(contribution=contribution, reviewed_at__isnull=True)
    if action == Action.CONFIRM_HIDE and not open_flags.exists():
        raise Conflict(_("This contribution has no open flags; there is no automatic hiding to confirm."))
    before = contribution.status
    contribution.status = target
    contribution.reject_reason = reason if target == Status.REJECTED else ""
    _bump(contribution, "status", "reject_reason")
    closed = open_flags.update(reviewed_at=timezone.now())
    if closed:
        summary = f"{closed} flag{'s' if closed != 1 else ''} closed"
        reason = f"{summary}: {reason}" if reason else summary
    record(contribution, action, actor, from_status=before, note=reason)
    if target == Status.PUBLISHED and before != Status.HIDDEN:
        # restoring a hidden one after review is no news to its contributor, who was never told
        notifications.contribution_published(contribution)
    elif target == Status.REJECTED:
        notifications.contribution_rejected(contribution)
    return contribution


@transaction.atomic
def flags_dismiss(
    *, contribution_id: int, actor, note: str = "", expected_versions: Collection[int] | None = None
) -> int:
    """Close the review of a still published contribution's open flags: the reports were unfounded.
    They no longer count towards hiding it (new reports by others do). Returns how many were dismissed.
    A hidden one is restored by publishing it, which closes its flags too."""
    require(actor, is_moderator, IsModerator.message)
    note = clean_line(note)
    if len(note) > REASON_MAX:
        raise ServiceError(_("The note may have at most %(max)d characters.") % {"max": REASON_MAX}, "note")
    contribution = _locked(contribution_id, expected_versions, actor)
    if contribution.status != Status.PUBLISHED:
        raise Conflict(
            _("Only the flags of a published contribution can be dismissed; this one is %(status)s.")
            % {"status": contribution.get_status_display()}
        )
    dismissed = Flag.objects.filter(contribution=contribution, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )
    if not dismissed:
        raise Conflict(_("This contribution has no open flags."))
    _bump(contribution)
    summary = f"{dismissed} flag{'s' if dismissed != 1 else ''} dismissed"
    record(
        contribution,
        Action.DISMISS_FLAGS,
        actor,
        from_status=contribution.status,
        note=f"{summary}: {note}" if note else summary,
    )
    return dismissed


@transaction.atomic
def response_set(
    *,
    contribution_id: int,
    text: str,
    unit: str,
    outcome: str,
    actor,
    date: dt.date | None = None,
    measure_id: int | None = None,
    expected_versions: Collection[int] | None = None,
) -> Response:
    """Create or replace the official response to a contribution. "Taken into a measure" names the
    measure; the response is shown publicly once the contribution is published. The response is
    part of the contribution as a record: checked against and bumping its version."""
    require(actor, can_respond, CanRespond.message)
    text, unit = clean_text(text), clean_line(unit)
    if not text:
        raise ServiceError(_("Please write a text."), "text")
    if len(text) > RESPONSE_MAX:
        raise ServiceError(_("The text may have at most %(max)d characters.") % {"max": RESPONSE_MAX}, "text")
    if not unit or len(unit) > 200:
        raise ServiceError(_("Name the responsible unit (at most 200 characters)."), "unit")
    if outcome not in Outcome.values:
        raise ServiceError(_("Unknown outcome."), "outcome")
    if outcome == Outcome.MEASURE and measure_id is None:
        raise ServiceError(_("Name the measure the contribution was taken into."), "measure")
    if measure_id is not None and not Measure.objects.filter(pk=measure_id).exists():
        raise ServiceError(_("There is no such measure."), "measure")
    contribution = _locked(contribution_id, expected_versions, actor)
    if measure_id is not None:
        _same_city(contribution, [measure_id], "measure")
    response, created = Response.objects.update_or_create(
        contribution=contribution,
        defaults={
            "text": text,
            "unit": unit,
            "outcome": outcome,
            "date": date or timezone.localdate(),
            "measure_id": measure_id,
            "author": actor if actor and actor.is_authenticated else None,
        },
    )
    if measure_id is not None:
        contribution.measures.add(measure_id)
    _bump(contribution)
    record(
        contribution,
        Action.RESPOND,
        actor,
        from_status=contribution.status,
        note="created" if created else "changed",
    )
    notifications.response_posted(contribution, response, created=created)
    return response


@transaction.atomic
def contribution_link_measures(
    *, contribution_id: int, measure_ids: list[int], actor, expected_versions: Collection[int] | None = None
) -> list[int]:
    """Set the measures a contribution is linked to (replaces the previous links); checked against
    and bumping the contribution's version."""
    require(actor, can_respond, CanRespond.message)
    wanted = sorted(set(measure_ids))
    found = set(Measure.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [m for m in wanted if m not in found]
    if missing:
        raise ServiceError(
            _("There is no measure with id %(ids)s.") % {"ids": ", ".join(map(str, missing))}, "measures"
        )
    contribution = _locked(contribution_id, expected_versions, actor)
    _same_city(contribution, wanted, "measures")
    contribution.measures.set(wanted)
    _bump(contribution)
    record(contribution, Action.LINK_MEASURES, actor, from_status=contribution.status, note=str(wanted))
    return wanted
