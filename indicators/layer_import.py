"""Importing a reference layer from any file GDAL reads (``manage.py import_layer``, the back office's
upload): docs/reference-layers.md.

The file is read through GDAL (Django's ``django.contrib.gis.gdal``) and streamed with ``COPY`` into a
temporary staging table on the import's own connection; PostGIS then reprojects to EPSG:25832,
checks (and with ``make_valid`` repairs) the geometry, and the staged rows replace the layer's
features — all in one transaction: a bad file imports nothing and leaves the previous features. (Not
``ogr2ogr`` into a staging table: it would write through its own connection, outside this
transaction, and would need the database's credentials on its command line.)

A feature's properties are kept as JSON, as data only; its ``ref`` is its FID in the source, or the
value of ``id_field``. The spatial indicators computed from the layer are recomputed once the import
commits (``indicators.spatial``).
"""

import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.layer import Layer as GDALLayer
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from geo import crs
from geo.errors import Forbidden, ServiceError
from geo.permissions import is_planner
from geo.sql import load
from indicators.models import KEY_MAX, NAME_MAX, YEAR_MAX, YEAR_MIN, ReferenceFeature, ReferenceLayer
from staff.scope import check_not_tied_to_a_city

MAX_PROBLEMS = 50  # problems named in one rejection (the count names them all)
ANALYZE_FROM = 10_000  # features from which the import refreshes the table's statistics


class LayerRejected(ServiceError):
    """Nothing was imported; ``problems`` lists (feature, reason) for the features at fault."""

    def __init__(
        self, message: str, problems: list[tuple[str, str]] | None = None, field: str | None = "file"
    ):
        super().__init__(message, field)
        self.problems = problems or []


@dataclass(frozen=True)
class LayerMeta:
    """What the import records about a layer (``manage.py import_layer``'s options)."""

    name: str
    title: str = ""
    year: int = 0
    source: str = ""
    licence: str = ""
    attribution: str = ""
    description: str = ""
    illustrative: bool = False


@dataclass
class LayerImportSummary:
    layer: ReferenceLayer
    features: int = 0
    repaired: int = 0
    source_srid: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"layer {self.layer.name}: {self.features} features from EPSG:{self.source_srid} "
            f"(repaired {self.repaired})"
        )


