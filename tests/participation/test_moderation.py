"""Moderators publish, reject and hide; planners answer and link measures; every action is logged."""

import pytest

from measures.models import Measure
from participation.models import Action, Contribution, Flag, ModerationEvent, Response, Status
from tests.participation.conftest import body, client_for, counts, create, if_match, user_in


def moderate(client, contribution, **data):
    """Moderate with the If-Match of the contribution's current version."""
    return client.post(
        f"/api/contributions/{contribution.pk}/moderate/", data, format="json", **if_match(contribution)
    )


def test_a_moderator_publishes_and_the_log_says_who_when_what(consultation, moderator):
    c = create(consultation)

    response = moderate(client_for(moderator), c, action="publish")

    assert response.status_code == 200, response.content
    assert body(response) == {"id": c.pk, "status": "published", "version": 2}
    assert response["ETag"] == f'"contribution-{c.pk}-2"'
    event = ModerationEvent.objects.get(contribution_id=c.pk)
    assert (event.actor, event.actor_name, event.action, event.from_status, event.to_status) == (
        moderator,
        "mod",
        "publish",
        "pending",
        "published",
    )
    assert event.at is not None


@pytest.mark.parametrize("user", [None, "citizen", "planner"])
def test_only_moderators_moderate(consultation, request, user):
    c = create(consultation)
    client = client_for(request.getfixturevalue(user) if user else None)
    before = counts()
    assert moderate(client, c, action="publish").status_code in (401, 403)
    assert counts() == before
    c.refresh_from_db()
    assert c.status == Status.PENDING


def test_a_rejection_needs_a_reason(consultation, moderator):
    c = create(consultation)
    client = client_for(moderator)
    before = counts()
    assert moderate(client, c, action="reject").status_code == 400
    assert counts() == before

    assert moderate(client, c, action="reject", reason="Beleidigend").status_code == 200
    c.refresh_from_db()
    assert (c.status, c.reject_reason) == ("rejected", "Beleidigend")


def test_impossible_transitions_are_409(consultation, moderator):
    c = create(consultation)
    response = moderate(client_for(moderator), c, action="hide")
    assert response.status_code == 409
    assert body(response)["detail"]


def test_a_stale_if_match_is_412(consultation, moderator):
    c = create(consultation)
    client = client_for(moderator)
    read = if_match(c)
    assert moderate(client, c, action="publish").status_code == 200
    before = counts()
    stale = client.post(f"/api/contributions/{c.pk}/moderate/", {"action": "hide"}, format="json", **read)
    assert stale.status_code == 412
    assert "GET it again" in body(stale)["detail"] or "erneut" in body(stale)["detail"]
    assert counts() == before
    fresh = client.post(
        f"/api/contributions/{c.pk}/moderate/",
        {"action": "hide"},
        format="json",
        HTTP_IF_MATCH=f'"contribution-{c.pk}-2"',
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize("tag", [None, '"v1"', 'W/"contribution-{pk}-1"', '"contribution-0-1"', "1"])
def test_moderation_needs_the_strong_etag_of_the_contribution(consultation, moderator, tag):
    # one scheme for every record (geo.etag): no header is 428, a tag of another kind or a weak one 412
    c = create(consultation)
    headers = {} if tag is None else {"HTTP_IF_MATCH": tag.format(pk=c.pk)}
    before = counts()

    response = client_for(moderator).post(
        f"/api/contributions/{c.pk}/moderate/", {"action": "publish"}, format="json", **headers
    )

    assert response.status_code == (428 if tag is None else 412)
    assert counts() == before
    c.refresh_from_db()
    assert (c.status, c.version) == (Status.PENDING, 1)


def test_an_unknown_contribution_is_404_before_if_match_is_asked_for(moderator):
    response = client_for(moderator).post("/api/contributions/999999/moderate/", {"action": "publish"})
    assert response.status_code == 404


def test_publishing_a_hidden_one_closes_its_flags(consultation, moderator, settings):
    settings.PARTICIPATION_FLAG_THRESHOLD = 1
    c = create(consultation, publish=True)
    client_for(None).post(f"/api/contributions/{c.pk}/flag/", {"reason": "spam"}, format="json")
    c.refresh_from_db()
    assert c.status == Status.HIDDEN
    queue = body(client_for(moderator).get("/api/moderation/contributions/"))
    assert [(i["id"], i["open_flags"]) for i in queue] == [(c.pk, 1)]

    assert moderate(client_for(moderator), c, action="publish").status_code == 200
    assert Flag.objects.get().reviewed_at is not None
    assert body(client_for(moderator).get("/api/moderation/contributions/")) == []


def test_the_queue_lists_pending_ones_oldest_first_without_email(consultation, moderator):
    first = create(consultation, email="a@example.org")
    second = create(consultation)
    create(consultation, publish=True)

    items = body(client_for(moderator).get("/api/moderation/contributions/"))

    assert [i["id"] for i in items] == [first.pk, second.pk]
    assert items[0]["email"] is None
    assert items[0]["lon"] == pytest.approx(9.1956, abs=1e-6)
    assert client_for(None).get("/api/moderation/contributions/").status_code in (401, 403)


def test_the_queue_shows_email_with_the_permission(consultation):
    from django.contrib.auth.models import Permission

    from tests.participation.conftest import user_in

    dpo = user_in("dpo", "moderators")
    dpo.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    create(consultation, email="a@example.org")
    assert body(client_for(dpo).get("/api/moderation/contributions/"))[0]["email"] == "a@example.org"


def test_a_planner_answers_officially(consultation, planner, city):
    c = create(consultation, publish=True)
    measure = Measure.objects.create(city=city, title="Bänke", scope=city, published=True)
    url = f"/api/contributions/{c.pk}/response/"
    data = {"text": "Übernommen.", "unit": "Stadtplanung", "outcome": "measure", "measure": measure.pk}

    response = client_for(planner).put(url, data, format="json", **if_match(c))

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"contribution-{c.pk}-2"'  # the answer is a write of the contribution
    answer = Response.objects.get(contribution=c)
    assert (answer.outcome, answer.measure, answer.author) == ("measure", measure, planner)
    assert list(c.measures.all()) == [measure]
    assert answer.history.count() == 1
    assert ModerationEvent.objects.filter(contribution_id=c.pk, action=Action.RESPOND, actor=planner).exists()
    public = body(client_for(None).get(f"/api/contributions/{c.pk}/"))
    assert public["properties"]["response"]["text"] == "Übernommen."
    assert public["properties"]["measures"] == [measure.pk]
    assert public["properties"]["response"]["measure"] == measure.pk


def test_two_planners_answering_at_once_do_not_overwrite_each_other(consultation, planner, city):
    c = create(consultation, publish=True)
    other = user_in("planner2", "planners")
    url = f"/api/contributions/{c.pk}/response/"
    # both read the published contribution, whose detail carries its ETag
    read = client_for(planner).get(f"/api/contributions/{c.pk}/")["ETag"]
    assert client_for(other).get(f"/api/contributions/{c.pk}/")["ETag"] == read == f'"contribution-{c.pk}-1"'

    first = client_for(planner).put(
        url,
        {"text": "Wird geprüft.", "unit": "Stadtplanung", "outcome": "considered"},
        format="json",
        HTTP_IF_MATCH=read,
    )
    second = client_for(other).put(
        url,
        {"text": "Schon erledigt.", "unit": "Tiefbau", "outcome": "done"},
        format="json",
        HTTP_IF_MATCH=read,
    )

    assert (first.status_code, second.status_code) == (200, 412)
    assert Response.objects.get(contribution=c).text == "Wird geprüft."
    assert client_for(None).get(f"/api/contributions/{c.pk}/")["ETag"] == first["ETag"]


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "unit": "X", "outcome": "done"},
        {"text": "t", "unit": "", "outcome": "done"},
        {"text": "t", "unit": "X", "outcome": "maybe"},
        {"text": "t", "unit": "X", "outcome": "measure"},
        {"text": "t", "unit": "X", "outcome": "measure", "measure": 999_999},
        {"text": "t" * 5001, "unit": "X", "outcome": "done"},
    ],
)
def test_bad_responses_are_400(consultation, planner, data):
    c = create(consultation, publish=True)
    before = counts()
    response = client_for(planner).put(
        f"/api/contributions/{c.pk}/response/", data, format="json", **if_match(c)
    )
    assert response.status_code == 400
    assert counts() == before


