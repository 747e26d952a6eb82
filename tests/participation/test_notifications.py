"""Contributors who gave an email address hear about their own contribution: published, rejected,
answered officially — in German with English below, after the moderation commits, and about nothing
and nobody else."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from participation import moderation
from tests.participation.conftest import client_for, create, if_match, user_in

ANNA = "anna.beispiel@example.org"
BERND = "bernd.anders@example.net"


@pytest.fixture
def moderatorin(db):
    return user_in("xaver-moderiert", "moderators", email="xaver.intern@stadt.example")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Runs the callbacks queued for commit (the test's transaction itself never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def moderate(user, contribution, **data):
    return client_for(user).post(
        f"/api/contributions/{contribution.pk}/moderate/", data, format="json", **if_match(contribution)
    )


def test_publishing_emails_the_contributor_in_german_then_english(consultation, moderatorin, on_commit):
    c = create(consultation, email=ANNA, text="Mehr Bänke am Marktplatz")

    with on_commit():
        assert moderate(moderatorin, c, action="publish").status_code == 200

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ANNA] and not message.cc and not message.bcc
    assert message.subject == "Ihr Beitrag ist veröffentlicht / Your contribution is published"
    body = message.body
    assert body.index("Guten Tag") < body.index("veröffentlicht") < body.index("-- English --")
    assert body.index("-- English --") < body.index("Hello") < body.index("is now published")
    assert "> Mehr Bänke am Marktplatz" in body
    assert consultation.title in body and "(Idee)" in body and "(idea)" in body
    assert message.content_subtype == "plain"


def test_a_rejection_tells_the_reason(consultation, moderatorin, on_commit):
    c = create(consultation, email=ANNA)

    with on_commit():
        moderate(moderatorin, c, action="reject", reason="Enthält eine Telefonnummer")

    (message,) = mail.outbox
    assert message.to == [ANNA]
    assert "nicht veröffentlicht" in message.subject and "not published" in message.subject
    assert "Begründung: Enthält eine Telefonnummer" in message.body
    assert "Reason: Enthält eine Telefonnummer" in message.body


def test_an_official_response_is_sent_with_unit_and_outcome(consultation, planner, on_commit):
    c = create(consultation, email=ANNA, publish=True)
    data = {"text": "Wir stellen zwei Bänke auf.", "unit": "Grünflächenamt", "outcome": "considered"}
    url = f"/api/contributions/{c.pk}/response/"

    with on_commit():
        assert client_for(planner).put(url, data, format="json", **if_match(c)).status_code == 200
    with on_commit():
        assert (
            client_for(planner)
            .put(url, {**data, "outcome": "done"}, format="json", **if_match(c))
            .status_code
            == 200
        )

    first, second = mail.outbox
    assert first.subject == "Stellungnahme zu Ihrem Beitrag / Official response to your contribution"
    assert "> Wir stellen zwei Bänke auf." in first.body
    assert "(Grünflächenamt)" in first.body
    assert "Ergebnis: wird berücksichtigt" in first.body
    assert "Outcome: will be considered" in first.body
    assert "geändert" in second.subject and "Ergebnis: bereits erledigt" in second.body
    assert "Outcome: already done" in second.body
    for message in (first, second):
        assert "planner" not in message.body  # who wrote it stays inside the administration


def test_nothing_is_sent_without_an_address(consultation, moderatorin, planner, on_commit):
    c = create(consultation)
    with on_commit():
        moderate(moderatorin, c, action="publish")
        answered = client_for(planner).put(
            f"/api/contributions/{c.pk}/response/",
            {"text": "Danke.", "unit": "Amt", "outcome": "done"},
            format="json",
            **if_match(c),
        )
    assert answered.status_code == 200
    assert mail.outbox == []


def test_a_mail_names_nobody_else(consultation, moderatorin, on_commit):
    mine = create(consultation, email=ANNA, text="Annas Idee", pseudonym="Anna B.")
    other = create(consultation, email=BERND, text="Bernds Idee", pseudonym="Bernd A.")

    with on_commit():
        moderate(moderatorin, mine, action="publish")
        moderate(moderatorin, other, action="reject", reason="Doppelt")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {ANNA, BERND}
    to_anna = by_address[ANNA].subject + by_address[ANNA].body
    assert "Annas Idee" in to_anna
    for foreign in ("Bernd", BERND, "xaver", "stadt.example"):
        assert foreign not in to_anna
    assert "Anna" not in by_address[BERND].body


def test_a_rolled_back_or_refused_moderation_sends_nothing(consultation, moderatorin, on_commit):
    c = create(consultation, email=ANNA)

    with on_commit() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        moderation.contribution_moderate(contribution_id=c.pk, action="publish", actor=moderatorin)
        raise RuntimeError("something later in the same transaction failed")
    assert callbacks == [] and mail.outbox == []

    with on_commit():
        stale = client_for(moderatorin).post(
            f"/api/contributions/{c.pk}/moderate/",
            {"action": "publish"},
            format="json",
            HTTP_IF_MATCH=f'"contribution-{c.pk}-9"',
        )
    assert stale.status_code == 412 and mail.outbox == []


def test_restoring_a_hidden_contribution_is_no_news(consultation, moderatorin, on_commit):
    c = create(consultation, email=ANNA, publish=True)
    with on_commit():
        moderate(moderatorin, c, action="hide")
        moderate(moderatorin, c, action="publish")
    assert mail.outbox == []


def test_notifications_can_be_switched_off(consultation, moderatorin, on_commit, settings):
    settings.PARTICIPATION_NOTIFY = False
    c = create(consultation, email=ANNA)
    with on_commit():
        moderate(moderatorin, c, action="publish")
    assert mail.outbox == []


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"no such user")})


def test_a_failing_mail_server_does_not_fail_the_moderation(
    consultation, moderatorin, on_commit, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    c = create(consultation, email=ANNA)

    with caplog.at_level(logging.WARNING, logger="participation.notifications"), on_commit():
        response = moderate(moderatorin, c, action="publish")

    assert response.status_code == 200
    c.refresh_from_db()
    assert c.status == "published"
    assert f"#{c.pk} not sent: SMTPRecipientsRefused" in caplog.text
    assert ANNA not in caplog.text  # the log keeps no address
