"""Emails to contributors about their own contribution: it was published, it was rejected (with the
reason), it got an official response.

Sent to the address given with that contribution (``Contribution.email``; none when empty) and, for
an official response or a linked measure's new status, to the address of the account that wrote it
when the account asked for it (opt-in: ``register_account_recipient``, accounts.signals), one
message per contribution and recipient, about nothing but that contribution: no moderator, no author
of the response, no other contributor appears in it. Plain text, German first with English below. Queued with
``transaction.on_commit``: a moderation that is rolled back sends nothing. Sending happens in the
moderator's request (bounded by ``EMAIL_TIMEOUT``); a failure is logged without the address and never
turns the committed moderation into an error.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from measures.models import Measure, MeasureStatus
from participation.models import Category, Contribution, Outcome, Response

logger = logging.getLogger(__name__)

EXCERPT = 500  # characters of the contribution's text quoted in a mail


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _label(choices, value: str, language: str) -> str:
    with translation.override(language):
        return str(choices(value).label)


def _excerpt(text: str) -> str:
    text = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
    return "\n".join("> " + line for line in text.splitlines())


def _map_link(contribution: Contribution) -> str | None:
    """The consultation's map on the public site, when ``PUBLIC_URL`` says where that is."""
    if not settings.PUBLIC_URL:
        return None
    path = reverse("participation:karte")
    return f"{settings.PUBLIC_URL}{path}?verfahren={contribution.consultation.slug}"


# why the recipient gets the mail: (German, English)
WHY_GIVEN = (
    "Sie erhalten diese Nachricht, weil Sie bei Ihrem Beitrag diese E-Mail-Adresse angegeben haben. "
    "Sie wird nur für Nachrichten zu diesem Beitrag verwendet und nie veröffentlicht.",
    "You receive this message because you gave this email address with your contribution. It is "
    "used only for messages about this contribution and never published.",
)
WHY_ACCOUNT = (
    "Sie erhalten diese Nachricht, weil Sie sie in Ihrem Konto bestellt haben; abbestellen können Sie "
    "sie dort unter „Benachrichtigungen“.",
    "You receive this message because you asked for it in your account; you can turn it off there "
    "under “Notifications”.",
)

# (contribution, event) → the address of the account that wrote it when it asked for mails about
# ``event`` ("response", "measure_status"), else None; registered by the accounts app
AccountRecipient = Callable[[Contribution, str], "str | None"]
_account_recipients: list[AccountRecipient] = []


def register_account_recipient(fn: AccountRecipient) -> None:
    if fn not in _account_recipients:
        _account_recipients.append(fn)


def _compose(
    contribution: Contribution,
    subject: tuple[str, str],
    de: list[str],
    en: list[str],
    *,
    to: str | None = None,
) -> Mail:
    created = timezone.localtime(contribution.created_at)
    why = WHY_ACCOUNT if to else WHY_GIVEN
    consultation = contribution.consultation.title
    link = _map_link(contribution)
    quote = _excerpt(contribution.text)
    german = [
        "Guten Tag,",
        "",
        *de,
        "",
        f"Ihr Beitrag vom {created:%d.%m.%Y} zum Beteiligungsverfahren „{consultation}“ "
        f"({_label(Category, contribution.category, 'de')}):",
        quote,
        *(["", f"Zur Karte: {link}"] if link else []),
        "",
        why[0],
    ]
    english = [
        "Hello,",
        "",
        *en,
        "",
        f"Your contribution of {created:%Y-%m-%d} to the consultation “{consultation}” "
        f"({_label(Category, contribution.category, 'en')}):",
        quote,
        *(["", f"To the map: {link}"] if link else []),
        "",
        why[1],
    ]
    body = "\n".join([*german, "", "-- English --", "", *english, ""])
    return Mail(to=to or contribution.email, subject=f"{subject[0]} / {subject[1]}", body=body)


def published_mail(contribution: Contribution) -> Mail:
    return _compose(
        contribution,
        ("Ihr Beitrag ist veröffentlicht", "Your contribution is published"),
        ["Ihr Beitrag ist jetzt auf der Karte veröffentlicht. Vielen Dank für Ihre Beteiligung!"],
        ["Your contribution is now published on the map. Thank you for taking part!"],
    )


