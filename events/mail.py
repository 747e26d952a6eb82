"""Emails to the people who registered for an event: the confirmation with the cancellation link,
and the notice when the event is cancelled. Sent only to the address given with the registration, about
nothing but that event; plain text, German first with English below; queued with
``transaction.on_commit`` (a rolled-back write sends nothing); a failure is logged without the address."""

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)


def _when(event) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    same_day = start.date() == end.date()
    return (
        f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"
        if same_day
        else f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}"
    )


def _where(event) -> str:
    return ", ".join(part for part in (event.place_name, event.address) if part) or event.online_url or "–"


def _send(to: str, subject: str, body: str) -> None:
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except Exception:  # noqa: BLE001 - a mail server's failure must not undo a committed write
        logger.exception("events: a mail could not be sent")


def cancel_link(base_url: str, registration_id: int, token: str) -> str:
    """The secret cancellation link: the token travels in the fragment, which browsers never send to a
    server (the page's script puts it into the confirmation form, as participation's deletion link)."""
    return f"{base_url}{reverse('events:unregister')}#{registration_id}.{token}"


def on_commit_confirmation(event, registration, token: str, *, base_url: str) -> None:
    link = cancel_link(base_url, registration.pk, token)
    page = f"{base_url}{reverse('events:detail', args=[event.pk])}"
    people = registration.people
    body = "\n".join(
        [
            "Guten Tag,",
            "",
            f"Ihre Anmeldung für „{event.title}“ ({people} Person{'en' if people != 1 else ''}) "
            "ist eingegangen.",
            f"Wann: {_when(event)} (Ortszeit Berlin)",
            f"Wo: {_where(event)}",
            f"Veranstaltung: {page}",
            "",
            "Wenn Sie nicht kommen können, melden Sie sich bitte ab, damit andere Ihren Platz bekommen:",
            link,
            "",
            "Ihre E-Mail-Adresse wird nur für Nachrichten zu dieser Anmeldung verwendet "
            "und nie veröffentlicht.",
            "",
            "---",
            "",
            "Hello,",
            "",
            f"your registration for “{event.title}” ({people} {'people' if people != 1 else 'person'}) "
            "has been received.",
            f"When: {_when(event)} (Berlin time)",
            f"Where: {_where(event)}",
            f"Event: {page}",
            "",
            "If you cannot come, please cancel so that someone else gets your place:",
            link,
            "",
            "Your email address is used only for messages about this registration and never published.",
        ]
    )
    subject = f"Anmeldung bestätigt / Registration confirmed: {event.title}"
    transaction.on_commit(lambda: _send(registration.email, subject, body))


def on_commit_cancelled(event, recipients: list[str], *, base_url: str) -> None:
    page = f"{base_url}{reverse('events:detail', args=[event.pk])}"
    note_de = [f"Hinweis: {event.cancel_note}"] if event.cancel_note else []
    note_en = [f"Note: {event.cancel_note}"] if event.cancel_note else []
    body = "\n".join(
        [
            "Guten Tag,",
            "",
            f"die Veranstaltung „{event.title}“ am {_when(event)} fällt leider aus. "
            "Ihre Anmeldung ist damit hinfällig.",
            *note_de,
            f"Veranstaltung: {page}",
            "",
            "---",
            "",
            "Hello,",
            "",
            f"we are sorry: the event “{event.title}” on {_when(event)} has been cancelled, "
            "and with it your registration.",
            *note_en,
            f"Event: {page}",
        ]
    )
    subject = f"Abgesagt / Cancelled: {event.title}"

    def send_all() -> None:
        for to in recipients:
            _send(to, subject, body)

    transaction.on_commit(send_all)
