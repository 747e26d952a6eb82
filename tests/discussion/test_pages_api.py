"""The discussion in the pages (the panel under a contribution and a measure, the plain form posts,
the deletion page, the moderators' queue) and in the API (/api/comments/): German and English, text
shown as text, no personal data in public output, bad input → 400 naming the field with nothing
stored."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from discussion.models import Comment, CommentEvent
from participation.models import Consultation, Moderation, Status
from tests.discussion.conftest import counts, write
from tests.fixtures import body

pytestmark = pytest.mark.django_db
NASTY = "{{ 6*7 }} {# x #} <script>alert('x')</script>"


@pytest.fixture(autouse=True)
def unthrottled():
    caches["participation"].clear()


def page(client, url: str, lang: str = "de") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def test_the_contribution_page_shows_the_thread_as_text_with_official_and_council_marks(
    contribution, planner, citizen, city
):
    from staff.models import TrialogRole

    TrialogRole.objects.create(user=citizen, city=city, kind="council")
    top = write(contribution, text=NASTY, pseudonym="<b>Nina</b>", email="nina@example.org", publish=True)
    write(
        contribution,
        parent_id=top.pk,
        official=True,
        unit="Fachbereich Stadtplanung",
        user=planner,
        text="Geprüft",
    )
    write(contribution, user=citizen, text="Aus dem Rat", publish=True)
    write(contribution, text="Noch nicht freigegeben")
    html = page(Client(), f"/karte/beitraege/{contribution.pk}/")
    assert "{{ 6*7 }} {# x #} &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and 'class="comment-text">42' not in html
    assert "&lt;b&gt;Nina&lt;/b&gt;" in html
    assert "Offizielle Antwort" in html and "Fachbereich Stadtplanung" in html
    assert "Gemeinderat" in html and "Diskussion" in html
    assert "Noch nicht freigegeben" not in html
    assert "nina@example.org" not in html and "citizen" not in html and "planner" not in html
    english = page(Client(), f"/karte/beitraege/{contribution.pk}/", "en")
    assert "Official answer" in english and "City council" in english and "Write a comment" in english


def test_the_measure_page_has_the_discussion_and_staff_of_the_city_get_the_official_fields(measure, planner):
    html = page(Client(), f"/massnahmen/{measure.pk}/")
    assert 'id="discussion"' in html and "Noch keine Kommentare." in html
    assert "Als offizielle Antwort" not in html
    assert "Kommentare werden nach der Moderation veröffentlicht." in html
    client = Client()
    client.force_login(planner)
    assert "Als offizielle Antwort veröffentlichen" in page(client, f"/massnahmen/{measure.pk}/")


def test_a_comment_by_plain_form_redirects_back_with_the_message_and_the_deletion_link(contribution):
    client = Client()
    url = f"/karte/beitraege/{contribution.pk}/"
    response = client.post(
        f"/diskussion/beitraege/{contribution.pk}/",
        {"text": "Ohne Skript", "pseudonym": "Ute", "email": "ute@example.org", "next": url},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302 and response["Location"] == url + "#discussion"
    comment = Comment.objects.get(text="Ohne Skript")
    assert (comment.status, comment.email, comment.pseudonym) == (Status.PENDING, "ute@example.org", "Ute")
    html = page(client, url)
    assert "Ihr Kommentar wartet auf die Moderation" in html
    link = re.search(r"http://testserver/diskussion/loeschen/#(\d+)\.([\w-]+)", html)
    assert link and int(link.group(1)) == comment.pk
    assert "Ihr Kommentar wartet" not in page(client, url)  # shown once
    # the deletion page: confirm, delete, again → gone; nonsense → 400
    assert client.get("/diskussion/loeschen/").status_code == 200
    code = f"{link.group(1)}.{link.group(2)}"
    assert client.post("/diskussion/loeschen/", {"code": code}).status_code == 200
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert client.post("/diskussion/loeschen/", {"code": code}).status_code == 410
    assert client.post("/diskussion/loeschen/", {"code": "1.nope"}).status_code == 404
    assert client.post("/diskussion/loeschen/", {"code": "<script>"}).status_code == 400


def test_an_open_redirect_is_not_followed(contribution):
    response = Client().post(
        f"/diskussion/beitraege/{contribution.pk}/", {"text": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/karte/beitraege/{contribution.pk}/#discussion"


@pytest.mark.parametrize(
    "data, lang, said",
    [
        ({"text": ""}, "de", "Bitte schreiben Sie einen Text."),
        ({"text": ""}, "en", "Please write a text."),
        ({"text": "x", "email": "kaputt"}, "de", "keine gültige E-Mail-Adresse"),
        ({"text": "x", "reply_to": "abc"}, "en", "no published comment with this id"),
        ({"text": "x", "official": "1", "unit": "Amt"}, "en", "Only planners and moderators"),
        ({"text": "x", "website": "spam"}, "de", "konnte nicht angenommen werden"),
    ],
)
def test_bad_form_input_is_refused_and_stores_nothing(contribution, data, lang, said):
    before = counts()
    response = Client().post(
        f"/diskussion/beitraege/{contribution.pk}/", {**data, "next": "/"}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code in {400, 403}
    assert said in response.content.decode()
    assert counts() == before


def test_unknown_targets_are_400_or_404(contribution):
    client = Client()
    assert client.post("/diskussion/umfragen/1/", {"text": "x"}).status_code == 404
    assert client.post(f"/diskussion/beitraege/{2**63}/", {"text": "x"}).status_code == 400
    assert client.post(
        "/diskussion/kommentare/99999999999999999999/melden/", {"reason": "spam"}
    ).status_code in {
        400,
        404,
    }
    assert client.get(f"/diskussion/beitraege/{contribution.pk}/").status_code == 405


def test_flagging_by_form_counts_once_per_browser_and_hides_at_the_threshold(contribution, settings):
    settings.DISCUSSION_FLAG_THRESHOLD = 2
    comment = write(contribution, publish=True)
    url = f"/karte/beitraege/{contribution.pk}/"
    first = Client(HTTP_ACCEPT_LANGUAGE="de")
    response = first.post(f"/diskussion/kommentare/{comment.pk}/melden/", {"reason": "spam", "next": url})
    assert response.status_code == 302 and "qa_browser" in response.cookies
    assert "die Moderation sieht sich den Kommentar an" in page(first, url)
    first.post(f"/diskussion/kommentare/{comment.pk}/melden/", {"reason": "spam", "next": url})
    assert "bereits gemeldet" in page(first, url)
    second = Client(REMOTE_ADDR="192.0.2.7")
    second.post(f"/diskussion/kommentare/{comment.pk}/melden/", {"reason": "offensive", "next": url})
    comment.refresh_from_db()
    assert comment.status == Status.HIDDEN
    assert (
        Client().post(f"/diskussion/kommentare/{comment.pk}/melden/", {"reason": "spam"}).status_code == 404
    )
    assert (
        Client().post(f"/diskussion/kommentare/{comment.pk}/melden/", {"reason": "boring"}).status_code == 400
    )


def test_the_api_lists_published_comments_without_personal_data(api, contribution, measure, citizen):
    top = write(contribution, text=NASTY, email="geheim@example.org", user=citizen, publish=True)
    write(contribution, parent_id=top.pk, publish=True, text="Antwort")
    write(contribution, text="wartet")
    rows = body(api.get(f"/api/comments/?contribution={contribution.pk}"))
    assert [(r["text"], r["reply_to"]) for r in rows] == [(NASTY, None), ("Antwort", top.pk)]
    assert set(rows[0]) == {
        "id",
        "reply_to",
        "text",
        "pseudonym",
        "official",
        "unit",
        "trialog_role",
        "deleted",
        "created_at",
    }
    assert "geheim" not in str(rows) and "citizen" not in str(rows)
    assert body(api.get(f"/api/comments/?measure={measure.pk}")) == []
    for query in ("", f"?contribution=1&measure={measure.pk}", "?contribution=abc", f"?measure={2**63}"):
        response = api.get(f"/api/comments/{query}")
        assert response.status_code == 400, query


def test_the_api_creates_with_the_forms_rules_and_names_the_field(api, contribution, measure):
    response = api.post("/api/comments/", {"contribution": contribution.pk, "text": "Per API"}, format="json")
    assert response.status_code == 201
    created = body(response)
    assert created["status"] == "pending" and "/diskussion/loeschen/#" in created["delete_url"]
    Comment.objects.filter(pk=created["id"]).update(status=Status.PUBLISHED)
    reply = api.post(
        "/api/comments/",
        {"contribution": contribution.pk, "reply_to": created["id"], "text": "Re"},
        format="json",
    )
    Comment.objects.filter(pk=body(reply)["id"]).update(status=Status.PUBLISHED)
    before = counts()
    for data, field in [
        ({"contribution": contribution.pk, "reply_to": body(reply)["id"], "text": "Re: Re"}, "reply_to"),
        ({"contribution": contribution.pk, "measure": measure.pk, "text": "zwei"}, "target"),
        ({"text": "keins"}, "target"),
        ({"contribution": contribution.pk, "text": ""}, "text"),
        ({"contribution": contribution.pk, "text": "x" * 2001}, "text"),
        ({"contribution": contribution.pk, "text": "x", "email": "nein"}, "email"),
        ({"measure": 2**61, "text": "x"}, "measure"),
    ]:
        response = api.post("/api/comments/", data, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, data
        assert field in body(response), (data, body(response))
    assert counts() == before


def test_post_moderated_consultations_publish_api_comments_at_once(api, contribution):
    Consultation.objects.filter(pk=contribution.consultation_id).update(moderation=Moderation.POST)
    response = api.post("/api/comments/", {"contribution": contribution.pk, "text": "Sofort"}, format="json")
    assert body(response)["status"] == "published"
    assert [r["text"] for r in body(api.get(f"/api/comments/?contribution={contribution.pk}"))] == ["Sofort"]


def test_the_queue_is_for_moderators_of_the_city_and_logs_each_decision(contribution, moderator, citizen):
    pending = write(contribution, text=NASTY)
    assert Client().get("/moderation/kommentare/")["Location"].startswith("/planung/anmelden/")
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(citizen)
    assert client.get("/moderation/kommentare/").status_code == 403
    client.force_login(moderator)
    html = page(client, "/moderation/kommentare/")
    assert "Kommentare moderieren" in html and "&lt;script&gt;" in html and "<script>alert" not in html
    response = client.post(f"/moderation/kommentare/{pending.pk}/", {"action": "reject", "reason": ""})
    assert response.status_code == 302
    assert "Eine Ablehnung braucht einen Grund." in page(client, "/moderation/kommentare/")
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    client.post(f"/moderation/kommentare/{pending.pk}/", {"action": "publish"})
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    assert CommentEvent.objects.filter(comment_id=pending.pk, action="publish", actor=moderator).exists()
    assert "Nichts zu moderieren." in page(client, "/moderation/kommentare/")
    assert "Nothing to moderate." in page(client, "/moderation/kommentare/?state=nonsense", "en")


def test_the_consultation_panel_and_the_formats_evaluation(rf, consultation, contribution, settings):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    from participation import formats

    request = rf.get(f"/beteiligung/{consultation.slug}/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    [(_label, before)] = formats.get("discussion").received(consultation)
    write(consultation, text="Zum Verfahren insgesamt", publish=True)
    write(contribution, publish=True)
    write(contribution)
    [html] = formats.panels("consultation", request, consultation)
    assert f'action="/diskussion/verfahren/{consultation.pk}/"' in html and "Zum Verfahren insgesamt" in html
    [(_label, after)] = formats.get("discussion").received(consultation)
    assert after == before + 2
    response = Client().post(f"/diskussion/verfahren/{consultation.pk}/", {"text": "Ohne Rückweg"})
    assert response["Location"] == f"/beteiligung/{consultation.slug}/#discussion"
    settings.DISCUSSION_CONSULTATIONS = ""
    assert formats.panels("consultation", request, consultation) == []


def test_anonymous_comments_are_throttled_in_the_api_and_the_form(api, contribution, settings):
    settings.DISCUSSION_ANON_WRITE_RATE = "2/10m"
    for _ in range(2):
        assert (
            api.post(
                "/api/comments/", {"contribution": contribution.pk, "text": "x"}, format="json"
            ).status_code
            == 201
        )
    before = counts()
    refused = api.post("/api/comments/", {"contribution": contribution.pk, "text": "x"}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    form = Client().post(
        f"/diskussion/beitraege/{contribution.pk}/", {"text": "x"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert form.status_code == 429 and "Zu viele Anfragen" in form.content.decode()
    assert counts() == before


def test_the_admin_shows_comments_read_only_without_the_email(admin_client, contribution):
    comment = write(contribution, text="Im Admin", email="privat@example.org")
    assert "Im Admin" in admin_client.get("/admin/discussion/comment/?q=Admin").content.decode()
    page = admin_client.get(f"/admin/discussion/comment/{comment.pk}/change/").content.decode()
    assert "Im Admin" in page and "privat@example.org" not in page
    assert admin_client.get("/admin/discussion/comment/add/").status_code == 403
    assert admin_client.get("/admin/discussion/commentevent/").status_code == 200


def test_the_panel_shows_its_own_messages_and_keeps_the_others(rf):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import HttpResponse

    from discussion.views import _own_messages

    def next_request(previous: HttpResponse | None):
        request = rf.get("/")
        request.COOKIES = {k: v.value for k, v in previous.cookies.items()} if previous else {}
        request.session = {}
        request._messages = FallbackStorage(request)
        return request

    def answer(request) -> HttpResponse:
        response = HttpResponse()
        request._messages.update(response)
        return response

    first = next_request(None)
    messages.info(first, "Angemeldet als Ute.")  # e.g. a sign-in's
    messages.success(first, "Kommentar erhalten", extra_tags="discussion")
    panel_page = next_request(answer(first))
    assert [str(m) for m in _own_messages(panel_page)] == ["Kommentar erhalten"]
    later = next_request(answer(panel_page))
    assert [str(m) for m in later._messages] == ["Angemeldet als Ute."]
