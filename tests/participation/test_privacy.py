"""Pending, rejected and hidden contributions never appear in public output; email never does; the
contributor can delete through the secret link; erase_contributor erases a person by email."""

import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from participation.models import Contribution, ModerationEvent, Support
from participation.moderation import contribution_moderate
from tests.participation.conftest import body, client_for, create, post, user_in

SECRET = "geheim@example.org"


@pytest.fixture
def mixed(consultation, moderator):
    """One contribution in each status, all with an email address and a pseudonym."""
    made = {}
    for status in ("pending", "published", "rejected", "hidden"):
        made[status] = create(consultation, text=f"Text {status}", email=SECRET, pseudonym=f"P-{status}")
    contribution_moderate(contribution_id=made["published"].pk, action="publish", actor=moderator)
    contribution_moderate(contribution_id=made["rejected"].pk, action="reject", reason="r", actor=moderator)
    contribution_moderate(contribution_id=made["hidden"].pk, action="publish", actor=moderator)
    contribution_moderate(contribution_id=made["hidden"].pk, action="hide", actor=moderator)
    return made


def public_outputs(api, made, consultation) -> list[str]:
    urls = [
        "/api/contributions/",
        "/api/contributions/?limit=1000&srid=25832",
        f"/api/contributions/?consultation={consultation.pk}&bbox=8,48,10,50",
        f"/api/participation/stats/?consultation={consultation.pk}",
        "/api/participation/stats/?level=city",
        "/api/consultations/",
        "/api/participation/me/",
        "/karte/",
    ] + [f"/api/contributions/{c.pk}/" for c in made.values()]
    return [api.get(url).content.decode() for url in urls]


def test_only_published_contributions_are_public_and_never_with_email(api, mixed, consultation):
    outputs = public_outputs(api, mixed, consultation)
    text = "\n".join(outputs)

    assert "Text published" in text
    for status in ("pending", "rejected", "hidden"):
        assert f"Text {status}" not in text
        assert f"P-{status}" not in text
    assert SECRET not in text and "example.org" not in text
    listed = json.loads(outputs[0])
    assert [f["id"] for f in listed["features"]] == [mixed["published"].pk]
    assert set(listed["features"][0]["properties"]) == {
        "consultation",
        "category",
        "origin",
        "trialog_role",
        "text",
        "pseudonym",
        "created",
        "quartier",
        "supports",
        "generalised_m",
        "measures",
        "measure_links",
        "response",
    }
    for status in ("pending", "rejected", "hidden"):
        assert api.get(f"/api/contributions/{mixed[status].pk}/").status_code == 404


def test_stats_count_published_only(api, mixed, consultation):
    stats = body(api.get(f"/api/participation/stats/?consultation={consultation.pk}&level=city"))
    assert [a["contributions"] for a in stats["areas"]] == [1]


def test_locations_are_generalised_when_the_consultation_says_so(api, make_consultation):
    consultation = make_consultation(generalise_m=250)
    c = create(consultation, publish=True)

    feature = body(api.get(f"/api/contributions/{c.pk}/?srid=25832"))

    x, y = feature["geometry"]["coordinates"]
    assert x % 250 == 0 and y % 250 == 0
    assert abs(x - c.geom.x) <= 125 and abs(y - c.geom.y) <= 125
    assert feature["properties"]["generalised_m"] == 250


def link_parts(created: dict) -> tuple[str, int, str]:
    """(path, contribution id, token) of the secret link ``…/karte/loeschen/#<id>.<token>``."""
    url, code = created["delete_url"].split("#", 1)
    pk, token = code.split(".", 1)
    return url.split("testserver", 1)[1], int(pk), token


def test_the_secret_link_carries_its_token_in_the_fragment_only(api, consultation):
    created = body(post(api, consultation))
    path, pk, token = link_parts(created)

    # the fragment never reaches a server: the request line and a Referer hold only the path
    assert path == "/karte/loeschen/" and pk == created["id"] and len(token) >= 40
    page = api.get(path)
    assert page.status_code == 200 and Contribution.objects.count() == 1  # GET only asks
    assert page["Referrer-Policy"] == "same-origin"  # "no-referrer" made Chromium send Origin: null
    assert page["X-Robots-Tag"] == "noindex" and "no-store" in page["Cache-Control"]
    assert token not in page.content.decode()


def test_the_code_in_the_body_deletes_ones_own_contribution_once(api, consultation):
    path, pk, token = link_parts(body(post(api, consultation)))

    deleted = api.post(path, {"code": f"{pk}.{token}"})
    assert deleted.status_code == 200 and "Ihr Beitrag wurde gelöscht" in deleted.content.decode()
    assert not Contribution.objects.filter(pk=pk).exists()
    assert ModerationEvent.objects.get().action == "delete_own"
    again = api.post(path, {"code": f"{pk}.{token}"})
    assert again.status_code == 410 and "bereits gelöscht" in again.content.decode()
    assert token not in deleted.content.decode() + again.content.decode()


