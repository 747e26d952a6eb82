"""The Atom feeds of status changes and official responses, per city (/massnahmen/feed.atom) and per
Quartier (/quartiere/<slug>/feed.atom).

Validity: each feed is validated against a RELAX NG schema transcribed from RFC 4287 Appendix B
(tests/data/atom/atom.rng, with lxml), and the RFC's rules that the schema cannot express are checked with
XPath: an author for the feed or every entry, a link rel="alternate" for entries without content,
ids that are absolute URIs and unique, dates in RFC 3339. Only public data: the history as the public
sees it (from publication on), published contributions, no email, no author."""

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils.html import escape
from lxml import etree

from measures import services as measure_services
from planning.transparency.selectors import status_history
from tests.planning.transparency_story import (
    CONTRIBUTION_TEXT,
    DRAFT_TITLE,
    EMAIL,
    PSEUDONYM,
    RESPONSE_TEXT,
    TITLE,
    Story,
    tell,
)

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parents[1] / "data" / "atom" / "atom.rng")))
NS = {"a": "http://www.w3.org/2005/Atom"}
# RFC 3339 date-time (section 5.6): full-date "T" full-time with a required offset
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture
def story(demo, planner) -> Story:
    return tell(planner)


def atom(client, url: str) -> etree._Element:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = etree.fromstring(response.content)
    assert_valid_atom(feed)
    return feed


def absolute_uri(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "tag"))


