"""``manage.py import_addresses``: files written here (CSV, and GeoPackage made from them with GDAL's
ogr2ogr) imported into the demo's areas, and what landed checked in PostGIS."""

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from quartiere.addresses import AddressFields, address_import_file
from quartiere.management.commands.load_demo import DEMO, DEMO_ADDRESS_FIELDS, load_demo_places
from quartiere.models import Address, Area, Level
from quartiere.services import ImportRejected
from tests.fixtures import kept_for_the_module

# the official house coordinates' column names (Hauskoordinaten: OI object id, STN street, HNR number,
# ADZ addition, PLZ postcode, ORT place), semicolon-separated as they are delivered
HEADER = "OI;STN;HNR;ADZ;PLZ;ORT;lon;lat"
ROWS = [
    "DEBWL001;Marktplatz;1;;71634;Ludwigsburg;9.1920000;48.8962808",
    "DEBWL002;Schloßstraße;3;a;71634;Ludwigsburg;9.1933770;48.8986617",
    "DEBWL003;Aldinger Straße;7;;71640;Ludwigsburg-Oßweil;9.2310000;48.8920000",
]
OFFICIAL = [
    "--street-field",
    "STN",
    "--number-field",
    "HNR",
    "--suffix-field",
    "ADZ",
    "--postcode-field",
    "PLZ",
    "--place-field",
    "ORT",
    "--id-field",
    "OI",
]
CSV_COORDINATES = ["--x-field", "lon", "--y-field", "lat", "--srid", "4326"]


@pytest.fixture(scope="module", autouse=True)
def demo_areas(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker, lambda: load_demo_places(addresses=False)):
        yield


