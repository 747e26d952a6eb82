"""The discussion's rules, each enforced once in discussion.services: targets, moderation modes, one
level of replies, official answers only by staff of the target's city, reports and their threshold,
deletion by the author's link, and the account's export and erasure."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation

from discussion import selectors, services
from discussion.models import Action, Comment, CommentEvent, CommentFlag
from geo.errors import Conflict, Forbidden, NotFound, ServiceError
from participation import formats
from participation.models import Consultation, Moderation, Status
from staff.models import TrialogRole
from tests.discussion.conftest import counts, write

pytestmark = pytest.mark.django_db


def test_it_holds_a_comment_on_a_pre_moderated_consultation_until_a_moderator_publishes_it(
    contribution, moderator
):
    comment = write(contribution, text="Bitte prüfen")
    assert comment.status == Status.PENDING and comment.city_id == contribution.city_id
    assert selectors.thread("contribution", contribution.pk) == []
    services.comment_moderate(comment_id=comment.pk, action=Action.PUBLISH, actor=moderator)
    [thread] = selectors.thread("contribution", contribution.pk)
    assert thread.comment.pk == comment.pk
    assert list(CommentEvent.objects.filter(comment_id=comment.pk).values_list("action", "actor_name")) == [
        (Action.PUBLISH, "mod"),
        (Action.CREATE, ""),
    ]


def test_it_publishes_at_once_under_post_moderation(contribution):
    Consultation.objects.filter(pk=contribution.consultation_id).update(moderation=Moderation.POST)
    contribution.refresh_from_db()
    assert write(contribution).status == Status.PUBLISHED


def test_measures_are_pre_moderated_by_default_and_follow_the_setting(measure, settings):
    assert write(measure).status == Status.PENDING
    settings.DISCUSSION_MEASURE_MODERATION = "post"
    assert write(measure).status == Status.PUBLISHED


def test_consultations_take_comments_of_their_own_as_the_setting_says(consultation, settings):
    assert write(consultation).consultation_id == consultation.pk
    fmt = formats.get("discussion")
    assert Consultation.objects.filter(fmt.uses()).filter(pk=consultation.pk).exists()
    settings.DISCUSSION_CONSULTATIONS = "eine-andere"
    assert not Consultation.objects.filter(fmt.uses()).exists()
    before = counts()
    with pytest.raises(ServiceError) as refused:
        write(consultation)
    assert refused.value.field == "consultation"
    assert counts() == before


def test_a_closed_consultation_takes_no_comments_from_citizens_but_official_answers(contribution, planner):
    Consultation.objects.filter(pk=contribution.consultation_id).update(
        opens_at="2020-01-01T00:00Z", closes_at="2020-02-01T00:00Z"
    )
    contribution.refresh_from_db()
    with pytest.raises(ServiceError):
        write(contribution)
    answer = write(contribution, official=True, unit="Stadtplanung", user=planner)
    assert answer.status == Status.PUBLISHED


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"email": "kein-at"}, "email"),
        ({"pseudonym": "p" * 61}, "pseudonym"),
        ({"parent_id": 2**40}, "reply_to"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(contribution, fields, field):
    before = counts()
    with pytest.raises(ServiceError) as refused:
        write(contribution, **fields)
    assert refused.value.field == field
    assert counts() == before


def test_the_honeypot_and_unpublished_or_unknown_targets_store_nothing(contribution, measure):
    before = counts()
    with pytest.raises(ServiceError):
        write(contribution, honeypot="http://spam")
    for target, target_id in [("contribution", 2**61), ("measure", 0), ("poll", 1)]:
        with pytest.raises(ServiceError):
            services.comment_create(target=target, target_id=target_id, text="x")
    pending = type(contribution).objects.filter(status=Status.PENDING).first()
    with pytest.raises(ServiceError) as refused:
        write(pending)
    assert refused.value.field == "contribution"
    assert counts() == before


def test_one_level_of_replies_and_only_to_a_published_comment_of_the_same_target(contribution, measure):
    top = write(contribution, publish=True)
    reply = write(contribution, parent_id=top.pk, publish=True)
    assert reply.parent_id == top.pk
    with translation.override("en"), pytest.raises(ServiceError, match="not to a reply") as refused:
        write(contribution, parent_id=reply.pk)
    assert refused.value.field == "reply_to"
    with pytest.raises(ServiceError):  # a comment of another target
        write(measure, parent_id=top.pk)
    pending = write(contribution)
    with pytest.raises(ServiceError):
        write(contribution, parent_id=pending.pk)
    [thread] = selectors.thread("contribution", contribution.pk)
    assert [r.pk for r in thread.replies] == [reply.pk]


def test_official_answers_only_by_planners_and_moderators_of_the_city(
    contribution, planner, moderator, citizen, foreign_planner
):
    answer = write(contribution, official=True, unit="Fachbereich Stadtplanung", user=planner)
    assert (answer.official, answer.unit, answer.status) == (
        True,
        "Fachbereich Stadtplanung",
        Status.PUBLISHED,
    )
    assert write(contribution, official=True, unit="Moderation", user=moderator).official
    before = counts()
    for user in (citizen, foreign_planner, None):
        with pytest.raises(Forbidden):
            write(contribution, official=True, unit="x", user=user)
    with pytest.raises(ServiceError) as refused:
        write(contribution, official=True, unit=" ", user=planner)
    assert refused.value.field == "unit"
    assert counts() == before
    # not official: whatever unit was sent is dropped
    assert write(contribution, unit="Fake-Amt", user=citizen).unit == ""


def test_the_input_of_council_members_is_marked(contribution, citizen, city):
    TrialogRole.objects.create(user=citizen, city=city, kind=TrialogRole.Kind.COUNCIL)
    assert write(contribution, user=citizen).trialog_role == "council"
    assert write(contribution).trialog_role == ""


def test_moderation_rules_reason_city_and_role(contribution, moderator, planner, foreign_planner, other_city):
    comment = write(contribution)
    with pytest.raises(ServiceError) as refused:
        services.comment_moderate(comment_id=comment.pk, action=Action.REJECT, actor=moderator)
    assert refused.value.field == "reason"
    with pytest.raises(Forbidden):
        services.comment_moderate(comment_id=comment.pk, action=Action.PUBLISH, actor=planner)
    foreign_mod = foreign_planner
    foreign_mod.groups.add(Group.objects.get(name="moderators"))
    foreign_mod = type(foreign_mod).objects.get(pk=foreign_mod.pk)
    with pytest.raises(Forbidden):
        services.comment_moderate(comment_id=comment.pk, action=Action.PUBLISH, actor=foreign_mod)
    with pytest.raises(Conflict):
        services.comment_moderate(comment_id=comment.pk, action=Action.RESTORE, actor=moderator)
    rejected = services.comment_moderate(
        comment_id=comment.pk, action=Action.REJECT, actor=moderator, reason="Off"
    )
    assert (rejected.status, rejected.reject_reason) == (Status.REJECTED, "Off")
    assert selectors.pending_count(moderator) == 0
    assert selectors.pending_count(foreign_mod) == 0


def test_reports_count_once_per_person_and_hide_at_the_threshold(contribution, citizen, moderator, settings):
    settings.DISCUSSION_FLAG_THRESHOLD = 3
    comment = write(contribution, publish=True)
    assert not services.flag_add(comment_id=comment.pk, reason="spam", user=citizen)
    with pytest.raises(Conflict):
        services.flag_add(comment_id=comment.pk, reason="spam", user=citizen)
    assert not services.flag_add(
        comment_id=comment.pk, reason="offensive", browser="b1", client_address="10.0.0.1"
    )
    with pytest.raises(Conflict):  # the same browser
        services.flag_add(comment_id=comment.pk, reason="spam", browser="b1", client_address="10.0.0.2")
    with pytest.raises(Conflict):  # the same client without its cookie
        services.flag_add(comment_id=comment.pk, reason="spam", browser="b2", client_address="10.0.0.1")
    with pytest.raises(ServiceError):
        services.flag_add(comment_id=comment.pk, reason="boring", browser="b3", client_address="10.0.0.3")
    assert CommentFlag.objects.filter(comment=comment).count() == 2
    assert not CommentFlag.objects.filter(client="10.0.0.1").exists()  # only the keyed hash is stored
    assert services.flag_add(comment_id=comment.pk, reason="spam", browser="b3", client_address="10.0.0.3")
    comment.refresh_from_db()
    assert comment.status == Status.HIDDEN
    assert selectors.thread("contribution", contribution.pk) == []
    assert [c.pk for c in selectors.queue(moderator)] == [comment.pk]
    services.comment_moderate(comment_id=comment.pk, action=Action.RESTORE, actor=moderator)
    assert not CommentFlag.objects.filter(comment=comment, reviewed_at__isnull=True).exists()
    services.flag_add(comment_id=comment.pk, reason="spam", browser="b4", client_address="10.0.0.4")
    assert services.flags_dismiss(comment_id=comment.pk, actor=moderator) == 1
    with pytest.raises(NotFound):
        services.flag_add(comment_id=2**61, reason="spam", user=citizen)


def test_the_author_deletes_with_the_link_and_replies_keep_a_placeholder(contribution):
    created = services.comment_create(
        target="contribution", target_id=contribution.pk, text="Weg damit", email="a@b.de"
    )
    top = created.comment
    Comment.objects.filter(pk=top.pk).update(status=Status.PUBLISHED)
    reply = write(contribution, parent_id=top.pk, publish=True)
    with pytest.raises(NotFound):
        services.comment_delete_own(comment_id=top.pk, token="wrong")
    services.comment_delete_own(comment_id=top.pk, token=created.delete_token)
    top.refresh_from_db()
    assert (top.text, top.email, top.deleted_at is not None) == ("", "", True)
    [thread] = selectors.thread("contribution", contribution.pk)
    assert thread.comment.deleted_at and [r.pk for r in thread.replies] == [reply.pk]
    with pytest.raises(NotFound):  # the link is used up
        services.comment_delete_own(comment_id=top.pk, token=created.delete_token)
    lone = services.comment_create(target="contribution", target_id=contribution.pk, text="Allein")
    services.comment_delete_own(comment_id=lone.comment.pk, token=lone.delete_token)
    assert not Comment.objects.filter(pk=lone.comment.pk).exists()


def test_export_and_erase_of_an_account_through_the_registry(contribution, citizen):
    data = {p.key: p for p in formats.personal_data()}["comments"]
    top = write(contribution, user=citizen, text="Mein Text", email="c@example.org", publish=True)
    other = write(contribution, parent_id=top.pk, publish=True)
    write(contribution, user=citizen, text="Zweiter")
    [first, second] = data.export(citizen)
    assert (first["text"], first["email"], second["text"]) == ("Mein Text", "c@example.org", "Zweiter")
    assert data.erase(citizen) == 2
    assert data.export(citizen) == []
    top.refresh_from_db()
    assert (top.text, top.author_id, top.email) == ("", None, "")
    assert Comment.objects.filter(pk=other.pk).exists()
    assert not Comment.objects.filter(text="Zweiter").exists()


def test_a_published_reply_tells_the_author_of_the_comment_by_mail(
    contribution, planner, moderator, django_capture_on_commit_callbacks
):
    top = write(contribution, email="fragende@example.org", text="Wann kommt der Radweg?", publish=True)
    with django_capture_on_commit_callbacks(execute=True):
        write(contribution, parent_id=top.pk, official=True, unit="Tiefbauamt", user=planner, text="2027.")
    [sent] = mail.outbox
    assert sent.to == ["fragende@example.org"]
    assert "Tiefbauamt" in sent.body and "2027." in sent.body and "planner" not in sent.body
    with django_capture_on_commit_callbacks(execute=True):
        pending = write(contribution, parent_id=top.pk, text="Ich auch")
        assert len(mail.outbox) == 1  # not before it is published
        services.comment_moderate(comment_id=pending.pk, action=Action.PUBLISH, actor=moderator)
    assert len(mail.outbox) == 2


def test_the_database_refuses_a_comment_with_two_targets_or_none(contribution, measure, city):
    for targets in ({"contribution": contribution, "measure": measure}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Comment.objects.create(city=city, text="x", **targets)


def test_the_moderation_start_page_registry_counts_the_queue(contribution, moderator):
    write(contribution)
    queue = {q.key: q for q in formats.queues()}["comments"]
    assert queue.pending(moderator) == 1


def test_the_demo_has_a_dozen_illustrative_comments_with_an_official_answer_and_is_idempotent(demo):
    from discussion.demo import MARK, load_demo

    demo_comments = Comment.objects.filter(text__startswith=MARK)
    assert demo_comments.count() == 12
    assert demo_comments.filter(parent__isnull=False).count() == 5
    assert (
        demo_comments.filter(official=True).values_list("unit", flat=True).get() == "Fachbereich Stadtplanung"
    )
    assert (
        demo_comments.filter(measure__isnull=False).exists()
        and demo_comments.filter(contribution__isnull=False).exists()
    )
    assert load_demo(Path(".")) == "comments: unchanged"
    assert demo_comments.count() == 12
