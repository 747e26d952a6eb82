"""Writes of participation: every business rule of contributions, supports and flags is enforced here
(moderation and official responses: participation.moderation). Each write is one transaction;
a rejected write stores nothing. Points come in as lon/lat (EPSG:4326) and are stored in EPSG:25832."""

import datetime as dt
import math
import re
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.db import DataError, IntegrityError, InternalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import crs
from geo.errors import Conflict, Forbidden, NotFound, ServiceError, TooManyRequests
from geo.sql import load
from participation.models import (
    TEXT_MAX,
    Action,
    Category,
    Consultation,
    Contribution,
    ContributionArea,
    Flag,
    FlagReason,
    Moderation,
    ModerationEvent,
    Origin,
    Status,
    Support,
)
from participation.permissions import can_set_official_origin
from participation.privacy import ip_hash, new_delete_token, token_matches
from quartiere import linking
from staff.models import TrialogRole
from staff.trialog import role_of

# control characters other than tab and newline have no place in plain text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
LINE_BREAKS = re.compile(r"[\r\n\t]+")


# the name participation.admin and the erase_contributor command catch: the one service error (geo.errors)
ParticipationError = ServiceError


def clean_text(value: str) -> str:
    """Plain text as stored: NFC, no control characters, Unix line breaks, no outer whitespace."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", value).strip()


def clean_line(value: str) -> str:
    """A single line (pseudonyms, units): line breaks become spaces."""
    return LINE_BREAKS.sub(" ", clean_text(value)).strip()


def contribution_links() -> linking.LinkTarget:
    """Contributions' link table in the one linking mechanism (registered in ParticipationConfig.ready)."""
    return linking.LinkTarget.for_models(Contribution, ContributionArea, fk="contribution")


@dataclass(frozen=True)
class Created:
    contribution: Contribution
    delete_token: str  # shown once; only its hash is stored