def csv_file(tmp_path: Path, rows: list[str], name: str = "hauskoordinaten.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def geopackage(tmp_path: Path, rows: list[str]) -> Path:
    """The rows as a GeoPackage of points in EPSG:25832, written by ogr2ogr."""
    dest = tmp_path / "hauskoordinaten.gpkg"
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GPKG",
            str(dest),
            str(csv_file(tmp_path, rows)),
            "-oo",
            "X_POSSIBLE_NAMES=lon",
            "-oo",
            "Y_POSSIBLE_NAMES=lat",
            "-s_srs",
            "EPSG:4326",
            "-t_srs",
            "EPSG:25832",
            "-nln",
            "adressen",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return dest


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_addresses", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def utm(lon: float, lat: float) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 25832) AS p",
            [lon, lat],
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_it_imports_a_geopackage_with_the_official_columns(tmp_path):
    out, _ = run(str(geopackage(tmp_path, ROWS)), *OFFICIAL, "--source", "HK-BW")
    assert "created 3, updated 0, unchanged 0, skipped 0" in out
    address = Address.objects.get(ref="DEBWL002")
    assert (address.street, address.number, address.postcode, address.place, address.source) == (
        "Schloßstraße",
        "3a",
        "71634",
        "Ludwigsburg",
        "HK-BW",
    )
    assert address.point.srid == 25832
    x, y = utm(9.1933770, 48.8986617)
    assert address.point.distance(type(address.point)(x, y, srid=25832)) < 0.01
    # each address carries its city, found in PostGIS
    assert {a.city.code for a in Address.objects.all()} == {"08118048"}
    assert Address.objects.get(ref="DEBWL003").key == "aldinger strasse 7 71640 ludwigsburg ossweil"


@pytest.mark.django_db
def test_it_imports_a_csv_and_a_second_import_changes_nothing(tmp_path):
    path = csv_file(tmp_path, ROWS)
    out, _ = run(str(path), *OFFICIAL, *CSV_COORDINATES)
    assert "created 3" in out
    before = list(Address.objects.order_by("ref").values_list("id", "ref", "street", "number", "point"))
    assert Address.objects.get(ref="DEBWL001").source == "hauskoordinaten"  # named after the file
    out, _ = run(str(path), *OFFICIAL, *CSV_COORDINATES)
    assert "created 0, updated 0, unchanged 3, skipped 0" in out
    assert (
        list(Address.objects.order_by("ref").values_list("id", "ref", "street", "number", "point")) == before
    )
    # a moved house is updated in place, by its id
    moved = [ROWS[0].replace("48.8962808", "48.8963808"), *ROWS[1:]]
    out, _ = run(str(csv_file(tmp_path, moved)), *OFFICIAL, *CSV_COORDINATES)
    assert "created 0, updated 1, unchanged 2" in out
    assert Address.objects.get(ref="DEBWL001").id == before[0][0]


@pytest.mark.django_db
def test_without_an_id_the_address_is_its_own_key(tmp_path):
    path = csv_file(tmp_path, ROWS)
    fields = ["--street-field", "STN", "--number-field", "HNR", "--postcode-field", "PLZ", *CSV_COORDINATES]
    assert "created 3" in run(str(path), *fields)[0]
    assert "unchanged 3" in run(str(path), *fields)[0]
    assert Address.objects.get(street="Marktplatz").ref == "marktplatz 1 71634"


@pytest.mark.django_db
def test_one_bad_row_and_nothing_is_imported_all_of_them_listed(tmp_path):
    bad = [
        *ROWS,
        "DEBWL004;;5;;71634;Ludwigsburg;9.19;48.89",  # no street
        # in no city: the demo's cities cover the whole region, and Heilbronn lies 5 km north of it
        "DEBWL005;Kaiserstraße;1;;74072;Heilbronn;9.2185;49.1427",
        "DEBWL001;Marktplatz;2;;71634;Ludwigsburg;9.1921;48.8962",  # the id twice: both refused
        "DEBWL006;Seestraße;4;;71638;Ludwigsburg;x;48.9",  # no coordinates
    ]
    path = csv_file(tmp_path, bad)
    err = StringIO()
    with pytest.raises(CommandError, match=r"5 address\(es\) rejected; nothing imported"):
        call_command("import_addresses", str(path), *OFFICIAL, *CSV_COORDINATES, stderr=err)
    assert Address.objects.count() == 0
    listed = err.getvalue()
    assert "no street in 'STN'" in listed
    assert "(Kaiserstraße 1): lies in no city" in listed
    assert "occurs more than once" in listed
    assert "(Seestraße 4): no coordinates" in listed
    # --skip-invalid: the valid ones, the others listed as skipped
    out, err2 = run(str(path), *OFFICIAL, *CSV_COORDINATES, "--skip-invalid")
    assert "created 2, updated 0, unchanged 0, skipped 5" in out
    assert "skipped row" in err2
    assert sorted(Address.objects.values_list("ref", flat=True)) == ["DEBWL002", "DEBWL003"]


@pytest.mark.django_db
def test_the_crs_comes_from_the_file_or_the_allow_list(tmp_path):
    path = csv_file(tmp_path, ROWS)
    coordinates = ["--x-field", "lon", "--y-field", "lat"]
    with pytest.raises(CommandError, match="names no CRS"):
        run(str(path), *OFFICIAL, *coordinates)
    with pytest.raises(CommandError, match="--srid: EPSG:2056 is not supported"):
        run(str(path), *OFFICIAL, *coordinates, "--srid", "2056")
    with pytest.raises(CommandError, match="--srid: must be an EPSG code"):
        run(str(path), *OFFICIAL, *coordinates, "--srid", "+proj=longlat")
    with pytest.raises(CommandError, match="'STRASSE' is not a field"):
        run(str(path), "--street-field", "STRASSE", "--number-field", "HNR", *coordinates, "--srid", "4326")
    assert Address.objects.count() == 0


@pytest.mark.django_db
def test_a_progress_bar_on_request(tmp_path, capsys):
    fields = AddressFields(street="STN", number="HNR", ref="OI", x="lon", y="lat")
    summary = address_import_file(csv_file(tmp_path, ROWS), fields=fields, srid=4326, progress=True)
    assert summary.created == 3
    assert "reading: 100%" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_demo_addresses_lie_in_their_quartiere():
    fields = DEMO_ADDRESS_FIELDS
    summary = address_import_file(DEMO / "addresses.csv", fields=fields, source="demo", srid=4326)
    assert summary.created == Address.objects.count() >= 100
    mitte = Area.objects.get(level=Level.QUARTIER, code="08118048-01")  # Ludwigsburg's Mitte
    assert Address.objects.filter(street="Marktplatz", point__within=mitte.geom).count() == 12
    with pytest.raises(ImportRejected, match="source needs a name"):
        address_import_file(DEMO / "addresses.csv", fields=fields, source="x" * 101, srid=4326)
