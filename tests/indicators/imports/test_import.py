"""Importing indicator values (``manage.py import_indicators``, indicators.importing): CSV, XLSX and
GeoPackage files written here; every bad row listed with its row and column and nothing written;
--skip-invalid; idempotent re-import; the city scope of staff; the catalogue services."""

import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from geo.errors import Conflict, Forbidden, ServiceError
from indicators import services
from indicators.importing import ImportOptions, ImportRejected, parse_number
from indicators.models import Indicator, IndicatorValue
from quartiere.models import Area, Level
from staff.models import Membership
from tests.events.conftest import other_city
from tests.fixtures import user_in

MITTE, OST, CITY = "08118048-01", "08118048-03", "08118048"


@pytest.fixture(autouse=True)
def _in_english():
    """The messages as written in the code (the journey reads them in German)."""
    with translation.override("en"):
        yield


def value(key: str, code: str, year: int) -> float | None:
    found = IndicatorValue.objects.filter(indicator__key=key, area__code=code, year=year).first()
    return found.value if found else None


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_indicators", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str, name: str = "werte.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return write


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("12,5", "auto", 12.5),
        ("12.5", "auto", 12.5),
        ("1.234,5", "auto", 1234.5),
        ("1 234,5", "auto", 1234.5),
        ("1,234.5", "auto", 1234.5),
        ("1.234.567", "auto", 1234567.0),
        ("-0,75", "auto", -0.75),
        ("1.234", "comma", 1234.0),
        ("1.234", "point", 1.234),
        ("", "auto", None),
        (7, "auto", 7.0),
    ],
)
def test_it_reads_german_and_english_numbers(raw, decimal, expected):
    assert parse_number(raw, decimal) == expected


@pytest.mark.parametrize("raw", ["abc", "nan", "NaN", "inf", "-Infinity", "1.234", "12,5,3", "1e999"])
def test_it_refuses_what_is_no_finite_number_or_ambiguous(raw):
    with pytest.raises(ValueError):
        parse_number(raw, "auto")


def test_it_imports_a_german_csv_in_cp1252_and_reimports_without_change(demo, csv_file):
    path = csv_file(
        "Gebiet;Jahr;Quote;Qualität\n08118048-01;2025;12,5;geschätzt\n08118048-03;2025;1.234,5;\n",
        encoding="cp1252",
    )
    args = (path, "--code-column", "Gebiet", "--year-column", "Jahr", "--map", "Quote=sgb2_quote")
    out, _ = run(*args, "--quality-column", "Qualität")
    assert "created 2, updated 0, unchanged 0" in out
    assert value("sgb2_quote", MITTE, 2025) == 12.5
    assert value("sgb2_quote", OST, 2025) == 1234.5
    assert IndicatorValue.objects.get(area__code=MITTE, year=2025, indicator__key="sgb2_quote").quality == (
        "estimated"
    )
    out, _ = run(*args, "--quality-column", "Qualität")
    assert "created 0, updated 0, unchanged 2" in out
    # a changed value is updated, the other left alone
    path = csv_file(
        "Gebiet;Jahr;Quote;Qualität\n08118048-01;2025;13,0;geschätzt\n08118048-03;2025;1.234,5;\n"
    )
    out, _ = run(path, "--code-column", "Gebiet", "--year-column", "Jahr", "--map", "Quote=sgb2_quote",
                 "--quality-column", "Qualität")  # fmt: skip
    assert "created 0, updated 1, unchanged 1" in out
    assert value("sgb2_quote", MITTE, 2025) == 13.0


def test_every_bad_row_is_listed_and_nothing_is_written(demo, csv_file):
    before = IndicatorValue.objects.count()
    path = csv_file(
        "code,year,hitzetage,versiegelung\n"
        "08118048-01,2025,20,50\n"  # row 2: fine
        "99999,2025,21,51\n"  # row 3: unknown code
        "08118048-02,2025,abc,52\n"  # row 4: no number
        "08118048-03,2025,nan,53\n"  # row 5: not finite
        "08118048-01,2025,22,\n"  # row 6: the same as row 2 (hitzetage); versiegelung empty
        "08118048-04,1800,23,54\n"  # row 7: year out of range
    )
    with pytest.raises(CommandError, match="6 problem"):
        run(path, "--code-column", "code", "--year-column", "year")
    assert IndicatorValue.objects.count() == before
    with pytest.raises(ImportRejected) as caught:
        services.values_import(
            user=None, path=path, options=ImportOptions(code_column="code", year_column="year")
        )
    listed = [(p.row, p.column, p.reason) for p in caught.value.problems]
    assert listed == [
        (2, "hitzetage", "the same area, indicator and year as row 6"),
        (3, "code", "no area has the code “99999”"),
        (4, "hitzetage", "“abc” is no number"),
        (5, "hitzetage", "“nan” is no finite number"),
        (6, "hitzetage", "the same area, indicator and year as row 2"),
        (7, "year", "the year 1800 is outside 1900–2100"),
    ]
    assert caught.value.count == 6


def test_skip_invalid_imports_the_valid_values_and_reports_the_others(demo, csv_file):
    path = csv_file("code;year;hitzetage\n08118048-01;2025;20\n99999;2025;21\n08118048-02;2025;abc\n")
    out, err = run(path, "--code-column", "code", "--year-column", "year", "--skip-invalid")
    assert "created 1, updated 0, unchanged 0, skipped 2" in out
    assert "skipped row 3, column “code”: no area has the code “99999”" in err
    assert "skipped row 4, column “hitzetage”: “abc” is no number" in err
    assert value("hitzetage", MITTE, 2025) == 20.0


