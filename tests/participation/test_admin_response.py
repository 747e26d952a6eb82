"""An official response written in the admin goes through ``moderation.response_set``, like one from
the API: validated, audited (ModerationEvent), signed by the staff member and mailed to the
contributor."""

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core import mail
from django.test import Client

from participation.models import Action, ModerationEvent, Response
from tests.participation.conftest import create, user_in

ANNA = "anna.beispiel@example.org"


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(user_in("amtsleitung", is_staff=True, is_superuser=True))
    return client


def change_form_data(client: Client, url: str) -> dict:
    """What the admin's change form would post unchanged: the form's and the inlines' current values."""
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, GEOSGeometry):
            value = value.ewkt
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
    return data


def post_response(client: Client, contribution, *, text: str, outcome: str, follow: bool = False):
    """The contribution's admin change form, posted unchanged but for a new official response."""
    url = f"/admin/participation/contribution/{contribution.pk}/change/"
    data = change_form_data(client, url)
    data.update(
        {
            "response-TOTAL_FORMS": "1",
            "response-0-text": text,
            "response-0-unit": "Stadtplanungsamt",
            "response-0-outcome": outcome,
            "response-0-date": "2026-12-01",
        }
    )
    return client.post(url, data, follow=follow)


def test_a_response_from_the_admin_is_audited_signed_and_mailed(
    consultation, admin_client, django_capture_on_commit_callbacks
):
    c = create(consultation, email=ANNA, publish=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_response(admin_client, c, text="  Wir prüfen den Standort.  ", outcome="considered")
    assert answer.status_code == 302, answer.context and answer.context["adminform"].form.errors

    response = Response.objects.get(contribution=c)
    assert response.text == "Wir prüfen den Standort." and response.author.username == "amtsleitung"
    assert ModerationEvent.objects.filter(contribution_id=c.pk, action=Action.RESPOND).count() == 1
    (message,) = mail.outbox
    assert message.to == [ANNA] and "Wir prüfen den Standort." in message.body


def test_an_invalid_response_is_refused_with_a_message(consultation, admin_client):
    c = create(consultation, email=ANNA, publish=True)
    # "taken into a measure" needs the measure
    answer = post_response(admin_client, c, text="Übernommen.", outcome="measure", follow=True)
    assert not Response.objects.filter(contribution=c).exists()
    assert any(
        "Response not saved" in str(m) or "nicht gespeichert" in str(m) for m in answer.context["messages"]
    )