def locate_in_consultation(consultation: Consultation, lon: float, lat: float) -> tuple[float, float, bool]:
    """The point (WGS84 ``lon``/``lat``) in EPSG:25832 and whether it lies in the consultation's area
    (computed by PostGIS); shared by every format that places something (pins, survey places, proposals)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                load(__file__, "locate_in_consultation"),
                {"id": consultation.pk, "lon": lon, "lat": lat, "storage_srid": crs.STORAGE_SRID},
            )
            x, y, inside = cursor.fetchone()
    except (DataError, InternalError):
        raise ServiceError(_("These coordinates cannot be placed on the map."), "lon") from None
    return x, y, bool(inside)


def check_open(consultation: Consultation) -> None:
    """Citizens' input only inside the consultation's window (pins, survey answers, …); else 400."""
    now = timezone.now()
    if now < consultation.opens_at:
        raise ServiceError(
            _("This consultation opens on %(date)s; nothing was stored.")
            % {"date": timezone.localtime(consultation.opens_at).strftime("%d.%m.%Y %H:%M")},
            "consultation",
        )
    if now >= consultation.closes_at:
        raise ServiceError(
            _("This consultation closed on %(date)s; nothing was stored.")
            % {"date": timezone.localtime(consultation.closes_at).strftime("%d.%m.%Y %H:%M")},
            "consultation",
        )


@transaction.atomic
def contribution_create(
    *,
    consultation_id: int,
    lon: float,
    lat: float,
    text: str,
    category: str,
    origin: str | None = None,
    pseudonym: str = "",
    email: str = "",
    user=None,
    honeypot: str = "",
) -> Created:
    """Pin a contribution at lon/lat (EPSG:4326) inside an open consultation's area. Pending under
    pre-moderation, published at once under post-moderation. Linked to its areas at every level."""
    if honeypot:
        # a field people never see: only bots fill it in
        raise ServiceError(_("Your contribution could not be accepted."))
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise ServiceError(_("There is no such consultation."), "consultation")
    if not consultation.pins:
        raise ServiceError(
            _("This consultation takes no contributions on the map; nothing was stored."), "consultation"
        )
    anonymous = not (user and user.is_authenticated)
    if anonymous and not consultation.allow_anonymous:
        raise Forbidden(_("This consultation asks you to sign in before contributing."))
    check_open(consultation)
    text = clean_text(text)
    if not text:
        raise ServiceError(_("Please write a text."), "text")
    if len(text) > TEXT_MAX:
        raise ServiceError(
            _("The text may have at most %(max)d characters; it has %(n)d.")
            % {"max": TEXT_MAX, "n": len(text)},
            "text",
        )
    if category not in consultation.categories:
        allowed = ", ".join(str(Category(c).label) for c in consultation.categories)
        raise ServiceError(
            _("Unknown category; this consultation accepts: %(allowed)s.") % {"allowed": allowed}, "category"
        )
    origin = origin or Origin.CIVIL_SOCIETY
    if origin not in Origin.values:
        raise ServiceError(_("Unknown origin."), "origin")
    if origin != Origin.CIVIL_SOCIETY and not can_set_official_origin(user):
        raise Forbidden(_("Only staff may mark a contribution as coming from council or administration."))
    x, y, inside = locate_in_consultation(consultation, lon, lat)
    if not inside:
        raise ServiceError(_("This place lies outside the consultation area; nothing was stored."), "lon")
    # a verified council member's input is the council's; a board member's stays civil society's
    # (the Strategiebeirat is the civil society's seat in the Trialog) and carries the board's mark
    trialog_role = role_of(user, consultation.city_id) or ""
    if trialog_role == TrialogRole.Kind.COUNCIL and origin == Origin.CIVIL_SOCIETY:
        origin = Origin.COUNCIL
    token, token_hash = new_delete_token()
    published = consultation.moderation == Moderation.POST
    contribution = Contribution.objects.create(
        consultation=consultation,
        city_id=consultation.city_id,
        geom=Point(x, y, srid=crs.STORAGE_SRID),
        text=text,
        category=category,
        origin=origin,
        pseudonym=clean_line(pseudonym)[:60],
        email=email.strip(),
        author=None if anonymous else user,
        trialog_role=trialog_role,
        status=Status.PUBLISHED if published else Status.PENDING,
        delete_token_hash=token_hash,
    )
    linking.links_refresh(contribution_links(), ids=[contribution.pk])
    return Created(contribution=contribution, delete_token=token)


def _published(contribution_id: int, *, lock: bool = False) -> Contribution:
    qs = Contribution.objects.select_related("consultation")
    if lock:
        qs = qs.select_for_update(of=("self",))
    contribution = qs.filter(pk=contribution_id, status=Status.PUBLISHED).first()
    if contribution is None:
        raise NotFound(_("There is no published contribution with this id."))
    return contribution


def _supporter(user, browser: str | None) -> dict:
    if user and user.is_authenticated:
        return {"user": user, "browser": None}
    if not browser:
        raise ServiceError(_("Your browser did not send its cookie; please allow cookies for this site."))
    return {"user": None, "browser": browser}


def support_count(contribution_id: int) -> int:
    return Support.objects.filter(contribution_id=contribution_id).count()


@transaction.atomic
def support_add(*, contribution_id: int, user=None, browser: str | None = None) -> int:
    """Support a published contribution of an open consultation: once per account or browser.
    Returns the new number of supports."""
    contribution = _published(contribution_id)
    check_open(contribution.consultation)
    who = _supporter(user, browser)
    try:
        with transaction.atomic():
            Support.objects.create(contribution=contribution, **who)
    except IntegrityError:
        raise Conflict(_("You already support this contribution.")) from None
    return support_count(contribution_id)


@transaction.atomic
def support_withdraw(*, contribution_id: int, user=None, browser: str | None = None) -> int:
    """Withdraw one's support; returns the new number of supports."""
    who = _supporter(user, browser)
    deleted, _rows = Support.objects.filter(contribution_id=contribution_id, **who).delete()
    if not deleted:
        raise NotFound(_("You do not support this contribution."))
    return support_count(contribution_id)


def record(
    contribution: Contribution,
    action: str,
    actor=None,
    *,
    from_status: str = "",
    to_status: str | None = None,
    note: str = "",
) -> ModerationEvent:
    """Write one entry of the moderation log."""
    return ModerationEvent.objects.create(
        contribution_id=contribution.pk,
        consultation_id=contribution.consultation_id,
        actor=actor if actor and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor and actor.is_authenticated else "",
        action=action,
        from_status=from_status,
        to_status=contribution.status if to_status is None else to_status,
        note=note[:500],
    )


FLAG_WINDOW = dt.timedelta(hours=24)


def _client_hashes(client_address: str) -> list[str]:
    """The client's keys: the hash of its address under the current key and under the one before,
    so that a report shortly before the key rotates still counts for the same client after it."""
    now = time.time()
    return [
        ip_hash(client_address, now),
        ip_hash(client_address, now - settings.PARTICIPATION_IP_HASH_ROTATION_S),
    ]


def _flags_within_cap(who: dict, hashes: list[str]) -> None:
    """Refuse a report beyond ``PARTICIPATION_FLAGS_PER_DAY`` in 24 hours by this account, or by this
    client (its address hashes or its browser). Serialised per key, so parallel reports cannot
    overshoot the cap."""
    cap = settings.PARTICIPATION_FLAGS_PER_DAY
    since = timezone.now() - FLAG_WINDOW
    with connection.cursor() as cursor:
        key = f"user:{who['user'].pk}" if who["user"] else f"client:{hashes[0]}"
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["participation.flag:" + key])
    if who["user"]:
        recent = Flag.objects.filter(user=who["user"], created_at__gte=since)
    else:
        recent = Flag.objects.filter(Q(client__in=hashes) | Q(browser=who["browser"]), user__isnull=True)
        recent = recent.filter(created_at__gte=since)
    times = sorted(recent.values_list("created_at", flat=True))
    if len(times) < cap:
        return
    wait = times[len(times) - cap] + FLAG_WINDOW - timezone.now()
    raise TooManyRequests(
        _(
            "You have reported %(n)d contributions within 24 hours, the most we accept; "
            "please try again later."
        )
        % {"n": len(times)},
        retry_after=max(1, math.ceil(wait.total_seconds())),
    )


