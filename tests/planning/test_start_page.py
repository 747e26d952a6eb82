"""The planners' start page /planung/uebersicht/: what waits — pending contributions, consultations
closing soon, measures without budget, overdue responses, unpublished measures — in the planner's
cities, each linking to where the work is done; planners land here after signing in."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from geo.permissions import MODERATORS, PLANNERS
from measures.services import budget_line_create, measure_create
from participation.models import Consultation, Contribution, Response
from planning.backoffice import waiting_work
from staff.models import Membership
from tests.fixtures import user_in

PAYLOAD = "{{ 6*7 }} <script>alert(1)</script>"


@pytest.fixture
def work(grid):
    """In city C: a consultation closing in 5 days, one pending and two published contributions
    (one 40 days old without response, one answered), a measure with and one without budget lines
    (the latter unpublished)."""
    city = grid["C"]
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Schließt bald",
        slug="bald",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=5),
    )
    Consultation.objects.create(
        title="Noch lange",
        slug="lange",
        city=city,
        area=city,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=60),
    )

    def contribution(text, status, days_old):
        return Contribution.objects.create(
            consultation=consultation,
            city=city,
            geom=grid["A"].geom.point_on_surface,
            text=text,
            category="idea",
            status=status,
            created_at=now - dt.timedelta(days=days_old),
        )

    pending = contribution("Bitte prüfen", "pending", 1)
    overdue = contribution("Seit Wochen ohne Antwort", "published", 40)
    answered = contribution("Beantwortet", "published", 40)
    Response.objects.create(contribution=answered, text="Danke", unit="Stadtplanung", outcome="considered")
    contribution("Neu veröffentlicht", "published", 2)
    budgeted = measure_create(city=city, title="Mit Geld", scope=city, published=True)
    budget_line_create(measure=budgeted, fiscal_year=2026, amount=Decimal(1000), kind="investment")
    unbudgeted = measure_create(city=city, title=PAYLOAD, scope=city)
    return {
        "pending": pending,
        "overdue": overdue,
        "unbudgeted": unbudgeted,
        "budgeted": budgeted,
        "consultation": consultation,
        **grid,
    }


def by_key(user) -> dict:
    return {w.key: w for w in waiting_work(user)}


def test_it_lists_what_waits(work, planner):
    waiting = by_key(planner)

    assert waiting["pending"].count == 1
    assert [i.text for i in waiting["closing"].items] == ["Schließt bald"]
    assert waiting["closing"].items[0].url == f"/planung/verfahren/{work['consultation'].pk}/"
    assert [i.url for i in waiting["unbudgeted"].items] == [f"/planung/massnahmen/{work['unbudgeted'].pk}/"]
    assert [i.text for i in waiting["overdue"].items] == ["Seit Wochen ohne Antwort"]
    assert [i.text for i in waiting["drafts"].items] == [PAYLOAD]


def test_the_due_period_is_a_setting(work, planner, settings):
    settings.PARTICIPATION_RESPONSE_DUE_DAYS = 1
    assert by_key(planner)["overdue"].count == 2  # the two-day-old one is overdue too
    settings.PARTICIPATION_RESPONSE_DUE_DAYS = 60
    assert by_key(planner)["overdue"].count == 0


def test_contributions_link_to_their_page_and_moderators_to_the_queue(work, planner):
    waiting = by_key(planner)
    # planners open a contribution's page to answer it; the queue is the moderators'
    assert waiting["overdue"].items[0].url == f"/moderation/{work['overdue'].pk}/"
    assert waiting["pending"].more_url == "" and waiting["overdue"].more_url == ""
    both = user_in("both", PLANNERS)
    both.groups.add(*user_in("m", MODERATORS).groups.all())
    waiting = by_key(both)
    assert waiting["pending"].items[0].url == f"/moderation/{work['pending'].pk}/"
    assert waiting["pending"].more_url == "/moderation/"
    assert waiting["overdue"].more_url == "/moderation/?state=overdue"


def test_a_planner_sees_only_the_work_of_their_cities(work):
    elsewhere = user_in("elsewhere", PLANNERS)
    Membership.objects.create(user=elsewhere, city=work["R"])  # not city C
    assert all(w.count == 0 for w in waiting_work(elsewhere))


def test_the_page_links_each_item(client, work, planner):
    client.force_login(planner)
    html = client.get("/planung/uebersicht/").content.decode()

    assert f'href="/planung/massnahmen/{work["unbudgeted"].pk}/"' in html
    assert f'href="/planung/verfahren/{work["consultation"].pk}/"' in html
    assert "Seit Wochen ohne Antwort" in html
    assert "<script>alert(1)" not in html and "{{ 6*7 }} &lt;script&gt;" in html
    assert 'aria-current="page">' in html


def test_anonymous_visitors_are_sent_to_sign_in_and_others_refused(client, db):
    response = client.get("/planung/uebersicht/")
    assert response.status_code == 302
    assert response["Location"] == "/planung/anmelden/?next=/planung/uebersicht/"
    client.force_login(user_in("mod", MODERATORS))
    assert client.get("/planung/uebersicht/").status_code == 403


def test_the_page_speaks_german_and_english(client, db, planner):
    client.force_login(planner)
    assert "What waits" in client.get("/planung/uebersicht/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Was wartet" in client.get("/planung/uebersicht/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
