"""Citizens' accounts: sign-up with verification, the account pages, notifications (opt-in), export
and deletion (GDPR Art. 15/17/20), and that allauth, axes and the throttles work together."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from accounts.models import NotificationSettings
from measures.models import Measure, MeasureStatus
from participation import moderation
from participation.models import (
    Action,
    Contribution,
    Flag,
    ModerationEvent,
    Outcome,
    Response,
    Status,
    Support,
)
from tests.accounts.conftest import PASSWORD, account
from tests.participation.conftest import client_for, post, user_in

pytestmark = pytest.mark.django_db

CRAFTED = "{{ 6*7 }} {# x #} <script>alert(1)</script>"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def contribute(user, consultation, text: str = "Mehr Bänke", **fields) -> Contribution:
    answer = post(client_for(user), consultation, text=text, **fields)
    assert answer.status_code == 201, answer.content
    return Contribution.objects.get(pk=json.loads(answer.content)["id"])


def signup(client: Client, email: str, **extra) -> object:
    return client.post(
        "/konto/signup/",
        {
            "email": email,
            "password1": "Ein-langes-Passwort-42",
            "password2": "Ein-langes-Passwort-42",
            **extra,
        },
    )


# --- sign-up, verification, sign-in ----------------------------------------------------------------


def test_signup_mails_a_link_that_confirms_on_post_and_signs_in():
    client = Client()
    answer = signup(client, "Neu@Example.org")
    assert answer.status_code == 302 and answer["Location"] == "/konto/confirm-email/"
    user = User.objects.get(email__iexact="neu@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    # a link scanner's GET confirms nothing
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    # not signed in before confirming: the account pages send to allauth's sign-in
    assert Client().get("/konto/beitraege/")["Location"].startswith("/konto/login/")
    answer = client.post(link)
    assert answer.status_code == 302 and answer["Location"] == "/konto/"
    assert EmailAddress.objects.get(user=user).verified
    page = client.get("/konto/")
    assert page.status_code == 200 and "neu@example.org" in page.content.decode()
    # and later with address and password
    fresh = Client()
    answer = fresh.post("/konto/login/", {"login": "neu@example.org", "password": "Ein-langes-Passwort-42"})
    assert answer.status_code == 302 and answer["Location"] == "/konto/"


def test_a_link_confirmed_in_another_browser_leads_to_the_citizens_sign_in():
    signup(Client(), "woanders@example.org")
    link = re.search(r"(/konto/confirm-email/[^/\s]+/)", mail.outbox[0].body).group(1)
    answer = Client().post(link)
    assert answer.status_code == 302 and answer["Location"] == "/konto/login/"
    assert EmailAddress.objects.get(email="woanders@example.org").verified


def test_signup_with_a_known_address_looks_like_any_other(consultation):
    account("anna")
    answer = signup(Client(), "ANNA@example.org")
    # the same answer as for a new address; nothing stored, a mail to the owner instead of a second account
    assert answer.status_code == 302 and answer["Location"] == "/konto/confirm-email/"
    assert User.objects.filter(email__iexact="anna@example.org").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.org"]
    assert "/konto/confirm-email/" not in mail.outbox[0].body
    # the password reset neither says whether an address is known
    unknown = Client().post("/konto/password/reset/", {"email": "niemand@example.org"})
    known = Client().post("/konto/password/reset/", {"email": "anna@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]


@pytest.mark.parametrize(
    "data",
    [
        {"email": "kein-at", "password1": "Ein-langes-Passwort-42", "password2": "Ein-langes-Passwort-42"},
        {"email": "b@example.org", "password1": "Ein-langes-Passwort-42", "password2": "anderes"},
        {"email": "b@example.org", "password1": "kurz", "password2": "kurz"},
        {"email": "", "password1": "", "password2": ""},
        {
            "email": "x" * 300 + "@example.org",
            "password1": "Ein-langes-Passwort-42",
            "password2": "Ein-langes-Passwort-42",
        },
    ],
)
def test_bad_signups_show_form_errors_and_store_nothing(data):
    answer = Client().post("/konto/signup/", data)
    assert answer.status_code == 200
    assert 'class="errorlist' in answer.content.decode()
    assert User.objects.count() == 0 and mail.outbox == []


def test_the_honeypot_stores_nothing():
    answer = signup(Client(), "bot@example.org", website="http://spam.example")
    assert answer.status_code in (200, 302)
    assert User.objects.count() == 0 and mail.outbox == []


def test_a_lockout_shows_the_house_page_and_refuses_the_right_password(settings):
    account("anna")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        answer = client.post("/konto/login/", {"login": "anna@example.org", "password": "falsch"})
        assert answer.status_code in (200, 429)
    answer = client.post("/konto/login/", {"login": "Anna@example.org", "password": PASSWORD})
    assert answer.status_code == 429 and answer["Retry-After"]
    assert "Anmeldung vorübergehend gesperrt" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_sign_in_stays_where_it_is(consultation):
    user_in("planer", "planners")
    answer = Client().post("/planung/anmelden/", {"username": "planer", "password": PASSWORD})
    assert answer.status_code == 302 and not answer["Location"].startswith("/konto/")


# --- contributions with an account ----------------------------------------------------------------


def test_a_signed_in_contribution_carries_its_author_and_needs_no_email(consultation):
    anna = account("anna")
    c = contribute(anna, consultation)
    assert c.author == anna and c.email == "" and c.trialog_role == "" and c.origin == "civil_society"


def test_my_contributions_lists_status_response_and_measures_of_mine_only(consultation):
    anna, ben = account("anna"), account("ben")
    mod = user_in("mod", "moderators")
    mine = contribute(anna, consultation, text=CRAFTED)
    contribute(ben, consultation, text="Bens Beitrag")
    moderation.contribution_moderate(contribution_id=mine.pk, action="publish", actor=mod)
    moderation.response_set(
        contribution_id=mine.pk,
        text="Wir prüfen das.",
        unit="Stadtplanung",
        outcome=Outcome.CONSIDERED,
        actor=mod,
    )
    measure = Measure.objects.create(
        title="Bänke am Schloss",
        city=consultation.city,
        scope=consultation.city,
        status=MeasureStatus.PLANNED,
    )
    mine.measures.add(measure)
    page = signed_in(anna).get("/konto/beitraege/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "{{ 6*7 }} {# x #} &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "veröffentlicht" in html and "Wir prüfen das." in html and "Stadtplanung" in html
    assert "Bänke am Schloss" in html and "geplant" in html
    assert "Bens Beitrag" not in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


# --- notifications (opt-in) -------------------------------------------------------------------------


def test_the_notification_page_stores_the_choice(consultation):
    anna = account("anna")
    client = signed_in(anna)
    page = client.get("/konto/benachrichtigungen/")
    assert page.status_code == 200 and 'name="on_response"' in page.content.decode()
    assert "checked" not in page.content.decode()  # opt-in: nothing chosen at first
    answer = client.post("/konto/benachrichtigungen/", {"on_response": "on"})
    assert answer.status_code == 302
    assert NotificationSettings.objects.filter(user=anna, on_response=True, on_measure_status=False).exists()
    assert "checked" in client.get("/konto/benachrichtigungen/").content.decode()


def test_the_answer_mail_reaches_the_opted_in_author_only(consultation, django_capture_on_commit_callbacks):
    anna, ben = account("anna"), account("ben")
    mod = user_in("mod", "moderators")
    NotificationSettings.objects.create(user=anna, on_response=True)
    hers, his = contribute(anna, consultation), contribute(ben, consultation)
    measure = Measure.objects.create(
        title="Bänke", city=consultation.city, scope=consultation.city, published=True
    )
    hers.measures.add(measure)
    his.measures.add(measure)
    with django_capture_on_commit_callbacks(execute=True):
        for c in (hers, his):
            moderation.response_set(
                contribution_id=c.pk, text=CRAFTED, unit="Tiefbau", outcome=Outcome.CONSIDERED, actor=mod
            )
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert CRAFTED in mail.outbox[0].body and "in Ihrem Konto bestellt" in mail.outbox[0].body
    # measure news: anna did not ask for them; once she does, a status change tells her
    with django_capture_on_commit_callbacks(execute=True):
        Measure.objects.filter(pk=measure.pk).first().save()
    mail.outbox.clear()
    NotificationSettings.objects.filter(user=anna).update(on_measure_status=True)
    measure.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        measure.save()  # no change of status: no mail
        measure.status = MeasureStatus.DECIDED
        measure.save()
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert "beschlossen" in mail.outbox[0].body and "Bänke" in mail.outbox[0].body


def test_bad_notification_input_is_refused_and_the_page_needs_an_account(consultation):
    anna = account("anna")
    assert Client().post("/konto/benachrichtigungen/", {"on_response": "on"}).status_code == 302
    assert not NotificationSettings.objects.exists()
    assert signed_in(anna).put("/konto/benachrichtigungen/").status_code == 405


# --- export (Art. 15/20) and deletion (Art. 17) --------------------------------------------------------


def _two_people(consultation):
    anna, ben = account("anna"), account("ben")
    mod = user_in("mod", "moderators")
    hers = contribute(anna, consultation, text=CRAFTED, pseudonym="Anna")
    given = contribute(None, consultation, text="Ohne Konto, mit Adresse", email="ANNA@example.org")
    his = contribute(ben, consultation, text="Bens Beitrag")
    for c in (hers, his, given):
        moderation.contribution_moderate(contribution_id=c.pk, action="publish", actor=mod)
    Support.objects.create(contribution=his, user=anna)
    Support.objects.create(contribution=hers, user=ben)
    Flag.objects.create(contribution=his, user=anna, reason="off_topic", note="Anna meldet")
    Flag.objects.create(contribution=hers, user=ben, reason="spam", note="Ben meldet")
    moderation.response_set(
        contribution_id=hers.pk, text="Antwort", unit="Amt", outcome=Outcome.CONSIDERED, actor=mod
    )
    return anna, ben, hers, his, given


def test_the_export_holds_the_accounts_data_and_nobody_elses(consultation):
    anna, ben, hers, his, given = _two_people(consultation)
    answer = signed_in(anna).get("/konto/export/")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    assert answer["Content-Disposition"].startswith("attachment;")
    data = json.loads(answer.content)
    assert data["profile"]["email"] == "anna@example.org"
    assert data["email_addresses"] == [{"email": "anna@example.org", "verified": True, "primary": True}]
    rows = data["data"]
    assert sorted(c["id"] for c in rows["contributions"]) == sorted([hers.pk, given.pk])
    mine = next(c for c in rows["contributions"] if c["id"] == hers.pk)
    assert mine["text"] == CRAFTED and mine["response"]["text"] == "Antwort" and mine["pseudonym"] == "Anna"
    assert [s["contribution"] for s in rows["supports"]] == [his.pk]
    assert [(f["contribution"], f["note"]) for f in rows["flags"]] == [(his.pk, "Anna meldet")]
    text = answer.content.decode()
    assert "ben@example.org" not in text and "Bens Beitrag" not in text and "Ben meldet" not in text
    assert Client().get("/konto/export/").status_code == 302


def test_deletion_asks_the_password_then_erases_everything_of_the_account(consultation):
    anna, ben, hers, his, given = _two_people(consultation)
    client = signed_in(anna)
    page = client.get("/konto/loeschen/")
    assert page.status_code == 200
    for wrong in ({"password": "falsch"}, {}, {"password": "x" * 5000}):
        answer = client.post("/konto/loeschen/", wrong)
        assert answer.status_code == 400
    assert User.objects.filter(pk=anna.pk).exists() and Contribution.objects.count() == 3
    answer = client.post("/konto/loeschen/", {"password": PASSWORD})
    assert answer.status_code == 200 and "gelöscht" in answer.content.decode()
    assert not User.objects.filter(pk=anna.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact="anna@example.org").exists()
    # her contributions (also the one given with her address) are erased by participation's rule
    assert list(Contribution.objects.values_list("pk", flat=True)) == [his.pk]
    assert not Response.objects.exists()
    assert set(
        ModerationEvent.objects.filter(action=Action.ERASE).values_list("contribution_id", flat=True)
    ) == {
        hers.pk,
        given.pk,
    }
    # her support and flag are gone; ben's data stays
    assert list(Support.objects.values_list("user__username", flat=True)) == []
    assert list(Flag.objects.values_list("note", flat=True)) == []
    assert User.objects.filter(pk=ben.pk).exists()
    assert Contribution.objects.get(pk=his.pk).status == Status.PUBLISHED
    assert "_auth_user_id" not in client.session
    assert client.get("/konto/").status_code == 302


def test_staff_accounts_are_not_deleted_here(consultation):
    planner = user_in("planer", "planners")
    answer = signed_in(planner).post("/konto/loeschen/", {"password": PASSWORD})
    assert answer.status_code == 400 and User.objects.filter(pk=planner.pk).exists()


def test_the_overview_counts_per_format(consultation):
    anna = account("anna")
    contribute(anna, consultation)
    html = signed_in(anna).get("/konto/").content.decode()
    assert "Beiträge: 1" in html and "Unterstützungen: 0" in html


def test_the_signup_page_is_in_the_house_style():
    html = Client().get("/konto/signup/").content.decode()
    assert 'class="site-header"' in html and "Registrieren" in html and 'name="website"' in html