def rejected_mail(contribution: Contribution) -> Mail:
    return _compose(
        contribution,
        ("Ihr Beitrag wurde nicht veröffentlicht", "Your contribution was not published"),
        [
            "Ihr Beitrag wurde von der Moderation nicht veröffentlicht.",
            f"Begründung: {contribution.reject_reason}",
        ],
        [
            "The moderators did not publish your contribution.",
            f"Reason: {contribution.reject_reason}",
        ],
    )


def response_mail(
    contribution: Contribution, response: Response, *, created: bool, to: str | None = None
) -> Mail:
    answered = response.date.strftime("%d.%m.%Y")
    return _compose(
        contribution,
        (
            "Stellungnahme zu Ihrem Beitrag" if created else "Stellungnahme zu Ihrem Beitrag geändert",
            "Official response to your contribution" if created else "Official response changed",
        ),
        [
            f"Die Verwaltung ({response.unit}) hat am {answered} Stellung zu Ihrem Beitrag genommen.",
            f"Ergebnis: {_label(Outcome, response.outcome, 'de')}",
            "",
            _excerpt(response.text),
        ],
        [
            f"The administration ({response.unit}) responded to your contribution on "
            f"{response.date:%Y-%m-%d}.",
            f"Outcome: {_label(Outcome, response.outcome, 'en')}",
            "",
            _excerpt(response.text),
        ],
        to=to,
    )


def measure_status_mail(contribution: Contribution, measure: Measure, to: str) -> Mail:
    return _compose(
        contribution,
        ("Neuer Stand einer Maßnahme zu Ihrem Beitrag", "News of a measure linked to your contribution"),
        [
            f"Die Maßnahme „{measure.title}“, die mit Ihrem Beitrag verknüpft ist, hat einen neuen Stand: "
            f"{_label(MeasureStatus, measure.status, 'de')}."
        ],
        [
            f"The measure “{measure.title}”, linked to your contribution, has a new status: "
            f"{_label(MeasureStatus, measure.status, 'en')}."
        ],
        to=to,
    )


def _send(mail: Mail, contribution_id: int) -> None:
    try:
        EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to]).send()
    except Exception as error:  # noqa: BLE001 - the moderation is committed; the mail is a courtesy
        # the error's text may name the address: log only its type
        logger.warning(
            "notification about contribution #%s not sent: %s", contribution_id, type(error).__name__
        )


def queue(contribution: Contribution, compose: Callable[[], Mail]) -> bool:
    """Send the mail ``compose()`` makes once the current transaction commits. False (nothing
    composed, nothing queued) when the contributor gave no address or notifications are off."""
    if not (settings.PARTICIPATION_NOTIFY and contribution.email):
        return False
    transaction.on_commit(partial(_send, compose(), contribution.pk))
    return True


def contribution_published(contribution: Contribution) -> bool:
    return queue(contribution, lambda: published_mail(contribution))


def contribution_rejected(contribution: Contribution) -> bool:
    return queue(contribution, lambda: rejected_mail(contribution))


def _account_address(contribution: Contribution, event: str) -> str | None:
    """The opted-in account's address for ``event``, unless it is the address given with the
    contribution (that one is mailed already: one message per recipient)."""
    if not (settings.PARTICIPATION_NOTIFY and contribution.author_id):
        return None
    for recipient in _account_recipients:
        if (address := recipient(contribution, event)) and address.lower() != contribution.email.lower():
            return address
    return None


def queue_to_account(contribution: Contribution, event: str, compose: Callable[[str], Mail]) -> bool:
    """Send the mail ``compose(address)`` makes to the account that wrote ``contribution``, if it
    asked for mails about ``event``, once the current transaction commits."""
    address = _account_address(contribution, event)
    if address is None:
        return False
    transaction.on_commit(partial(_send, compose(address), contribution.pk))
    return True


def response_posted(contribution: Contribution, response: Response, *, created: bool) -> bool:
    given = queue(contribution, lambda: response_mail(contribution, response, created=created))
    account = queue_to_account(
        contribution, "response", lambda to: response_mail(contribution, response, created=created, to=to)
    )
    return given or account


def measure_status_changed(measure: Measure) -> int:
    """Tell the opted-in accounts whose contributions are linked to ``measure`` (directly or through
    the official response) its new status; the number of mails queued."""
    linked = (
        Contribution.objects.filter(Q(measures=measure) | Q(response__measure=measure), author__isnull=False)
        .select_related("consultation")
        .distinct()
    )
    queued = 0
    for contribution in linked:
        queued += queue_to_account(
            contribution, "measure_status", partial(measure_status_mail, contribution, measure)
        )
    return queued
