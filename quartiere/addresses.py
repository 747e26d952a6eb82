"""Writes of the address table: importing addresses with their points (e.g. the official house
coordinates, *Hauskoordinaten*) from any file GDAL reads — GeoPackage, Shapefile, GeoJSON, or CSV
with the coordinates in two columns."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.gdal.feature import Feature
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from tqdm import tqdm

from geo import crs
from geo.sql import load
from quartiere.services import ImportRejected, _layer_srid, _open_layer


@dataclass(frozen=True)
class AddressFields:
    """Which column of the file holds what; ``suffix`` is the number's addition ("a" of "3a"),
    ``ref`` a stable id of the address (without it the address itself is its key), ``x``/``y`` the
    coordinates when the file has no geometry (CSV)."""

    street: str
    number: str
    suffix: str | None = None
    postcode: str | None = None
    place: str | None = None
    ref: str | None = None
    x: str | None = None
    y: str | None = None

    def options(self) -> list[tuple[str, str | None]]:
        return [
            ("--street-field", self.street),
            ("--number-field", self.number),
            ("--suffix-field", self.suffix),
            ("--postcode-field", self.postcode),
            ("--place-field", self.place),
            ("--id-field", self.ref),
            ("--x-field", self.x),
            ("--y-field", self.y),
        ]


@dataclass
class AddressImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {self.skipped}"
        )


def _text(feature: Feature, name: str | None) -> str:
    if name is None:
        return ""
    value = feature.get(name)
    return "" if value is None else str(value).strip()


def _coordinate(text: str) -> float | None:
    """A coordinate from a text column ("512345.67", or with a German decimal comma); None if none."""
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if abs(value) < 1e8 else None  # also NaN and infinities: not below 1e8


def _row(feature: Feature, fields: AddressFields) -> tuple[tuple, str | None]:
    """One feature as a row of the staging table, and what is wrong with it (None if nothing is)."""
    street = _text(feature, fields.street)
    number = (_text(feature, fields.number) + _text(feature, fields.suffix)).replace(" ", "")
    row_id = f"row {feature.fid} ({street} {number})" if street else f"row {feature.fid}"
    x = y = None
    wkb = None
    problem = None
    if fields.x is not None and fields.y is not None:
        x, y = _coordinate(_text(feature, fields.x)), _coordinate(_text(feature, fields.y))
        if x is None or y is None:
            problem = "no coordinates"
    else:
        try:
            geom = feature.geom
        except GDALException:
            geom = None
        if geom is None or geom.empty:
            problem = "no geometry"
        else:
            wkb = bytes(geom.wkb).hex()
    if not street:
        problem = f"no street in {fields.street!r}"
    elif not number:
        problem = f"no house number in {fields.number!r}"
    elif len(street) > 200 or len(number) > 20:
        problem = "street or house number too long"
    ref = _text(feature, fields.ref)
    if fields.ref is not None and not ref:
        problem = problem or f"no id in {fields.ref!r}"
    postcode = _text(feature, fields.postcode)[:10]
    place = _text(feature, fields.place)[:200]
    return (
        feature.fid,
        row_id,
        ref[:300],
        street[:200],
        number[:20],
        postcode,
        place,
        wkb,
        x,
        y,
        problem,
    ), problem


def read_addresses(
    path: Path | str,
    *,
    fields: AddressFields,
    layer: str | None = None,
    srid: int | None = None,
    progress: bool = False,
) -> tuple[list[tuple], int]:
    """The rows of one layer of a GDAL-readable file and the EPSG code (from the allow-list) of
    their CRS: ``srid`` if given, else the file's. Rows with problems are kept, marked."""
    lyr = _open_layer(path, layer)
    for option, name in fields.options():
        if name is not None and name not in lyr.fields:
            raise ImportRejected(
                f"{option} {name!r} is not a field of layer {lyr.name!r}: {', '.join(lyr.fields)}"
            )
    if (fields.x is None) != (fields.y is None):
        raise ImportRejected("--x-field and --y-field go together")
    if srid is None:
        if fields.x is not None and lyr.srs is None:
            raise ImportRejected(f"{path} names no CRS for its coordinates; give one with --srid")
        srid = _layer_srid(lyr)
    if srid not in crs.ALLOWED_SRIDS:
        raise ImportRejected(f"EPSG:{srid} is not supported; use one of {sorted(crs.ALLOWED_SRIDS)} (--srid)")
    rows = [
        _row(feature, fields)[0]
        for feature in tqdm(lyr, total=len(lyr), disable=not progress, desc="reading", unit=" addresses")
    ]
    return rows, srid


