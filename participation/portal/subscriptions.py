"""Email subscriptions to new consultations per Quartier and theme (/beteiligung/abonnieren/).

- Double opt-in: ``subscription_create`` stores the address with the SHA-256 of a random
  confirmation token (expiring after ``PORTAL_CONFIRM_HOURS``) and mails the link; only
  ``subscription_confirm`` with that token makes it active. Whether an address is subscribed already
  is never revealed.
- Unsubscribing needs no login and no stored secret: every mail carries a link with the
  subscription's id signed by Django (``django.core.signing``, salt ``UNSUBSCRIBE_SALT``), plus the
  ``List-Unsubscribe`` headers of RFC 8058 (one click in the mail program).
- ``notify_subscribers`` mails each confirmed subscription the open consultations that match it
  (its Quartiere covered in PostGIS, its themes), each consultation once per subscription: a
  ``SubscriptionNotice`` row is written in the same transaction as the mail is sent.
- The address is personal data: no page, feed or API shows it; no IP is stored (throttling counts a
  keyed hash, participation.throttling)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.errors import NotFound, ServiceError
from geo.sql import load
from participation import formats
from participation.models import Consultation, Subscription
from participation.portal import selectors
from quartiere.models import Area, Level

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "participation.portal.unsubscribe"
QUARTIERE_MAX = 50
THEMES_MAX = 50


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)


def _absolute(path: str, base: str | None) -> str:
    return (base if base is not None else settings.PUBLIC_URL) + path


def _unsubscribe_url(subscription: Subscription, base: str | None) -> str:
    return _absolute(reverse("portal:unsubscribe", args=[unsubscribe_token(subscription)]), base)


@transaction.atomic
def subscription_create(
    *,
    email: str,
    quartier_ids: Iterable[str | int] = (),
    themes: Iterable[str] = (),
    honeypot: str = "",
    base_url: str | None = None,
    now: datetime | None = None,
) -> Subscription:
    """A new, unconfirmed subscription of ``email`` to the consultations in ``quartier_ids`` (none:
    all) and ``themes`` (none: all); mails the confirmation link (absolute under ``base_url``, else
    ``PUBLIC_URL``) once the transaction commits. Bad input → ``ValidationError`` naming the field,
    nothing stored."""
    if honeypot:
        raise ServiceError(_("Your subscription could not be accepted."))
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    email = (email or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    ids = {str(q).strip() for q in quartier_ids if str(q).strip()}
    quartiere: list[Area] = []
    if len(ids) > QUARTIERE_MAX or not all(q.isascii() and q.isdigit() and len(q) < 18 for q in ids):
        errors["quartiere"] = [_("Choose Quartiere from the list.")]
    else:
        quartiere = list(Area.objects.filter(pk__in=[int(q) for q in ids], level=Level.QUARTIER))
        if len(quartiere) != len(ids):
            errors["quartiere"] = [_("Choose Quartiere from the list.")]
    chosen = sorted({t.strip() for t in themes if t.strip()})
    if len(chosen) > THEMES_MAX or not set(chosen) <= set(selectors.themes()):
        errors["themes"] = [_("Choose themes from the list.")]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        email=email,
        themes=chosen,
        confirm_token_hash=_hash(token),
        confirm_expires_at=now + timedelta(hours=settings.PORTAL_CONFIRM_HOURS),
    )
    subscription.quartiere.set(quartiere)
    link = _absolute(reverse("portal:confirm", args=[token]), base_url)
    transaction.on_commit(lambda: _send_confirmation(email, link))
    return subscription


def _both(de: str, en: str) -> str:
    return f"{de}\n\n-- English --\n\n{en}"


def _send_confirmation(email: str, link: str) -> None:
    hours = settings.PORTAL_CONFIRM_HOURS
    body = _both(
        "Guten Tag,\n\nbitte bestätigen Sie Ihr Abonnement neuer Beteiligungsverfahren mit diesem Link "
        f"(gültig {hours} Stunden):\n\n{link}\n\nWenn Sie nichts abonniert haben, ignorieren Sie diese "
        "Nachricht; ohne Bestätigung erhalten Sie keine weitere.",
        f"Hello,\n\nplease confirm your subscription to new consultations with this link (valid for "
        f"{hours} hours):\n\n{link}\n\nIf you did not subscribe, ignore this message; without "
        "confirmation you will get no other.",
    )
    subject = "Abonnement bestätigen / Confirm your subscription – Quartiersatlas"
    try:
        EmailMessage(subject, body, to=[email]).send()
    except Exception:  # noqa: BLE001 - the address stays out of the log
        logger.exception("confirmation mail not sent")


@transaction.atomic
def subscription_confirm(*, token: str, now: datetime | None = None) -> Subscription:
    """Confirm the subscription whose confirmation token is ``token``; ``NotFound`` for an unknown or
    expired one. Confirming twice is fine (the token is used up by the first)."""
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_for_update()
        .filter(confirm_token_hash=_hash(token or ""), confirm_expires_at__gt=now)
        .exclude(confirm_token_hash="")
        .first()
    )
    if subscription is None:
        raise NotFound(_("This confirmation link is unknown or has expired. Please subscribe again."))
    subscription.confirmed_at = now
    subscription.confirm_token_hash = ""
    subscription.confirm_expires_at = None
    subscription.save(update_fields=["confirmed_at", "confirm_token_hash", "confirm_expires_at"])
    return subscription


def subscription_of_token(token: str) -> Subscription | None:
    """The subscription an unsubscribe link names; None for a forged, damaged or used-up one."""
    try:
        pk = signing.loads(token or "", salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first() if isinstance(pk, int) else None


@transaction.atomic
def subscription_cancel(*, token: str) -> None:
    """Delete the subscription the unsubscribe link names (with its notices); ``NotFound`` when it
    names none (already gone, or a forged link)."""
    subscription = subscription_of_token(token)
    if subscription is None:
        raise NotFound(_("This subscription does not exist (any more)."))
    subscription.delete()


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete subscriptions whose confirmation has expired; how many."""
    now = now or timezone.now()
    deleted, _by_model = Subscription.objects.filter(
        confirmed_at__isnull=True, confirm_expires_at__lte=now
    ).delete()
    return deleted