def test_citizens_cannot_answer(consultation, citizen):
    c = create(consultation, publish=True)
    data = {"text": "t", "unit": "X", "outcome": "done"}
    assert (
        client_for(citizen).put(f"/api/contributions/{c.pk}/response/", data, format="json").status_code
        == 403
    )


def test_planners_link_measures(consultation, planner, moderator, city):
    c = create(consultation, publish=True)
    m = Measure.objects.create(city=city, title="Radweg", scope=city)
    url = f"/api/contributions/{c.pk}/measures/"
    assert body(client_for(planner).put(url, {"measures": [m.pk, m.pk]}, format="json", **if_match(c))) == {
        "measures": [m.pk]
    }
    assert (
        client_for(planner).put(url, {"measures": [999_999]}, format="json", **if_match(c)).status_code == 400
    )
    assert client_for(planner).put(url, {"measures": []}, format="json").status_code == 428
    assert list(Contribution.objects.get(pk=c.pk).measures.values_list("pk", flat=True)) == [m.pk]
    log = body(client_for(moderator).get(f"/api/moderation/events/?contribution={c.pk}"))
    assert [(e["action"], e["actor_name"], e["note"]) for e in log] == [
        ("link_measures", "planner", f"[{m.pk}]")
    ]
    assert client_for(planner).get("/api/moderation/events/").status_code == 403  # the log is the moderators'


@pytest.mark.parametrize(("action", "reason"), [("hide", ""), ("reject", "Werbung")])
def test_every_decision_closes_the_open_flags(consultation, moderator, action, reason):
    c = create(consultation, publish=True)
    client_for(None).post(f"/api/contributions/{c.pk}/flag/", {"reason": "spam"}, format="json")
    assert body(client_for(moderator).get("/api/moderation/contributions/"))[0]["review"] == "reported"

    assert moderate(client_for(moderator), c, action=action, reason=reason).status_code == 200

    assert Flag.objects.get().reviewed_at is not None
    assert body(client_for(moderator).get("/api/moderation/contributions/")) == []
    event = ModerationEvent.objects.get(contribution_id=c.pk, action=action)
    assert event.note == (f"1 flag closed: {reason}" if reason else "1 flag closed")
