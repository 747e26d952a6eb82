"""An email to the author of a comment when a reply to it is published, in the style of
participation.notifications: only to the address given with that comment, about nothing but that
comment (no name or address of whoever replied), plain text German first and English below, sent once
the transaction commits; a failure is logged without the address."""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from discussion.models import Comment

logger = logging.getLogger(__name__)
EXCERPT = 500


def _quote(text: str) -> str:
    text = text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"
    return "\n".join("> " + line for line in text.splitlines())


def reply_mail(reply: Comment) -> EmailMessage:
    parent = reply.parent
    assert parent is not None
    who_de = f"Die Verwaltung ({reply.unit}) hat" if reply.official else "Jemand hat"
    who_en = f"The administration ({reply.unit}) has" if reply.official else "Someone has"
    body = "\n".join(
        [
            "Guten Tag,",
            "",
            f"{who_de} auf Ihren Kommentar vom {parent.created_at:%d.%m.%Y} geantwortet:",
            _quote(reply.text),
            "",
            "Ihr Kommentar:",
            _quote(parent.text),
            "",
            "Sie erhalten diese Nachricht, weil Sie bei Ihrem Kommentar diese E-Mail-Adresse "
            "angegeben haben. Sie wird nur dafür verwendet und nie veröffentlicht.",
            "",
            "-- English --",
            "",
            "Hello,",
            "",
            f"{who_en} replied to your comment of {parent.created_at:%Y-%m-%d}:",
            _quote(reply.text),
            "",
            "Your comment:",
            _quote(parent.text),
            "",
            "You receive this message because you gave this email address with your comment. It is used "
            "only for this and never published.",
            "",
        ]
    )
    subject = "Antwort auf Ihren Kommentar / A reply to your comment"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [parent.email])


def _send(mail: EmailMessage, comment_id: int) -> None:
    try:
        mail.send()
    except Exception as error:  # noqa: BLE001 - the reply is committed; the mail is a courtesy
        logger.warning("notification about comment #%s not sent: %s", comment_id, type(error).__name__)


def reply_published(reply: Comment) -> bool:
    """Queue the mail to the answered comment's author; False when they gave no address (or
    notifications are off, ``PARTICIPATION_NOTIFY``)."""
    parent = reply.parent
    if parent is None or not parent.email or not settings.PARTICIPATION_NOTIFY:
        return False
    transaction.on_commit(partial(_send, reply_mail(reply), parent.pk))
    return True