def test_unknown_indicator_and_level(demo, csv_file):
    path = csv_file("code;year;x\n08118048;2025;1\n")
    with pytest.raises(CommandError, match="No indicator has the key “nope”"):
        run(path, "--code-column", "code", "--year-column", "year", "--map", "x=nope")
    # the city's code at the quartier level is unknown there
    path = csv_file("code;wert\n08118048;1\n")
    with pytest.raises(CommandError, match="1 problem"):
        run(path, "--code-column", "code", "--year", "2025", "--map", "wert=hitzetage", "--level", "quartier")
    out, _ = run(
        path, "--code-column", "code", "--year", "2025", "--map", "wert=hitzetage", "--level", "city"
    )
    assert "created 1" in out
    assert value("hitzetage", CITY, 2025) == 1.0


def test_long_layout_from_xlsx(demo, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["ags", "jahr", "indikator", "wert"])
    sheet.append(["08118048-05", 2023, "kinderarmut", 17.25])
    sheet.append(["08118048-05", 2023.0, "hitzetage", "19,5"])
    path = tmp_path / "werte.xlsx"
    book.save(path)
    long = ("--indicator-column", "indikator", "--value-column", "wert")
    out, _ = run(str(path), "--code-column", "ags", "--year-column", "jahr", *long)
    # the demo has both values for 2023: two updates
    assert "created 0, updated 2" in out
    assert value("kinderarmut", "08118048-05", 2023) == 17.25
    assert value("hitzetage", "08118048-05", 2023) == 19.5


def test_geopackage_attributes(demo, tmp_path):
    source = tmp_path / "werte.geojson"
    source.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point",'
        '"coordinates":[9.19,48.9]},"properties":{"schluessel":"08118048-07","leerstand":12.5}}]}'
    )
    gpkg = tmp_path / "werte.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(gpkg), str(source)], check=True)
    out, _ = run(
        str(gpkg), "--code-column", "schluessel", "--year", "2025", "--map", "leerstand=ladenleerstand"
    )
    assert "created 1" in out
    assert value("ladenleerstand", "08118048-07", 2025) == 12.5


def test_staff_of_another_city_cannot_import_values_of_ludwigsburg(demo, csv_file):
    asperg = other_city(demo["VRS"]) if "VRS" in demo else other_city(Area.objects.get(level=Level.REGION))
    planner = user_in("stat-asperg", "planners")
    Membership.objects.create(user=planner, city=asperg)
    path = csv_file("code;year;hitzetage\n08118001;2025;10\n08118048-01;2025;20\n")
    options = ImportOptions(code_column="code", year_column="year")
    with pytest.raises(ImportRejected) as caught:
        services.values_import(user=planner, path=path, options=options)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, column “code”: “08118048-01” is not an area of your cities; "
        "you may import values only for them"
    ]
    assert value("hitzetage", "08118001", 2025) is None
    summary = services.values_import(user=planner, path=path, options=options, skip_invalid=True)
    assert (summary.created, summary.skipped) == (1, 1)


def test_citizens_cannot_import(demo, csv_file):
    path = csv_file("code;year;hitzetage\n08118048-01;2025;20\n")
    with pytest.raises(Forbidden):
        services.values_import(
            user=user_in("someone"), path=path, options=ImportOptions("code", year_column="year")
        )


def test_catalogue_services(demo):
    planner = user_in("katalog", "planners")
    values = {
        "name_de": "Lärm",
        "name_en": "Noise",
        "unit": "dB",
        "dimension": "green",
        "direction": "more_need",
    }
    created = services.indicator_create(user=planner, key="laerm", **values)
    assert created.key == "laerm" and not created.illustrative
    with pytest.raises(Conflict):
        services.indicator_create(user=planner, key="laerm", **values)
    with pytest.raises(ServiceError) as caught:
        services.indicator_create(user=planner, key="Lärm!", **values)
    assert caught.value.field == "key"
    with pytest.raises(ServiceError) as caught:
        services.indicator_create(user=planner, key="laerm2", **{**values, "dimension": "blue"})
    assert caught.value.field == "dimension"
    services.indicator_update(
        user=planner, indicator_id=created.pk, unit="dB(A)", reference_date="2024-06-30"
    )
    assert Indicator.objects.get(key="laerm").unit == "dB(A)"
    with pytest.raises(Forbidden):
        services.indicator_update(user=user_in("citizen"), indicator_id=created.pk, unit="x")


def test_the_demo_has_ten_illustrative_indicators_and_one_missing_value(demo):
    assert Indicator.objects.filter(illustrative=True, source="illustrativ – Demo-Daten").count() == 10
    assert value("ladenleerstand", "08118048-12", 2024) is None
    assert value("ladenleerstand", "08118048-12", 2023) is not None
    # 13 areas × 10 indicators × 6 years, one left out
    assert IndicatorValue.objects.filter(indicator__illustrative=True).count() == 779


def test_nul_bytes_and_markup_are_data(demo, csv_file):
    path = csv_file("code;year;hitzetage\n08118048-01;2025;1\x002\n<script>;2025;{{ 6*7 }}\n")
    with pytest.raises(ImportRejected) as caught:
        services.values_import(user=None, path=path, options=ImportOptions("code", year_column="year"))
    assert [str(p) for p in caught.value.problems] == [
        "row 3, column “code”: no area has the code “<script>”",
        "row 3, column “hitzetage”: “{{ 6*7 }}” is no number",
    ]
    assert services.values_import(user=None, path=path, options=ImportOptions("code", year_column="year"),
                                  skip_invalid=True).created == 1  # fmt: skip
    assert value("hitzetage", MITTE, 2025) == 12.0