def _pending(now: datetime) -> dict[int, list[int]]:
    """subscription id → the open consultations that match it and were not mailed to it yet."""
    pairs: dict[int, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "matching"), {"now": now})
        for subscription_id, consultation_id in cursor.fetchall():
            pairs[subscription_id].append(consultation_id)
    return pairs


def _notice_mail(
    subscription: Subscription, consultations: list[Consultation], base: str | None
) -> EmailMessage:
    lines = []
    for c in consultations:
        closes = timezone.localtime(c.closes_at).strftime("%d.%m.%Y")
        page = _absolute(reverse("portal:consultation", args=[c.slug]), base)
        lines.append(f"- {c.title} (bis/until {closes})\n  {page}")
    listing = "\n".join(lines)
    unsubscribe = _unsubscribe_url(subscription, base)
    body = _both(
        "Guten Tag,\n\nneue Beteiligungsverfahren, die zu Ihrem Abonnement passen, sind geöffnet:\n\n"
        f"{listing}\n\n"
        f"Abonnement beenden (ein Klick, ohne Anmeldung): {unsubscribe}",
        f"Hello,\n\nnew consultations that match your subscription are open:\n\n{listing}\n\n"
        f"Unsubscribe (one click, no sign-in): {unsubscribe}",
    )
    return EmailMessage(
        "Neue Beteiligung / New consultation – Quartiersatlas",
        body,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notify_subscribers(*, now: datetime | None = None, base_url: str | None = None) -> int:
    """Mail every confirmed subscription the open consultations that match it and were not mailed
    to it before: one mail per subscription, each consultation once (the notice rows are written in
    the transaction that sends the mail; a failed mail rolls them back, the next run tries again).
    Returns the number of mails sent. Safe to run from cron at any interval."""
    now = now or timezone.now()
    sent = 0
    with translation.override("de"):
        for subscription_id, consultation_ids in sorted(_pending(now).items()):
            with transaction.atomic():
                subscription = Subscription.objects.filter(
                    pk=subscription_id, confirmed_at__isnull=False
                ).first()
                if subscription is None:
                    continue
                with connection.cursor() as cursor:
                    # concurrent runs: only the one that writes a notice sends it
                    cursor.execute(
                        load(__file__, "notice"),
                        {"subscription": subscription_id, "consultations": consultation_ids, "now": now},
                    )
                    fresh = [row[0] for row in cursor.fetchall()]
                if not fresh:
                    continue
                consultations = list(Consultation.objects.filter(pk__in=fresh).order_by("closes_at", "id"))
                _notice_mail(subscription, consultations, base_url).send()
                sent += 1
    return sent


def _export(user) -> list[dict]:
    if not getattr(user, "email", ""):
        return []
    return [
        {
            "email": s.email,
            "quartiere": [q.name for q in s.quartiere.all()],
            "themes": s.themes,
            "created_at": s.created_at.isoformat(),
            "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            "notified": list(s.notices.values_list("consultation__slug", flat=True)),
        }
        for s in Subscription.objects.filter(email__iexact=user.email).prefetch_related("quartiere")
    ]


def _erase(user) -> int:
    if not getattr(user, "email", ""):
        return 0
    deleted, _by_model = Subscription.objects.filter(email__iexact=user.email).delete()
    return deleted


def register_personal_data() -> None:
    formats.register_personal_data(
        formats.PersonalData(
            key="subscriptions",
            label=gettext_lazy("Subscriptions to new consultations"),
            export=_export,
            erase=_erase,
        )
    )
