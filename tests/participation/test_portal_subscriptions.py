"""Email subscriptions to new consultations (/beteiligung/abonnieren/): double opt-in with a hashed,
expiring token, a one-click unsubscribe link in every mail, ``notify_subscribers`` mailing each
consultation once per subscription, honeypot and throttling, nothing stored on bad input, and the
address in no public output."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from participation import formats
from participation.demo import EVALUATED_SLUG, PLANNED_SLUG, SLUG
from participation.models import Consultation, Subscription, SubscriptionNotice
from participation.portal import subscriptions
from quartiere.models import Area, Level
from tests.fixtures import user_in

pytestmark = pytest.mark.django_db

EMAIL = "geheim.abonnentin@example.org"


@pytest.fixture(autouse=True)
def _mails_on_commit(monkeypatch):
    """The confirmation mail leaves once the transaction commits; a test's transaction never does,
    so here the callback runs at once (as after a commit)."""
    monkeypatch.setattr(subscriptions.transaction, "on_commit", lambda fn, *a, **k: fn())


def quartier(name: str) -> Area:
    return Area.objects.get(level=Level.QUARTIER, parent__code="08118048", name=name)  # Ludwigsburg's


def subscribe(client, **fields):
    data = {"email": EMAIL, "website": ""} | fields
    return client.post("/beteiligung/abonnieren/", data)


def link_in(message, path: str) -> str:
    match = re.search(rf"http://testserver({path}[^\s>]+)", message.body)
    assert match, message.body
    return match.group(1)


def test_double_opt_in_then_notified_once_then_unsubscribed(client, demo, settings):
    settings.PUBLIC_URL = "http://testserver"
    Consultation.objects.filter(slug=PLANNED_SLUG).update(opens_at=timezone.now() + dt.timedelta(days=30))
    response = subscribe(client, quartier=[quartier("Oßweil").pk], thema=["Klima"])
    assert response.status_code == 200 and 'id="subscribe-done"' in response.content.decode()
    (confirmation,) = mail.outbox
    assert confirmation.to == [EMAIL]
    confirm = link_in(confirmation, "/beteiligung/abonnieren/bestaetigen/")
    token = confirm.rstrip("/").rsplit("/", 1)[1]
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and token not in subscription.confirm_token_hash
    assert len(subscription.confirm_token_hash) == 64  # only the SHA-256 is kept

    # unconfirmed: nothing is sent
    assert subscriptions.notify_subscribers() == 0
    assert client.get(confirm).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None
    assert client.get(confirm).status_code == 404  # used up

    # nothing open matches Klima in Oßweil yet; once the planned one opens it is mailed, once
    mail.outbox.clear()
    assert subscriptions.notify_subscribers() == 0
    Consultation.objects.filter(slug=PLANNED_SLUG).update(opens_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("notify_subscribers", "--base-url", "nowhere", stdout=out)
    call_command("notify_subscribers", stdout=out)
    assert "1 email(s) sent" in out.getvalue()
    (notice,) = mail.outbox
    assert f"/beteiligung/{PLANNED_SLUG}/" in notice.body
    assert f"/beteiligung/{SLUG}/" not in notice.body  # the city-wide one has other themes
    assert "List-Unsubscribe" in notice.extra_headers
    call_command("notify_subscribers", stdout=StringIO())
    assert len(mail.outbox) == 1 and SubscriptionNotice.objects.count() == 1

    unsubscribe = link_in(notice, "/beteiligung/abbestellen/")
    page = client.get(unsubscribe)
    assert page.status_code == 200 and Subscription.objects.exists()  # a GET (link scanners) changes nothing
    assert client.post(unsubscribe).status_code == 200
    assert not Subscription.objects.exists()
    assert client.post(unsubscribe).status_code == 404
    assert client.get("/beteiligung/abbestellen/gefaelscht:1:abc/").status_code == 404


def test_without_choices_every_open_consultation_matches(demo):
    subscription = subscriptions.subscription_create(email=EMAIL, base_url="http://testserver")
    subscriptions.subscription_confirm(token=link_token(mail.outbox[0].body))
    assert subscriptions.notify_subscribers(base_url="http://testserver") == 1
    body = mail.outbox[-1].body
    open_now = [c.slug for c in Consultation.objects.all() if c.phase() == "open"]
    assert SLUG in open_now and len(open_now) > 1  # the demo's formats add open consultations
    assert all(f"/beteiligung/{slug}/" in body for slug in open_now)
    assert f"/beteiligung/{EVALUATED_SLUG}/" not in body
    assert SubscriptionNotice.objects.filter(subscription=subscription).count() == len(open_now)


def link_token(body: str) -> str:
    return re.search(r"/bestaetigen/([^/\s]+)/", body).group(1)


def test_an_expired_confirmation_link_confirms_nothing(client, demo):
    subscriptions.subscription_create(
        email=EMAIL, base_url="http://testserver", now=timezone.now() - dt.timedelta(days=3)
    )
    token = link_token(mail.outbox[0].body)
    assert client.get(f"/beteiligung/abonnieren/bestaetigen/{token}/").status_code == 404
    assert Subscription.objects.get().confirmed_at is None
    assert subscriptions.purge_unconfirmed() == 1 and not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "kein-at-zeichen"}, "email"),
        ({"email": "x" * 250 + "@example.org"}, "email"),
        ({"quartier": ["99999999"]}, "quartiere"),
        ({"quartier": ["abc"]}, "quartiere"),
        ({"thema": ["Gibt es nicht"]}, "themes"),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_stored(client, demo, fields, field):
    response = subscribe(client, **fields)
    assert response.status_code == 400
    assert 'id="subscribe-error"' in response.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


def test_the_honeypot_and_the_throttle(client, demo, settings):
    assert subscribe(client, website="http://spam.example").status_code == 400
    assert not Subscription.objects.exists() and not mail.outbox
    settings.PORTAL_SUBSCRIBE_RATE = "3/h"  # the honeypot's request counted too
    assert subscribe(client).status_code == 200
    assert subscribe(client).status_code == 200
    third = subscribe(client)
    assert third.status_code == 429 and int(third["Retry-After"]) > 0
    assert Subscription.objects.count() == 2


def test_the_address_is_in_no_public_output(client, demo):
    subscriptions.subscription_create(email=EMAIL, base_url="http://testserver")
    subscriptions.subscription_confirm(token=link_token(mail.outbox[0].body))
    for path in (
        "/beteiligung/",
        "/beteiligung/kalender/",
        "/beteiligung/karte.json",
        "/beteiligung/feed.atom",
        f"/beteiligung/{SLUG}/",
        "/beteiligung/prozesse/ludwigsburg-geht-weiter/",
        "/beteiligung/abonnieren/",
        "/api/consultations/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert EMAIL not in response.content.decode(), path
        assert "geheim.abonnentin" not in response.content.decode(), path


def test_the_account_export_and_erasure_cover_subscriptions(demo):
    subscriptions.subscription_create(email=EMAIL.upper(), base_url="http://testserver")
    user = user_in("abonnentin")
    user.email = EMAIL
    entry = next(p for p in formats.personal_data() if p.key == "subscriptions")
    (row,) = entry.export(user)
    assert row["email"] == EMAIL.upper() and row["confirmed_at"] is None
    assert entry.erase(user) >= 1 and not Subscription.objects.exists()
