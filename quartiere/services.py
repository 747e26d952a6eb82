"""Writes to the area hierarchy: importing boundaries from GeoJSON, GeoPackage or Shapefile."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.feature import Feature
from django.contrib.gis.gdal.layer import Layer as GDALLayer
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from tqdm import tqdm

from geo import crs
from geo.sql import load
from quartiere.models import Area, Level
from quartiere.signals import areas_changed
from quartiere.slugs import german_slug


class ImportRejected(Exception):
    """Nothing was imported; ``problems`` lists (code, reason) for every rejected feature."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: int = 0
    rejected: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"repaired {self.repaired}, rejected {self.rejected}"
        )


@dataclass(frozen=True)
class SourceFeature:
    code: str
    name: str
    population: int | None
    wkb: bytes | None


def read_features(
    path: Path | str,
    *,
    code_field: str | None,
    name_field: str,
    population_field: str | None = None,
    layer: str | None = None,
    source_srid: int | None = None,
    progress: bool = False,
    code: str | None = None,
) -> tuple[list[SourceFeature], int]:
    """Features of one layer of a GDAL-readable file and the EPSG code of their CRS. Raises
    ``ImportRejected`` with every problem found (missing code or name, a bad population, a code
    twice) rather than stopping at the first. ``code`` instead of ``code_field`` gives the one
    feature of a single-feature layer its code (an outline file without a key, e.g. a region's)."""
    if (code_field is None) == (code is None):
        raise ImportRejected("give either a code field (--code-field) or a code (--code), not both")
    lyr = _open_layer(path, layer)
    if code is not None and len(lyr) != 1:
        raise ImportRejected(f"--code {code!r} names one feature; layer {lyr.name!r} has {len(lyr)}")
    _check_fields(lyr, code=code_field, name=name_field, population=population_field)
    srid = source_srid if source_srid is not None else _layer_srid(lyr)
    features: list[SourceFeature] = []
    problems: list[tuple[str, str]] = []
    for feature in tqdm(lyr, total=len(lyr), disable=not progress, desc="reading", unit=" features"):
        source_feature, its_problems = _source_feature(
            feature, code=code_field, name=name_field, population=population_field, code_value=code
        )
        features.append(source_feature)
        problems += its_problems
    problems += _duplicate_codes(features)
    if problems:
        raise ImportRejected(f"{len(problems)} feature(s) rejected; nothing imported", problems)
    return features, srid


def _open_layer(path: Path | str, layer: str | None) -> GDALLayer:
    """The layer named ``layer`` of the file, or its only layer."""
    try:
        source = DataSource(str(path))
    except GDALException as error:
        raise ImportRejected(f"{path}: cannot be read by GDAL ({error})") from None
    names = [source[index].name for index in range(source.layer_count)]
    if layer is None:
        if len(names) != 1:
            raise ImportRejected(
                f"{path} has {len(names)} layers ({', '.join(names)}); choose one with --layer"
            )
        return source[0]
    if layer not in names:
        raise ImportRejected(f"{path} has no layer {layer!r}; it has {', '.join(names)}")
    return source[layer]


def _check_fields(lyr: GDALLayer, *, code: str | None, name: str, population: str | None) -> None:
    for option, field_name in (
        ("--code-field", code),
        ("--name-field", name),
        ("--population-field", population),
    ):
        if field_name is not None and field_name not in lyr.fields:
            raise ImportRejected(
                f"{option} {field_name!r} is not a field of layer {lyr.name!r}: {', '.join(lyr.fields)}"
            )


def _layer_srid(lyr: GDALLayer) -> int:
    """The EPSG code of the layer's CRS (GDAL identifies it when the file does not name it)."""
    srs = lyr.srs
    if srs is not None and srs.srid is None:
        srs.identify_epsg()
    srid = srs.srid if srs is not None else None
    if srid is None:
        raise ImportRejected(f"the CRS of layer {lyr.name!r} has no EPSG code; name it with --source-srid")
    return srid