@transaction.atomic
def flag_add(
    *,
    contribution_id: int,
    reason: str,
    note: str = "",
    user=None,
    browser: str | None = None,
    client_address: str | None = None,
) -> bool:
    """Report a published contribution: once per account; without an account once per browser *and*
    once per client address (``client_address``, required then), so a client that sends no cookie
    still counts once. Only the address's keyed, rotating hash is stored (participation.privacy);
    hashes older than two key periods are cleared here. At most ``PARTICIPATION_FLAGS_PER_DAY``
    reports per account or client in 24 hours (``TooManyRequests``). When the contribution's
    unreviewed flags reach ``PARTICIPATION_FLAG_THRESHOLD`` it is hidden pending review (it then leads
    the moderation queue). Returns whether it is now hidden."""
    if reason not in FlagReason.values:
        raise ServiceError(_("Unknown reason."), "reason")
    contribution = _published(contribution_id, lock=True)
    who = _supporter(user, browser)
    hashes: list[str] = []
    if who["user"] is None:
        if not client_address:
            raise ValueError("an anonymous report needs the client's address")
        hashes = _client_hashes(client_address)
        who["client"] = hashes[0]
    rotation = dt.timedelta(seconds=settings.PARTICIPATION_IP_HASH_ROTATION_S)
    # past two key periods a hash matches no client any more: it has no use left, only a risk
    Flag.objects.filter(client__isnull=False, created_at__lt=timezone.now() - 2 * rotation).update(
        client=None
    )
    mine = Flag.objects.filter(contribution=contribution)
    if who["user"]:
        if mine.filter(user=who["user"]).exists():
            raise Conflict(_("You have already reported this contribution."))
    elif mine.filter(user__isnull=True, browser=who["browser"]).exists():
        raise Conflict(_("You have already reported this contribution."))
    elif mine.filter(user__isnull=True, client__in=hashes).exists():
        raise Conflict(
            _("This contribution was already reported from your connection; a moderator will look at it.")
        )
    _flags_within_cap(who, hashes)
    try:
        with transaction.atomic():
            Flag.objects.create(contribution=contribution, reason=reason, note=clean_line(note)[:500], **who)
    except IntegrityError:
        raise Conflict(_("You have already reported this contribution.")) from None
    open_flags = Flag.objects.filter(contribution=contribution, reviewed_at__isnull=True).count()
    if open_flags < settings.PARTICIPATION_FLAG_THRESHOLD:
        return False
    contribution.status = Status.HIDDEN
    contribution.version += 1
    contribution.save(update_fields=["status", "version", "updated_at"])
    record(contribution, Action.AUTO_HIDE, from_status=Status.PUBLISHED, note=f"{open_flags} flags")
    return True


@transaction.atomic
def contribution_delete_own(*, contribution_id: int, token: str) -> None:
    """Delete a contribution through the secret link its contributor was shown once."""
    contribution = Contribution.objects.select_for_update().filter(pk=contribution_id).first()
    if contribution is None or not token_matches(token, contribution.delete_token_hash):
        # the same answer for a wrong token and a missing contribution: nothing to probe
        raise NotFound(_("This deletion link is not valid (any more)."))
    record(contribution, Action.DELETE_OWN, from_status=contribution.status, to_status="")
    contribution.delete()


@transaction.atomic
def contributor_erase(*, email: str) -> int:
    """Erase everything stored about the person with this email address: their contributions (with
    their supports, flags and responses), and, for an account with that address, its supports and
    flags. The moderation log keeps only ids. Returns the number of contributions erased."""
    email = email.strip()
    if not email:
        raise ServiceError(_("An email address is required."), "email")
    users = list(get_user_model().objects.filter(email__iexact=email))
    erased = contributions_erase(Contribution.objects.filter(Q(email__iexact=email) | Q(author__in=users)))
    Support.objects.filter(user__in=users).delete()
    Flag.objects.filter(user__in=users).delete()
    return erased


def contributions_erase(contributions) -> int:
    """The erase rule for contributions (``contributor_erase`` and an account's deletion): each is
    deleted with its supports, flags and response; the moderation log keeps only its id. Returns
    how many; call inside a transaction."""
    erased = 0
    for contribution in contributions.select_for_update():
        record(contribution, Action.ERASE, from_status=contribution.status, to_status="")
        contribution.delete()
        erased += 1
    return erased
