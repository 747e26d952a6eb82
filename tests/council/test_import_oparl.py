"""``manage.py import_oparl`` against a local OParl server (tests/council/server.py): pages followed,
incremental runs, deleted objects, and failures that write nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from council.models import (
    AgendaItem,
    Body,
    Meeting,
    Organization,
    Paper,
    PaperConsultation,
    PaperFile,
    SyncState,
)
from tests.council.conftest import LUDWIGSBURG


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_oparl", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "bodies": Body.objects.count(),
        "organizations": Organization.objects.count(),
        "meetings": Meeting.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
        "papers": Paper.objects.count(),
        "consultations": PaperConsultation.objects.count(),
        "files": PaperFile.objects.count(),
        "sync_states": SyncState.objects.count(),
    }


def later(minutes: int = 5) -> str:
    return (timezone.now() + dt.timedelta(minutes=minutes)).isoformat()


def test_it_imports_a_system_with_every_page_of_its_lists(cities, server):
    out = run(server.url("system"))

    assert counts() == {
        "bodies": 1,
        "organizations": 3,
        "meetings": 3,
        "agenda_items": 6,
        "papers": 5,
        "consultations": 6,
        "files": 3,
        "sync_states": 1,
    }
    body = Body.objects.get()
    assert body.city == cities[LUDWIGSBURG] and body.ags == LUDWIGSBURG
    # 5 papers at 2 a page: the importer followed links.next to pages 2 and 3
    paper_pages = [p for p in server.paths if "/body/1/paper" in p]
    assert len(paper_pages) == 3
    assert any("page=3" in p for p in paper_pages)
    assert "papers 5" in out
    paper = Paper.objects.get(reference="354/20")
    assert paper.city_id == cities[LUDWIGSBURG].pk  # from its body (the insert trigger / parent)
    assert paper.paper_type == "Beschlussvorlage" and paper.date == dt.date(2020, 12, 15)
    assert paper.web == server.url("web/vorlage/354-20")
    assert {f.role for f in paper.files.all()} == {"main", "auxiliary"}
    consultation = paper.consultations.get()
    assert consultation.role == "Beschlussfassung" and consultation.authoritative
    item = AgendaItem.objects.get(oparl_id=consultation.agenda_item_ref)
    assert item.result == "Beschlossen" and item.meeting.start.date() == dt.date(2021, 1, 26)
    assert item.city_id == cities[LUDWIGSBURG].pk


def test_it_imports_one_body_from_its_own_url(cities, server):
    run(server.url("body/1"))
    assert Paper.objects.count() == 5 and Body.objects.get().oparl_id == server.url("body/1")


def test_a_second_run_asks_only_for_what_changed_since_the_first(cities, server):
    run(server.url("system"))
    synced = SyncState.objects.get().synced_at
    server.paths.clear()

    out = run(server.url("system"))

    lists = [p for p in server.paths if "/body/1/" in p]
    assert lists and all("modified_since=" in p for p in lists)
    assert "papers 0" in out and "organizations 0" in out
    assert SyncState.objects.get().synced_at > synced
    assert Paper.objects.count() == 5


def test_a_changed_paper_is_updated_in_place(cities, server):
    run(server.url("system"))
    paper = next(p for p in server.fixture["papers"] if p["reference"] == "312/20")
    paper["name"] = "Beteiligungsplattform: neuer Titel"
    paper["modified"] = later()
    server.paths.clear()

    out = run(server.url("system"))

    assert "papers 1" in out
    assert Paper.objects.count() == 5
    assert Paper.objects.get(reference="312/20").name == "Beteiligungsplattform: neuer Titel"
    # only the changed paper came back: one page
    assert len([p for p in server.paths if "/body/1/paper" in p]) == 1


def test_an_object_deleted_in_the_source_is_marked_and_hidden(cities, server):
    run(server.url("system"))
    papers = server.fixture["papers"]
    index = next(i for i, p in enumerate(papers) if p["reference"] == "042/22")
    papers[index] = {
        "id": papers[index]["id"],
        "type": papers[index]["type"],
        "deleted": True,
        "modified": later(),
    }

    out = run(server.url("system"))

    assert "deleted 1" in out
    paper = Paper.objects.get(oparl_id=papers[index]["id"])
    assert paper.deleted and paper.name  # kept as a marker with what it had
    assert Paper.objects.filter(deleted=False).count() == 4


def test_a_full_run_marks_what_the_source_no_longer_lists(cities, server):
    run(server.url("system"))
    server.fixture["papers"] = [p for p in server.fixture["papers"] if p["reference"] != "041/22"]

    run(server.url("system"), "--full")

    assert Paper.objects.get(reference="041/22").deleted
    assert Paper.objects.filter(deleted=False).count() == 4


def test_running_it_again_changes_nothing(cities, server):
    run(server.url("system"), "--full")
    before = counts()
    run(server.url("system"), "--full")
    assert counts() == before


def test_since_overrides_the_stored_time(cities, server):
    run(server.url("system"), "--since", "2022-01-01T00:00:00+01:00")
    # only the objects modified since 2022: the Bauausschuss' meeting and its two papers
    assert sorted(Paper.objects.values_list("reference", flat=True)) == ["041/22", "042/22"]
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (500, "HTTP 500"),
        (b"{not json", "kein gültiges JSON"),
        (
            b'{"data": [{"id": "http://x/1", "type": "https://schema.oparl.org/1.1/Person"}]}',
            "erwartet war ein OParl-Paper",
        ),
        (b"[1, 2]", "kein JSON-Objekt"),
    ],
)
def test_a_failing_list_page_writes_nothing(cities, server, failure, message):
    server.failures["body/1/paper"] = failure

    with pytest.raises(CommandError, match=message):
        run(server.url("system"))

    assert set(counts().values()) == {0}


def test_a_failure_in_a_later_run_keeps_what_was_there_and_the_sync_time(cities, server):
    run(server.url("system"))
    synced = SyncState.objects.get().synced_at
    paper = next(p for p in server.fixture["papers"] if p["reference"] == "312/20")
    paper["name"] = "Geändert"
    paper["modified"] = later()
    server.failures["body/1/meeting"] = 503

    with pytest.raises(CommandError, match="HTTP 503"):
        run(server.url("system"))

    assert SyncState.objects.get().synced_at == synced
    assert Paper.objects.get(reference="312/20").name != "Geändert"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/oparl", "javascript:alert(1)", "not a url"]
)
def test_only_http_and_https_are_read(cities, url):
    with pytest.raises(CommandError, match="nur http- und https-Adressen"):
        run(url)
    assert Body.objects.count() == 0


def test_an_unreachable_server_is_a_clear_error(cities):
    with pytest.raises(CommandError, match="konnte nicht gelesen werden"):
        run("http://127.0.0.1:9/oparl/v1/system", "--timeout", "2")


def test_a_body_of_no_city_of_the_service_is_refused(cities, server):
    server.fixture["bodies"][0]["ags"] = "09162000"
    server.fixture["bodies"][0]["rgs"] = ""
    with pytest.raises(CommandError, match="09162000"):
        run(server.url("system"))
    assert Body.objects.count() == 0


def test_the_city_is_found_by_the_regional_key_too(cities, server):
    del server.fixture["bodies"][0]["ags"]
    run(server.url("system"))
    assert Body.objects.get().city == cities[LUDWIGSBURG]


def test_links_other_than_http_are_not_kept(cities, server):
    paper = server.fixture["papers"][0]
    paper["web"] = "javascript:alert(1)"
    paper["name"] = "<script>alert(1)</script> {{ 6*7 }}"
    run(server.url("system"))
    stored = Paper.objects.get(oparl_id=paper["id"])
    assert stored.web == ""
    assert stored.name == "<script>alert(1)</script> {{ 6*7 }}"  # data, kept as it came


def test_a_bad_since_is_a_clear_error(cities, server):
    with pytest.raises(CommandError, match="--since"):
        run(server.url("system"), "--since", "yesterday")


class _Stop(Exception):
    pass


def test_every_keeps_importing_and_survives_a_failed_run(cities, server, monkeypatch):
    """--every: a failed run is reported on stderr and the next interval imports again."""
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:
            server.failures.clear()  # the server is back for the second run
            return
        raise _Stop

    monkeypatch.setattr("council.management.commands.import_oparl.time.sleep", sleep)
    server.failures["body/1/paper"] = 500
    err = StringIO()
    with pytest.raises(_Stop):
        call_command("import_oparl", server.url("system"), "--every", "5", stdout=StringIO(), stderr=err)
    assert "HTTP 500" in err.getvalue()
    assert sleeps == [300, 300]
    assert Paper.objects.count() == 5  # the second run imported


def test_every_must_be_at_least_a_minute(cities, server):
    with pytest.raises(CommandError, match="--every"):
        run(server.url("system"), "--every", "0")