@transaction.atomic
def address_import(
    *, rows: list[tuple], source_srid: int, source: str, skip_invalid: bool = False
) -> AddressImportSummary:
    """Insert or update addresses by (``source``, ref) in one transaction: points are transformed
    from ``source_srid`` into EPSG:25832 and given the city (level 2 area) that contains them, in
    PostGIS. An address that is invalid (no street, number or point, not a point, the same ref twice,
    in no city) is refused with all others listed in ``ImportRejected`` — nothing is stored — unless
    ``skip_invalid``, which imports the valid ones. Identical rows are left alone (idempotent)."""
    if source_srid not in crs.ALLOWED_SRIDS:
        raise ImportRejected(f"EPSG:{source_srid} is not supported")
    if not source or len(source) > 100:
        raise ImportRejected("the source needs a name of 1 to 100 characters (--source)")
    summary = AddressImportSummary()
    with connection.cursor() as cursor:
        _stage(cursor, rows)
        cursor.execute(
            load(__file__, "address_prepare"),
            {
                "source_srid": source_srid,
                "storage_srid": crs.STORAGE_SRID,
                "geographic": crs.is_geographic(source_srid),
            },
        )
        cursor.execute("SELECT label, problem FROM address_stage WHERE problem IS NOT NULL ORDER BY ord")
        summary.problems = [(label, problem) for label, problem in cursor.fetchall()]
        if summary.problems and not skip_invalid:
            raise ImportRejected(
                f"{len(summary.problems)} address(es) rejected; nothing imported "
                "(--skip-invalid imports the others)",
                summary.problems,
            )
        summary.skipped = len(summary.problems)
        cursor.execute(load(__file__, "address_upsert"), {"source": source})
        changed = cursor.fetchall()
    summary.created = sum(1 for (created,) in changed if created)
    summary.updated = len(changed) - summary.created
    summary.unchanged = len(rows) - summary.skipped - len(changed)
    return summary


def _stage(cursor: CursorWrapper, rows: list[tuple]) -> None:
    # imports of a whole Land may take longer than a web request may
    cursor.execute("SET LOCAL statement_timeout = 0")
    cursor.execute("DROP TABLE IF EXISTS pg_temp.address_stage")
    cursor.execute(
        "CREATE TEMP TABLE address_stage (ord bigint PRIMARY KEY, label text, ref text, street text, "
        "number text, postcode text, place text, src text, x float8, y float8, problem text, "
        "geom geometry, city_id bigint) ON COMMIT DROP"
    )
    with cursor.cursor.copy(
        "COPY address_stage (ord, label, ref, street, number, postcode, place, src, x, y, problem) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def address_import_file(
    path: Path | str,
    *,
    fields: AddressFields,
    source: str | None = None,
    layer: str | None = None,
    srid: int | None = None,
    skip_invalid: bool = False,
    progress: bool | None = None,
) -> AddressImportSummary:
    """Read a file through GDAL and import it (see ``address_import``); the source is named after the
    file unless ``source`` names it."""
    rows, source_srid = read_addresses(
        path,
        fields=fields,
        layer=layer,
        srid=srid,
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    return address_import(
        rows=rows, source_srid=source_srid, source=source or Path(path).stem, skip_invalid=skip_invalid
    )