def _source_feature(
    feature: Feature, *, code: str | None, name: str, population: str | None, code_value: str | None = None
) -> tuple[SourceFeature, list[tuple[str, str]]]:
    """One feature's values and geometry (WKB, None when missing or empty), and what is wrong with
    them as (code or feature id, reason); ``code_value`` instead of the ``code`` field when given."""
    problems: list[tuple[str, str]] = []
    code_value = str((feature.get(code) if code is not None else code_value) or "").strip()
    name_value = str(feature.get(name) or "").strip()
    label = code_value or f"feature {feature.fid}"
    inhabitants = None
    if population is not None:
        raw = feature.get(population)
        if raw not in (None, ""):
            try:
                inhabitants = int(raw)
            except (TypeError, ValueError):
                inhabitants = -1
            if inhabitants < 0 or inhabitants > 2_000_000_000:
                problems.append((label, f"population {raw!r} is not a non-negative integer"))
    if not code_value:
        problems.append((label, f"no value in the code field {code!r}"))
    if not name_value:
        problems.append((label, f"no value in the name field {name!r}"))
    try:
        geom: OGRGeometry | None = feature.geom
    except GDALException:
        geom = None
    wkb = bytes(geom.wkb) if geom is not None and not geom.empty else None
    return SourceFeature(code=code_value, name=name_value, population=inhabitants, wkb=wkb), problems