@pytest.mark.parametrize(
    "pasted",
    [
        "http://testserver/karte/loeschen/#{pk}.{token}",
        "  #{pk}.{token}\n",
        "https://example.org/karte/loeschen/{pk}/{token}/",  # the form of the links handed out before
    ],
)
def test_a_pasted_whole_link_works_too(api, consultation, pasted):
    path, pk, token = link_parts(body(post(api, consultation)))

    response = api.post(path, {"code": pasted.format(pk=pk, token=token)})

    assert response.status_code == 200
    assert Contribution.objects.count() == 0


def test_a_wrong_token_is_not_valid_and_deletes_nothing(api, consultation):
    path, pk, token = link_parts(body(post(api, consultation)))
    other = create(consultation)

    for code in (f"{pk}.{token}x", f"{other.pk}.{token}", f"{other.pk + 1000}.{token}"):
        response = api.post(path, {"code": code})
        assert response.status_code == 404, code
        assert "nicht (mehr) gültig" in response.content.decode()
    assert Contribution.objects.count() == 2


def test_without_a_code_it_asks_for_one_naming_the_field(api, consultation):
    path, _pk, _token = link_parts(body(post(api, consultation)))

    for sent in ({}, {"code": ""}, {"code": "no code"}, {"code": "\x00"}, {"code": "1." + "x" * 500}):
        response = api.post(path, sent)
        html = response.content.decode()
        assert response.status_code == 400, sent
        assert "Code: Bitte fügen Sie den Code" in html and 'aria-invalid="true"' in html
    assert Contribution.objects.count() == 1


def test_the_confirmation_is_protected_against_forgery_and_needs_a_real_origin(consultation):
    created = body(post(APIClient(), consultation))
    path, pk, token = link_parts(created)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": csrf, "code": f"{pk}.{token}"}

    # a page under "Referrer-Policy: no-referrer" posts with "Origin: null": refused (the bug fixed)
    assert browser.post(path, form, HTTP_ORIGIN="null").status_code == 403
    assert browser.post(path, {"code": f"{pk}.{token}"}, HTTP_ORIGIN="http://testserver").status_code == 403
    assert Contribution.objects.count() == 1
    assert browser.post(path, form, HTTP_ORIGIN="http://testserver").status_code == 200
    assert Contribution.objects.count() == 0


def test_an_old_link_redirects_to_the_page_with_the_token_in_the_fragment(api, consultation):
    _path, pk, token = link_parts(body(post(api, consultation)))

    response = api.get(f"/karte/loeschen/{pk}/{token}/")

    assert response.status_code == 302
    assert response["Location"] == f"/karte/loeschen/#{pk}.{token}"
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    assert Contribution.objects.count() == 1  # following a link never deletes
    # an old confirmation page still open posts to the old path: sent on to confirm again
    posted = api.post(f"/karte/loeschen/{pk}/{token}/")
    assert posted.status_code == 303 and Contribution.objects.count() == 1
    # nothing but a token's characters reaches the Location header
    assert api.get(f"/karte/loeschen/{pk}/a%0d%0aSet-Cookie:x/")["Location"] == "/karte/loeschen/"


def test_the_api_deletes_with_the_token_and_refuses_a_wrong_one(api, consultation):
    created = body(post(api, consultation))
    _path, _pk, token = link_parts(created)
    url = f"/api/contributions/{created['id']}/erase/"

    assert api.post(url, {"token": token + "x"}, format="json").status_code == 404
    assert Contribution.objects.count() == 1
    assert api.post(url, {"token": token}, format="json").status_code == 204
    assert Contribution.objects.count() == 0


def test_erase_contributor_erases_everything_by_email(consultation, capsys):
    mine = create(consultation, email="Anna@Example.org", publish=True)
    Support.objects.create(contribution=mine, browser="b1")
    other = create(consultation, email="bernd@example.org")
    account = user_in("anna", email="anna@example.org")
    kept = create(consultation, publish=True)
    Support.objects.create(contribution=kept, user=account)

    call_command("erase_contributor", "anna@example.org")

    assert list(Contribution.objects.values_list("pk", flat=True).order_by("pk")) == [other.pk, kept.pk]
    assert Support.objects.count() == 0
    event = ModerationEvent.objects.get(action="erase")
    assert (event.contribution_id, event.to_status) == (mine.pk, "")
    assert "erased 1" in capsys.readouterr().out


def test_erase_contributor_needs_an_address(db):
    with pytest.raises(CommandError):
        call_command("erase_contributor", " ")


def test_an_account_sees_no_other_accounts_supports(consultation, citizen):
    c = create(consultation, publish=True)
    client_for(citizen).post(f"/api/contributions/{c.pk}/support/")
    assert body(client_for(user_in("other")).get("/api/participation/me/")) == {"supported": []}
    assert body(client_for(citizen).get("/api/participation/me/")) == {"supported": [c.pk]}
