"""Translations: every catalogue complete, well-formed and compiled; pages German first, English second."""

import ast
import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

BASE_DIR = Path(settings.BASE_DIR)
# every app's catalogues and the project's (LOCALE_PATHS: base template, settings)
CATALOGUES = sorted(BASE_DIR.glob("*/locale/*/LC_MESSAGES/django.po")) + sorted(
    BASE_DIR.glob("locale/*/LC_MESSAGES/django.po")
)
APPS_WITH_PAGES_OR_MODELS = ["quartiere", "measures", "geo", "participation", "planning", "staff"]
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$')


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file as dicts: ``msgctxt``, ``msgid``, ``msgstr`` (plural forms as
    ``msgstr[0]``…), ``fuzzy`` and ``obsolete``; the header (empty msgid) included."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"fuzzy": False, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line
        elif match := ENTRY.match(line):
            key = match.group(1)
            entry[key] = _unquote(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += _unquote(line)
    return entries


def _unquote(quoted: str) -> str:
    # PO strings use C escapes (\n, \", \\), which a Python string literal reads the same way
    return ast.literal_eval(quoted)


def label(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


def test_it_has_a_german_catalogue_for_the_project_and_each_app():
    german = {label(p) for p in CATALOGUES if p.parts[-3] == "de"}
    expected = {f"{app}/locale/de/LC_MESSAGES/django.po" for app in APPS_WITH_PAGES_OR_MODELS}
    assert expected | {"locale/de/LC_MESSAGES/django.po"} <= german


@pytest.mark.parametrize("po", CATALOGUES, ids=label)
def test_it_passes_msgfmt_format_checks(po):
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # msgfmt prints e.g. "12 translated messages, 1 fuzzy translation, 2 untranslated messages."
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


@pytest.mark.parametrize("po", CATALOGUES, ids=label)
def test_it_translates_every_entry_and_leaves_none_fuzzy(po):
    entries = [e for e in po_entries(po) if not e["obsolete"]]
    header = [e for e in entries if e["msgid"] == "" and "msgctxt" not in e]
    assert len(header) == 1 and not header[0]["fuzzy"], "the header is missing or still fuzzy"
    assert f"Language: {po.parts[-3]}\n" in header[0]["msgstr"]
    messages = [e for e in entries if e["msgid"] != "" or "msgctxt" in e]
    assert messages, "an empty catalogue"
    fuzzy = [e["msgid"] for e in messages if e["fuzzy"]]
    untranslated = [
        e["msgid"] for e in messages if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not untranslated, f"untranslated: {untranslated}"


@pytest.mark.parametrize("po", CATALOGUES, ids=label)
def test_its_compiled_catalogue_is_up_to_date(po, tmp_path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"run compilemessages: {label(mo)} is missing"
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    with mo.open("rb") as committed, fresh.open("rb") as compiled:
        # compared as catalogues, not bytes: another msgfmt version may lay the file out differently
        stale = gettext.GNUTranslations(committed)._catalog != gettext.GNUTranslations(compiled)._catalog
    assert not stale, f"{label(mo)} is older than its .po: run compilemessages"


# --- pages ------------------------------------------------------------------------------------

NAV = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
NAV_GERMAN = [
    "Übersicht",
    "Beteiligung",
    "Karte",
    "Bericht",
    "Maßnahmen",
    "Strategie",
    "Mein Konto",
    "Planung",
    "API",
    "OGC API",
]
NAV_ENGLISH = [
    "Overview",
    "Participation",
    "Map",
    "Report",
    "Measures",
    "Strategy",
    "My account",
    "Planning",
    "API",
    "OGC API",
]
NAV_PATHS = [
    "/",
    "/beteiligung/",
    "/karte/",
    "/bericht/",
    "/massnahmen/",
    "/strategie/",
    "/konto/",
    "/planung/",
    "/api/docs/",
    "/ogc/",
]


def nav_links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', NAV.search(html).group(1))


def page(client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_it_renders_german_without_any_language_preference(client, demo):
    html = page(client, "/")
    assert '<html lang="de">' in html
    assert nav_links(html) == list(zip(NAV_PATHS, NAV_GERMAN, strict=True))
    assert "Die Quartiersgrenzen der Demo sind beispielhaft" in html
    assert 'aria-label="Karte der Quartiere"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "german", "english"),
    [
        ("/", "Karte der Quartiere", "Map of the Quartiere"),
        ("/karte/", "Datenschutzhinweis", "Privacy notice"),
        ("/bericht/", "Stadtbericht Ludwigsburg", "City report Ludwigsburg"),
        ("/quartiere/mitte/", "Quartiersprofil in Ludwigsburg", "Quartier profile in Ludwigsburg"),
    ],
)
def test_it_follows_accept_language(client, demo, path, german, english):
    de = page(client, path, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    en = page(client, path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert german in de and english not in de
    assert english in en and german not in en
    assert '<html lang="en">' in en
    assert [text for _path, text in nav_links(de)] == NAV_GERMAN
    assert [text for _path, text in nav_links(en)] == NAV_ENGLISH


@pytest.mark.django_db
def test_the_language_switch_wins_over_the_browser(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/quartiere/mitte/"})
    assert response.status_code == 302 and response["Location"] == "/quartiere/mitte/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client, "/quartiere/mitte/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Quartier profile in Ludwigsburg" in html
    assert (
        '<button type="submit" name="language" value="en" lang="en" title="English" aria-current="true">'
        in html
    )

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert "Quartiersprofil in Ludwigsburg" in page(client, "/quartiere/mitte/", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_the_navigation_report_is_not_the_participation_report_button(client, demo):
    # both are msgid "Report": the navigation's carries a msgctxt so that "Melden" stays "Melden"
    html = page(client, "/karte/")
    assert [text for _path, text in nav_links(html)][3] == "Bericht"
    with override("de"):
        assert _("Report") == "Melden"


@pytest.mark.django_db
def test_it_marks_the_current_section_in_the_navigation(client, demo):
    html = page(client, "/quartiere/mitte/")
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', NAV.search(html).group(1))
    assert current == ["/bericht/"]