def _duplicate_codes(features: list[SourceFeature]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    problems = []
    for f in features:
        if f.code in seen and f.code:
            problems.append((f.code, "the code occurs more than once in the file"))
        seen.add(f.code)
    return problems


def area_import(
    *,
    features: list[SourceFeature],
    source_srid: int,
    level: Level,
    parent_code: str | None = None,
    make_valid: bool = False,
    skip_unmatched: bool = False,
) -> ImportSummary:
    """Insert or update areas by (level, code) in one transaction; geometry is transformed from
    ``source_srid`` to EPSG:25832 in PostGIS. Raises ``ImportRejected`` (nothing stored) for invalid
    geometry without ``make_valid`` and for features that fit no parent without ``skip_unmatched``."""
    parent_id = _parent_id(level, parent_code)
    summary = ImportSummary()
    with transaction.atomic(), connection.cursor() as cursor:
        summary.repaired = _stage(
            cursor, features, source_srid=source_srid, parent_id=parent_id, make_valid=make_valid
        )
        if level != Level.REGION and parent_id is None:
            orphans = _match_parents(cursor, level=level, skip_unmatched=skip_unmatched)
            summary.rejected = len(orphans)
            summary.problems = orphans
        cursor.execute(load(__file__, "import_slugs"), {"level": int(level)})
        cursor.execute(load(__file__, "import_upsert"), {"level": int(level)})
        rows = cursor.fetchall()
        summary.created = sum(1 for _, created in rows if created)
        summary.updated = len(rows) - summary.created
        summary.unchanged = len(features) - summary.rejected - len(rows)
        summary.changed_ids = [area_id for area_id, _ in rows]
        if summary.changed_ids:
            areas_changed.send(sender=Area, area_ids=summary.changed_ids)
    return summary


def _parent_id(level: Level, parent_code: str | None) -> int | None:
    """The id of the area one level up with ``parent_code``: the parent of every imported area."""
    if level == Level.REGION and parent_code:
        raise ImportRejected("regions have no parent; drop --parent")
    if not parent_code:
        return None
    parent = Area.objects.filter(level=level - 1, code=parent_code).first()
    if parent is None:
        raise ImportRejected(f"no {Level(level - 1).key} with code {parent_code!r} to be the parent")
    return parent.id


def _stage(
    cursor: CursorWrapper,
    features: list[SourceFeature],
    *,
    source_srid: int,
    parent_id: int | None,
    make_valid: bool,
) -> int:
    """Copy the features into the temporary table ``import_stage`` and prepare them there
    (transformed into EPSG:25832, checked, repaired with ``make_valid``). Returns how many were
    repaired; raises ``ImportRejected`` for an unknown CRS or invalid geometry."""
    cursor.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", [source_srid])
    if cursor.fetchone() is None:
        raise ImportRejected(f"EPSG:{source_srid} is not a CRS PostGIS knows")
    # imports of whole countries may take longer than a web request may
    cursor.execute("SET LOCAL statement_timeout = 0")
    # ON COMMIT DROP only fires at the outermost commit: inside a caller's transaction (several
    # imports in one transaction, a test) the previous import's table is still there.
    cursor.execute("DROP TABLE IF EXISTS pg_temp.import_stage")
    cursor.execute(
        "CREATE TEMP TABLE import_stage (ord int PRIMARY KEY, code text, name text, slug text, "
        "population int, src geometry, geom geometry, problem text, repaired boolean DEFAULT false, "
        "parent_id bigint, parent_share float8) ON COMMIT DROP"
    )
    with cursor.cursor.copy(
        "COPY import_stage (ord, code, name, slug, population, src, parent_id) FROM STDIN"
    ) as copy:
        for i, f in enumerate(features):
            copy.write_row(
                (
                    i,
                    f.code,
                    f.name,
                    german_slug(f.name),
                    f.population,
                    f.wkb.hex() if f.wkb else None,
                    parent_id,
                )
            )
    # a temporary table is never analysed by autovacuum: without statistics the planner guesses
    # thousands of rows, prices the slug step's self-join in millions and JIT-compiles it (≈ 1 s for
    # the 179 municipalities of a region; the statement itself takes milliseconds)
    cursor.execute("ANALYZE import_stage")
    cursor.execute(
        load(__file__, "import_prepare"),
        {"source_srid": source_srid, "storage_srid": crs.STORAGE_SRID, "make_valid": make_valid},
    )
    cursor.execute("SELECT code, problem FROM import_stage WHERE problem IS NOT NULL ORDER BY ord")
    bad = cursor.fetchall()
    if bad:
        raise ImportRejected(
            f"{len(bad)} feature(s) with invalid geometry; nothing imported (--make-valid repairs them)",
            bad,
        )
    cursor.execute("SELECT count(*) FROM import_stage WHERE repaired")
    return cursor.fetchone()[0]


def _match_parents(cursor: CursorWrapper, *, level: Level, skip_unmatched: bool) -> list[tuple[str, str]]:
    """Give each staged area the area one level up that holds it; the ones that fit none, as
    (code, reason), are left out with ``skip_unmatched`` and refused (``ImportRejected``) without."""
    cursor.execute(load(__file__, "import_parents"), {"parent_level": level - 1})
    cursor.execute("SELECT code FROM import_stage WHERE parent_id IS NULL ORDER BY ord")
    orphans = [(code, f"lies in no {Level(level - 1).key}") for (code,) in cursor.fetchall()]
    if orphans and not skip_unmatched:
        raise ImportRejected(
            f"{len(orphans)} feature(s) fit no parent; nothing imported "
            "(--skip-unmatched imports the others)",
            orphans,
        )
    return orphans


def area_import_file(
    path: Path | str,
    *,
    level: Level,
    code_field: str | None,
    name_field: str,
    population_field: str | None = None,
    layer: str | None = None,
    source_srid: int | None = None,
    parent_code: str | None = None,
    make_valid: bool = False,
    skip_unmatched: bool = False,
    progress: bool | None = None,
    code: str | None = None,
) -> ImportSummary:
    """Read a file through GDAL and import it (see ``area_import``); ``code`` gives a single-feature
    file's one feature its code when the file has no code field."""
    features, srid = read_features(
        path,
        code_field=code_field,
        name_field=name_field,
        population_field=population_field,
        layer=layer,
        source_srid=source_srid,
        progress=sys.stderr.isatty() if progress is None else progress,
        code=code,
    )
    return area_import(
        features=features,
        source_srid=srid,
        level=level,
        parent_code=parent_code,
        make_valid=make_valid,
        skip_unmatched=skip_unmatched,
    )
