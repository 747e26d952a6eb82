"""Moderators dismiss unfounded flags on a contribution that is still published: the flags stop
counting towards hiding it, it stays published, and the log says who did it."""

import pytest

from participation import services
from participation.models import Action, Flag, ModerationEvent, Status
from tests.participation.conftest import body, client_for, counts, create, if_match


def flag(contribution, browser: str) -> bool:
    """A report from browser ``b<n>`` at the client address 203.0.113.<n>."""
    return services.flag_add(
        contribution_id=contribution.pk,
        reason="spam",
        browser=browser,
        client_address=f"203.0.113.{browser[1:]}",
    )


def dismiss(user, contribution, **extra):
    """Dismiss with the If-Match of the contribution's current version (unless ``extra`` names one)."""
    headers = {**if_match(contribution), **extra}
    return client_for(user).post(
        f"/api/contributions/{contribution.pk}/dismiss-flags/", format="json", **headers
    )


def queue(moderator) -> list[tuple[int, str, int]]:
    items = body(client_for(moderator).get("/api/moderation/contributions/"))
    return [(i["id"], i["status"], i["open_flags"]) for i in items]


def test_a_moderator_dismisses_the_flags_of_a_published_contribution(consultation, moderator, settings):
    settings.PARTICIPATION_FLAG_THRESHOLD = 3
    c = create(consultation, publish=True)
    create(consultation, publish=True)  # unflagged: not in the queue
    assert flag(c, "b1") is False and flag(c, "b2") is False
    assert queue(moderator) == [(c.pk, "published", 2)]  # reported, not (yet) hidden

    response = dismiss(moderator, c)

    assert response.status_code == 200, response.content
    assert body(response) == {"id": c.pk, "dismissed": 2}
    c.refresh_from_db()
    assert response["ETag"] == f'"contribution-{c.pk}-{c.version}"'
    assert c.status == Status.PUBLISHED
    assert not Flag.objects.filter(reviewed_at__isnull=True).exists()
    assert Flag.objects.count() == 2  # kept: the same browsers cannot report it again
    event = ModerationEvent.objects.get(contribution_id=c.pk)
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        Action.DISMISS_FLAGS,
        moderator,
        "published",
        "published",
        "2 flags dismissed",
    )
    assert queue(moderator) == []
    # dismissed flags no longer count: one new report does not reach the threshold of 3
    assert flag(c, "b3") is False
    c.refresh_from_db()
    assert c.status == Status.PUBLISHED


def test_the_moderators_note_goes_into_the_log(consultation, moderator):
    c = create(consultation, publish=True)
    flag(c, "b1")
    client_for(moderator).post(
        f"/api/contributions/{c.pk}/dismiss-flags/",
        {"note": "Sachliche Kritik"},
        format="json",
        **if_match(c),
    )
    assert ModerationEvent.objects.get().note == "1 flag dismissed: Sachliche Kritik"


@pytest.mark.parametrize("user", [None, "citizen", "planner"])
def test_only_moderators_dismiss(consultation, request, user):
    c = create(consultation, publish=True)
    flag(c, "b1")
    before = counts()
    response = dismiss(request.getfixturevalue(user) if user else None, c)
    assert response.status_code in (401, 403)
    assert counts() == before
    assert Flag.objects.get().reviewed_at is None


def test_a_hidden_contribution_is_restored_by_publishing_not_by_dismissing(consultation, moderator, settings):
    settings.PARTICIPATION_FLAG_THRESHOLD = 1
    c = create(consultation, publish=True)
    assert flag(c, "b1") is True
    before = counts()

    response = dismiss(moderator, c)

    assert response.status_code == 409 and body(response)["detail"]
    assert counts() == before and Flag.objects.get().reviewed_at is None


def test_without_open_flags_there_is_nothing_to_dismiss(consultation, moderator):
    c = create(consultation, publish=True)
    before = counts()
    assert dismiss(moderator, c).status_code == 409
    assert counts() == before
    assert dismiss(moderator, create(consultation)).status_code == 409  # pending
    assert client_for(moderator).post("/api/contributions/999999/dismiss-flags/").status_code == 404


def test_a_stale_if_match_is_412(consultation, moderator):
    c = create(consultation, publish=True)
    flag(c, "b1")
    assert dismiss(moderator, c, HTTP_IF_MATCH=f'"contribution-{c.pk}-7"').status_code == 412
    assert Flag.objects.get().reviewed_at is None
    assert dismiss(moderator, c, HTTP_IF_MATCH="").status_code == 428
    response = dismiss(moderator, c, HTTP_IF_MATCH=f'"contribution-{c.pk}-{c.version}"')
    assert response.status_code == 200
    assert response["ETag"] == f'"contribution-{c.pk}-{c.version + 1}"'  # a write: the version moves on