def _check_meta(meta: LayerMeta) -> LayerMeta:
    """The metadata with trimmed texts; ``ServiceError`` naming the field at fault."""
    from django.core.validators import validate_slug

    name = meta.name.strip()
    if not name or len(name) > KEY_MAX:
        raise ServiceError(_("A name of 1 to %(max)d characters is required.") % {"max": KEY_MAX}, "name")
    try:
        validate_slug(name)
    except Exception:
        raise ServiceError(_("The name may contain only letters, digits, '-' and '_'."), "name") from None
    if not YEAR_MIN <= meta.year <= YEAR_MAX:
        raise ServiceError(
            _("The year must lie between %(min)d and %(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX}, "year"
        )
    limits = {"title": NAME_MAX, "source": 300, "licence": 200, "attribution": 300, "description": 5000}
    texts = {key: str(getattr(meta, key) or "").strip() for key in limits}
    for key, limit in limits.items():
        if len(texts[key]) > limit:
            raise ServiceError(_("At most %(max)d characters.") % {"max": limit}, key)
    return LayerMeta(
        name=name,
        year=meta.year,
        illustrative=meta.illustrative,
        **{**texts, "title": texts["title"] or name},
    )


def _open_layer(path: Path | str, layer: str | None) -> GDALLayer:
    """The layer named ``layer`` of the file, or its only layer; ``LayerRejected`` when the file is
    missing, not a format GDAL reads, or has no such layer."""
    if not str(path).startswith("/vsi") and not Path(path).exists():
        raise LayerRejected(_("%(path)s: no such file.") % {"path": path})
    try:
        source = DataSource(str(path))
    except GDALException:
        raise LayerRejected(
            _("%(path)s cannot be read: it is empty or not a vector format GDAL knows.") % {"path": path}
        ) from None
    names = [source[index].name for index in range(source.layer_count)]
    if not names:
        raise LayerRejected(_("%(path)s holds no layer.") % {"path": path})
    if layer is None:
        if len(names) != 1:
            raise LayerRejected(
                _("%(path)s has %(n)d layers (%(names)s); choose one with --layer.")
                % {"path": path, "n": len(names), "names": ", ".join(names)},
                field="layer",
            )
        return source[0]
    if layer not in names:
        raise LayerRejected(
            _("%(path)s has no layer %(layer)r; it has %(names)s.")
            % {"path": path, "layer": layer, "names": ", ".join(names)},
            field="layer",
        )
    return source[layer]


CRS_NAME = re.compile(
    r"^(?:urn:ogc:def:crs:EPSG:[0-9.]*:|EPSG:)([0-9]{1,9})$|^urn:ogc:def:crs:OGC:1\.3:CRS84$"
)


def check_geojson_crs(path: Path) -> None:
    """An uploaded GeoJSON file may name its CRS (the 2008 ``crs`` member) only as an EPSG code of the
    allow-list (``geo.crs``): GDAL would otherwise parse whatever text it holds as a spatial reference,
    which may read files or the network. ``LayerRejected`` otherwise, and for text that is no JSON."""
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        raise LayerRejected(_("The file is not valid JSON.")) from None
    if not isinstance(document, dict) or "crs" not in document:
        return
    member = document["crs"]
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    match = CRS_NAME.match(name) if isinstance(name, str) and member.get("type") == "name" else None
    if match is None or (match.group(1) is not None and int(match.group(1)) not in crs.ALLOWED_SRIDS):
        raise LayerRejected(
            _("The file's CRS must be named as an EPSG code, one of %(codes)s.")
            % {"codes": ", ".join(str(code) for code in crs.ALLOWED_SRIDS)},
            field="s_srs",
        )


def _layer_srid(lyr: GDALLayer, source_srid: int | None) -> int:
    """The EPSG code of the source CRS: ``source_srid`` (``--s-srs``, from the allow-list) when given,
    else the file's own (GDAL identifies it when the file does not name its code)."""
    if source_srid is not None:
        try:
            return crs.parse_srid(source_srid)
        except ValueError as error:
            raise LayerRejected(str(error), field="s_srs") from None
    srs = lyr.srs
    if srs is None:
        raise LayerRejected(
            _("The file names no coordinate reference system; give its EPSG code with --s-srs."),
            field="s_srs",
        )
    if srs.srid is None:
        srs.identify_epsg()
    if srs.srid is None:
        raise LayerRejected(
            _("The file's coordinate reference system has no EPSG code; give one with --s-srs."),
            field="s_srs",
        )
    return int(srs.srid)


def _json_value(value: Any) -> Any:
    """A property's value as JSON data (dates as ISO text; anything else GDAL gives as its text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _rows(lyr: GDALLayer, id_field: str | None, progress: bool) -> Iterator[tuple[int, str, str | None, str]]:
    """(ord, ref, hex WKB or None, properties as JSON) of every feature of ``lyr``."""
    names = list(lyr.fields)
    for ord_, feature in enumerate(
        tqdm(lyr, total=len(lyr), disable=not progress, desc="reading", unit=" features")
    ):
        properties = {}
        for name in names:
            try:
                properties[name] = _json_value(feature.get(name))
            except (GDALException, ValueError, TypeError):
                properties[name] = None
        if id_field is None:
            ref = str(feature.fid)
        else:
            value = properties.get(id_field)
            ref = "" if value is None else str(value).strip()
        try:
            geom = feature.geom
            wkb = bytes(geom.wkb).hex() if geom is not None else None
        except GDALException:
            wkb = None
        yield ord_, ref[:300], wkb, json.dumps(properties, ensure_ascii=False)


def _stage(cursor, lyr: GDALLayer, *, id_field: str | None, progress: bool) -> int:
    """Stream the features into the temporary table ``layer_stage``; their number."""
    # ON COMMIT DROP fires at the outermost commit only: inside a caller's transaction (a test) the
    # previous import's table is still there
    cursor.execute("DROP TABLE IF EXISTS pg_temp.layer_stage")
    cursor.execute(
        "CREATE TEMP TABLE layer_stage (ord int PRIMARY KEY, ref text, src geometry, geom geometry, "
        "properties jsonb, problem text, repaired boolean NOT NULL DEFAULT false) ON COMMIT DROP"
    )
    n = 0
    with cursor.cursor.copy("COPY layer_stage (ord, ref, src, properties) FROM STDIN") as copy:
        for row in _rows(lyr, id_field, progress):
            copy.write_row(row)
            n += 1
    return n


def _check_refs(cursor, id_field: str | None) -> None:
    """With ``id_field``: every feature has a value there, and no value occurs twice."""
    if id_field is None:
        return
    cursor.execute(
        "SELECT 'feature ' || (min(ord) + 1) || CASE WHEN ref = '' THEN '' ELSE ' (' || ref || ')' END, "
        "CASE WHEN ref = '' THEN 'no value in the id field' "
        "ELSE 'the id occurs ' || count(*) || ' times' END "
        "FROM layer_stage GROUP BY ref HAVING ref = '' OR count(*) > 1 ORDER BY min(ord) LIMIT %s",
        [MAX_PROBLEMS],
    )
    bad = cursor.fetchall()
    if bad:
        raise LayerRejected(
            _("The id field %(field)r does not identify every feature; nothing imported.")
            % {"field": id_field},
            [(str(ref), str(reason)) for ref, reason in bad],
            field="id_field",
        )


def _prepare(cursor, *, source_srid: int, make_valid: bool) -> int:
    """Reproject and check the staged features in PostGIS; how many were repaired. ``LayerRejected``
    naming the features at fault."""
    cursor.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", [source_srid])
    if cursor.fetchone() is None:
        raise LayerRejected(
            _("EPSG:%(srid)d is not a CRS PostGIS knows.") % {"srid": source_srid}, field="s_srs"
        )
    try:
        with transaction.atomic():
            cursor.execute(
                load(__file__, "spatial_layer_prepare"),
                {"source_srid": source_srid, "storage_srid": crs.STORAGE_SRID, "make_valid": make_valid},
            )
    except DatabaseError:
        raise LayerRejected(
            _("The coordinates cannot be transformed from EPSG:%(srid)d: is that the file's CRS?")
            % {"srid": source_srid},
            field="s_srs",
        ) from None
    cursor.execute(
        "SELECT count(*) FROM layer_stage WHERE problem IS NOT NULL",
    )
    (n_bad,) = cursor.fetchone()
    if n_bad:
        cursor.execute(
            "SELECT 'feature ' || (ord + 1) || ' (' || ref || ')', problem FROM layer_stage "
            "WHERE problem IS NOT NULL ORDER BY ord LIMIT %s",
            [MAX_PROBLEMS],
        )
        raise LayerRejected(
            _(
                "%(n)d feature(s) with missing or invalid geometry; nothing imported "
                "(--make-valid repairs invalid geometry)."
            )
            % {"n": n_bad},
            [(str(ref), str(reason)) for ref, reason in cursor.fetchall()],
        )
    cursor.execute(
        load(__file__, "spatial_layer_outside"),
        {"buffer": settings.EXTENT_BUFFER_M, "storage_srid": crs.STORAGE_SRID},
    )
    row = cursor.fetchone()
    if row is not None and row[0] is False:
        raise LayerRejected(
            _(
                "No feature lies within the service's area after transforming from EPSG:%(srid)d; "
                "is that the file's CRS? (--s-srs names the right one)"
            )
            % {"srid": source_srid},
            field="s_srs",
        )
    cursor.execute("SELECT count(*) FROM layer_stage WHERE repaired")
    return int(cursor.fetchone()[0])


def check_user(user: Any) -> None:
    """Reference layers and spatial indicators are written by planners (``user`` None: a system write
    such as a management command or the demo loader); they serve every city, so not by staff tied to a
    city (staff.scope.check_not_tied_to_a_city)."""
    if user is not None and not is_planner(user):
        raise Forbidden(_("Reference layers are managed by the planners' group."))
    check_not_tied_to_a_city(user)


def import_layer(
    path: Path | str,
    meta: LayerMeta,
    *,
    user: Any = None,
    layer: str | None = None,
    source_srid: int | None = None,
    id_field: str | None = None,
    make_valid: bool = False,
    progress: bool | None = None,
) -> LayerImportSummary:
    """Import (or re-import) the reference layer ``meta.name`` from ``path``, in one transaction (see the
    module docstring). Raises ``LayerRejected``/``ServiceError`` (nothing changed) for a missing,
    unreadable or empty file, an unknown CRS, an id field that does not identify the features, or
    missing/invalid geometry (repaired instead with ``make_valid``)."""
    check_user(user)
    meta = _check_meta(meta)
    lyr = _open_layer(path, layer)
    if id_field is not None and id_field not in lyr.fields:
        raise LayerRejected(
            _("--id-field %(field)r is not a field of layer %(layer)r: %(fields)s")
            % {"field": id_field, "layer": lyr.name, "fields": ", ".join(lyr.fields)},
            field="id_field",
        )
    srid = _layer_srid(lyr, source_srid)
    if len(lyr) == 0:
        raise LayerRejected(_("%(path)s has no features; nothing imported.") % {"path": path})
    show = sys.stderr.isatty() if progress is None else progress
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        n = _stage(cursor, lyr, id_field=id_field, progress=show)
        if n == 0:
            raise LayerRejected(_("%(path)s has no features; nothing imported.") % {"path": path})
        _check_refs(cursor, id_field)
        repaired = _prepare(cursor, source_srid=srid, make_valid=make_valid)
        # lock the layer's row: two imports of one layer run one after the other
        ref_layer = ReferenceLayer.objects.select_for_update().filter(name=meta.name).first()
        if ref_layer is None:
            ref_layer = ReferenceLayer(name=meta.name)
        for key in ("title", "year", "source", "licence", "attribution", "description", "illustrative"):
            setattr(ref_layer, key, getattr(meta, key))
        ref_layer.feature_count = n
        ref_layer.save()
        cursor.execute(load(__file__, "spatial_layer_replace"), {"layer": ref_layer.pk})
        if n >= ANALYZE_FROM:
            cursor.execute(f"ANALYZE {ReferenceFeature._meta.db_table}")
        from indicators import spatial

        spatial.layer_changed(ref_layer.pk)
    return LayerImportSummary(layer=ref_layer, features=n, repaired=repaired, source_srid=srid)
