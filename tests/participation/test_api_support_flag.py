"""Support (once per account or browser, withdrawable) and flags (N open flags hide a contribution;
once per account, or per browser and client address: tests/security/test_flags.py)."""

from participation.models import Flag, ModerationEvent, Status, Support
from participation.privacy import BROWSER_COOKIE
from tests.participation.conftest import body, client_for, counts, create, user_in


def test_a_browser_supports_once_and_can_withdraw(api, consultation):
    c = create(consultation, publish=True)
    url = f"/api/contributions/{c.pk}/support/"

    first = api.post(url)
    assert first.status_code == 201
    assert body(first) == {"supports": 1, "supported": True}
    assert BROWSER_COOKIE in first.cookies
    assert first.cookies[BROWSER_COOKIE]["httponly"]

    before = counts()
    again = api.post(url)
    assert again.status_code == 409
    assert body(again)["detail"]
    assert counts() == before

    assert body(api.get("/api/participation/me/")) == {"supported": [c.pk]}
    withdrawn = api.delete(url)
    assert (withdrawn.status_code, body(withdrawn)) == (200, {"supports": 0, "supported": False})
    assert api.delete(url).status_code == 404


def test_another_browser_counts_separately(api, consultation):
    c = create(consultation, publish=True)
    url = f"/api/contributions/{c.pk}/support/"
    api.post(url)
    assert body(client_for(None).post(url)) == {"supports": 2, "supported": True}


def test_a_tampered_cookie_is_a_new_browser(api, consultation):
    c = create(consultation, publish=True)
    url = f"/api/contributions/{c.pk}/support/"
    api.post(url)
    api.cookies[BROWSER_COOKIE] = "forged"
    assert api.post(url).status_code == 201


def test_an_account_supports_once(consultation, citizen):
    c = create(consultation, publish=True)
    client = client_for(citizen)
    url = f"/api/contributions/{c.pk}/support/"
    assert client.post(url).status_code == 201
    assert client.post(url).status_code == 409
    assert Support.objects.get().user == citizen


def test_pending_and_unknown_contributions_cannot_be_supported(api, consultation):
    pending = create(consultation)
    before = counts()
    assert api.post(f"/api/contributions/{pending.pk}/support/").status_code == 404
    assert api.post("/api/contributions/999999/support/").status_code == 404
    assert counts() == before


def test_flags_hide_a_contribution_at_the_threshold(consultation, settings):
    settings.PARTICIPATION_FLAG_THRESHOLD = 2
    c = create(consultation, publish=True)
    url = f"/api/contributions/{c.pk}/flag/"

    first = client_for(None).post(url, {"reason": "spam"}, format="json", REMOTE_ADDR="203.0.113.1")
    assert first.status_code == 201
    c.refresh_from_db()
    assert c.status == Status.PUBLISHED

    second = client_for(None).post(
        url, {"reason": "offensive", "note": "rude"}, format="json", REMOTE_ADDR="203.0.113.2"
    )
    assert second.status_code == 201
    c.refresh_from_db()
    assert c.status == Status.HIDDEN
    event = ModerationEvent.objects.get(contribution_id=c.pk)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "auto_hide",
        None,
        "published",
        "hidden",
    )


def test_a_browser_flags_once(api, consultation):
    c = create(consultation, publish=True)
    url = f"/api/contributions/{c.pk}/flag/"
    assert api.post(url, {"reason": "spam"}, format="json").status_code == 201
    before = counts()
    assert api.post(url, {"reason": "spam"}, format="json").status_code == 409
    assert counts() == before


def test_a_flag_needs_a_known_reason(api, consultation):
    c = create(consultation, publish=True)
    before = counts()
    response = api.post(f"/api/contributions/{c.pk}/flag/", {"reason": "meh"}, format="json")
    assert response.status_code == 400
    assert body(response)["reason"]
    assert counts() == before


def test_withdrawing_needs_no_open_consultation_but_supporting_does(api, make_consultation):
    consultation = make_consultation()
    c = create(consultation, publish=True)
    api.post(f"/api/contributions/{c.pk}/support/")
    consultation.closes_at = consultation.opens_at + (consultation.closes_at - consultation.opens_at) / 1000
    consultation.save()
    other = user_in("late")
    assert client_for(other).post(f"/api/contributions/{c.pk}/support/").status_code == 400
    assert api.delete(f"/api/contributions/{c.pk}/support/").status_code == 200
    assert Flag.objects.count() == 0