def assert_valid_atom(feed: etree._Element) -> None:
    """RFC 4287: the schema, then the rules beside it (sections 4.1.1, 4.1.2, 4.2.6, 3.3)."""
    assert SCHEMA.validate(feed), SCHEMA.error_log
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = feed.findall("a:entry", NS)
    has_author = feed.find("a:author/a:name", NS) is not None
    assert has_author or all(e.find("a:author", NS) is not None for e in entries)
    ids = [feed.findtext("a:id", namespaces=NS)] + [e.findtext("a:id", namespaces=NS) for e in entries]
    assert all(absolute_uri(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    dates = feed.xpath("//a:updated/text() | //a:published/text()", namespaces=NS)
    assert dates and all(RFC3339.match(d) for d in dates), dates
    assert feed.find("a:title", NS).text
    assert feed.xpath("a:link[@rel='self']/@href", namespaces=NS)
    newest = max(
        (datetime.fromisoformat(e.findtext("a:updated", namespaces=NS)) for e in entries), default=None
    )
    if newest:
        assert datetime.fromisoformat(feed.findtext("a:updated", namespaces=NS)) >= newest
    for entry in entries:
        assert entry.findtext("a:title", namespaces=NS)
        if entry.find("a:content", NS) is None:
            [alternate] = entry.xpath("a:link[@rel='alternate' or not(@rel)]/@href", namespaces=NS)
            assert absolute_uri(alternate)


def entries(feed: etree._Element) -> list[dict]:
    return [
        {
            "id": e.findtext("a:id", namespaces=NS),
            "title": e.findtext("a:title", namespaces=NS),
            "link": e.xpath("a:link/@href", namespaces=NS)[0],
            "summary": e.findtext("a:summary", namespaces=NS) or "",
        }
        for e in feed.findall("a:entry", NS)
    ]


def path(entry: dict) -> str:
    return urlsplit(entry["link"]).path


def test_the_schema_is_not_vacuous():
    valid = b"""<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>x</title>
        <updated>2025-01-01T00:00:00Z</updated><author><name>a</name></author></feed>"""
    assert SCHEMA.validate(etree.fromstring(valid))
    for broken in (
        valid.replace(b"<id>urn:x</id>", b""),  # no id
        valid.replace(b"2025-01-01T00:00:00Z", b"yesterday"),  # no date
        valid.replace(b"<title>x</title>", b"<title>x</title><title>y</title>"),  # two titles
        valid.replace(b"</feed>", b"<entry><id>urn:y</id><title>t</title></entry></feed>"),  # no updated
    ):
        assert not SCHEMA.validate(etree.fromstring(broken)), broken


def test_the_city_feed_is_valid_atom_with_status_changes_and_responses(client, story):
    feed = atom(client, "/massnahmen/feed.atom")
    assert feed.findtext("a:title", namespaces=NS) == "Ludwigsburg: measures and responses"
    assert feed.findtext("a:id", namespaces=NS) == "http://testserver/massnahmen/"
    found = entries(feed)
    measure = [e for e in found if path(e) == f"/massnahmen/{story.measure.pk}/"]
    assert [e["title"] for e in measure] == [
        f"Measure “{TITLE}”: planned → decided",
        f"Measure “{TITLE}” published: planned",
    ]
    [response] = [e for e in found if path(e) == f"/karte/beitraege/{story.contribution.pk}/"]
    assert (
        response["title"]
        == f"Official response to contribution {story.contribution.pk}: taken into a measure"
    )
    assert response["id"].startswith(f"http://testserver/karte/beitraege/{story.contribution.pk}/#response-")


def test_entries_carry_text_as_text(client, story):
    feed = atom(client, "/massnahmen/feed.atom")
    [summary] = feed.xpath(
        f"a:entry[a:link/@href='http://testserver/karte/beitraege/{story.contribution.pk}/']/a:summary",
        namespaces=NS,
    )
    # type="html": the reader unescapes once and shows the characters, never runs or renders them
    assert summary.get("type") == "html"
    assert escape(RESPONSE_TEXT) in summary.text and escape(TITLE) in summary.text
    assert "<b>" not in summary.text and "<script>" not in summary.text


def test_the_feeds_hold_no_draft_and_no_personal_data(client, story):
    for url in ("/massnahmen/feed.atom", "/quartiere/mitte/feed.atom"):
        raw = client.get(url).content.decode()
        assert DRAFT_TITLE not in raw and "interner Vermerk" not in raw
        assert EMAIL not in raw and "example.org" not in raw
        assert story.planner.username not in raw and story.moderator.username not in raw
        assert (
            f"/massnahmen/{story.draft.pk}/" not in raw and f"/karte/beitraege/{story.pending.pk}/" not in raw
        )
        # the contribution's own text and pseudonym are on its page, not in the feed
        assert escape(CONTRIBUTION_TEXT) not in raw and escape(PSEUDONYM) not in raw


def test_the_feed_follows_the_public_history(client, story):
    """Withdrawn: its entries leave the feed. Changed while withdrawn, published again: one change
    against the last published state, as the measure's page says."""
    measure = story.measure

    def update(**changes):
        measure_services.measure_update(
            measure_id=measure.pk, expected_versions=None, user=story.planner, **changes
        )

    update(published=False)
    assert f"/massnahmen/{measure.pk}/" not in client.get("/massnahmen/feed.atom").content.decode()
    update(status="in_progress")
    update(status="done")
    update(published=True)
    titles = [
        e["title"]
        for e in entries(atom(client, "/massnahmen/feed.atom"))
        if path(e) == f"/massnahmen/{measure.pk}/"
    ]
    assert titles == [
        f"Measure “{TITLE}”: decided → done",
        f"Measure “{TITLE}”: planned → decided",
        f"Measure “{TITLE}” published: planned",
    ]
    page = status_history(measure)
    assert [(e["kind"], e["old"], e["new"]) for e in page] == [
        ("published", None, "planned"),
        ("changed", "planned", "decided"),
        ("withdrawn", None, None),
        ("republished", "decided", "done"),
    ]
    html = client.get(f"/massnahmen/{measure.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    history = html[html.index('class="status-history"') :].split("</ol>", 1)[0]
    assert [" ".join(e.split()) for e in re.findall(r"</time>:\s*(.*?)</li>", history, re.S)] == [
        "published with status “planned”",
        "status changed from “planned” to “decided”",
        "withdrawn from publication",
        "published again; status changed from “decided” to “done”",
    ]
    assert "in progress" not in history  # held only while withdrawn


def test_a_quartier_feed_has_the_events_of_that_quartier_only(client, story):
    mitte = [path(e) for e in entries(atom(client, "/quartiere/mitte/feed.atom"))]
    assert f"/massnahmen/{story.measure.pk}/" in mitte
    assert f"/karte/beitraege/{story.contribution.pk}/" in mitte
    far = atom(client, "/quartiere/poppenweiler/feed.atom")
    assert far.findtext("a:title", namespaces=NS) == "Poppenweiler: measures and responses"
    paths = [path(e) for e in entries(far)]
    assert f"/massnahmen/{story.measure.pk}/" not in paths
    assert f"/karte/beitraege/{story.contribution.pk}/" not in paths


def test_a_feed_with_a_city_keeps_it_in_its_links(client, story):
    feed = atom(client, f"/quartiere/mitte/feed.atom?stadt={story.city.slug}")
    assert feed.xpath("a:link[@rel='self']/@href", namespaces=NS) == [
        f"http://testserver/quartiere/mitte/feed.atom?stadt={story.city.slug}"
    ]


def test_unknown_places_have_no_feed(client, story):
    assert client.get("/quartiere/atlantis/feed.atom").status_code == 404
    assert client.get("/massnahmen/feed.atom?stadt=atlantis").status_code == 404
    assert client.get("/quartiere/mitte/feed.atom?stadt=atlantis").status_code == 404


def test_a_feed_is_two_statements(client, story, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get("/massnahmen/feed.atom").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/quartiere/mitte/feed.atom").status_code == 200


def test_the_pages_and_feeds_only_read(client, story):
    for url in (
        "/massnahmen/",
        "/massnahmen/feed.atom",
        "/quartiere/mitte/feed.atom",
        "/strategie/",
        f"/massnahmen/{story.measure.pk}/",
        f"/karte/beitraege/{story.contribution.pk}/",
    ):
        assert client.post(url).status_code == 405, url
        assert client.head(url).status_code == 200, url
