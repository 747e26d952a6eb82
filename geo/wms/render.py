"""Drawing maps with Mapnik straight from PostGIS.

Each requested layer is a Mapnik layer whose postgis datasource runs ``sql/map_layer.sql``: the
layer's registered source (published rows, public attributes), filtered by the bbox in the storage
CRS (index), generalised to the pixel size and transformed into the request CRS by PostGIS. Map and
layers share one ``srs``, so Mapnik never reprojects (see ``geo.mapnik_env``). Datasources are kept
per (layer, style, CRS): Mapnik reads a datasource's columns once, and its connection pool stays warm.
Mapnik's connections are its own, opened with a ``statement_timeout`` that bounds every render.
"""

import json
import logging
import threading
from collections.abc import Callable

import fpng
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from geo import crs
from geo import layers as registry
from geo.db.routing import read_alias
from geo.layers import Layer, Resolved, Style
from geo.mapnik_env import LABEL_FONT, mapnik
from geo.sql import load
from geo.wms import styles
from geo.wms.crs import WmsCrs
from geo.wms.errors import WMSError
from geo.wms.request import FPNG, IMAGE_FORMATS, MapRequest

logger = logging.getLogger(__name__)

# a layer's ``source_3857`` (its geometry stored in this CRS) draws maps in it untransformed
WEB_MERCATOR = 3857
# Labels only on polygons with room for them: at least this many square pixels.
LABEL_MIN_AREA_PX = 2_500
# Labels may reach this far (px) beyond the image, so that tiled clients see whole labels at tile edges.
BUFFER_PX = 8
# A generous extent for Mapnik's datasources (it never queries it: the SQL has its own bbox filter)
WORLD_EXTENT = {True: "-180,-90,180,90", False: "-2e7,-2e7,2e7,2e7"}


def _quoted(value: str) -> str:
    """A libpq connection-string value: Mapnik joins ``key=value`` pairs without quoting them."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


_datasources: dict[tuple, object] = {}
_datasources_lock = threading.Lock()


APPLICATION_NAME = "quartiersatlas-wms"
# Part of the connection string: a new generation is a new pool in Mapnik (see reset_connections).
_generation = 0


def application_name() -> str:
    return f"{APPLICATION_NAME}-{_generation}"


def reset_connections(*, terminate: bool = False, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Let later renders open fresh connections (Mapnik has no call to empty its pool: a new
    generation in the connection string is a new pool). With ``terminate``, the old generation's
    server sessions are ended too (tests do this before their database is dropped)."""
    global _generation
    old = application_name()
    with _datasources_lock:
        _generation += 1
        _datasources.clear()
    if terminate:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database()",
                [old],
            )


def connection_parameters(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Mapnik's postgis parameters for Django's database ``alias`` (host may be a socket directory).
    ``options`` rides along in ``dbname``: libpq reads the joined string as one connection string."""
    db = connections[alias].settings_dict
    options = (
        f"-c statement_timeout={int(settings.WMS['RENDER_TIMEOUT_MS'])} -c max_parallel_workers_per_gather=0 "
        "-c jit=off"
    )
    name, application = _quoted(str(db["NAME"])), _quoted(application_name())
    dbname = f"{name} options={_quoted(options)} application_name={application}"
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        dbname += f" sslmode={_quoted(str(sslmode))}"
    params = {"dbname": dbname, "connect_timeout": "5", "max_size": "4"}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if db.get(key):
            params[name] = _quoted(str(db[key]))
    return params


def _bbox_filter(system: WmsCrs) -> str:
    """The map's extent in the storage CRS, where the spatial index is: Mapnik's own box when the
    request is in the storage CRS, else transformed (and clipped) by qa_bbox_in_storage."""
    if system.srid == crs.STORAGE_SRID:
        return "!bbox!"
    return (
        "qa_bbox_in_storage(ST_XMin(!bbox!), ST_YMin(!bbox!), ST_XMax(!bbox!), ST_YMax(!bbox!), "
        f"{system.srid:d}, {crs.STORAGE_SRID:d})"
    )


def _template(name: str) -> str:
    return "\n".join(line for line in load(__file__, name).splitlines() if not line.lstrip().startswith("--"))


def layer_sql(layer: Layer, system: WmsCrs, values: Resolved | None = None) -> str:
    """The table SQL of the layer's geometry datasource in ``system``; ``values``: the resolved
    parameters of a parameterised layer, written in as integers (``geo.layers.literal_source``)."""
    tolerance = f"!pixel_width! * {system.metres_per_unit * 0.5!r}"
    geometry = f"ST_Simplify(src.geom, {tolerance}, true)"
    columns = ", ".join(f'src."{name}"' for name in layer.attributes) or "1 AS qa_none"
    if system.srid == WEB_MERCATOR and layer.source_3857 is not None:
        # the geometry stored in the map's CRS, with its own spatial index: nothing is transformed
        source, bbox = registry.literal_source(layer, values, layer.source_3857), "!bbox!"
    else:
        if system.srid != crs.STORAGE_SRID:
            geometry = f"ST_Transform({geometry}, {system.srid:d})"
        source, bbox = registry.literal_source(layer, values), _bbox_filter(system)
    return _template("map_layer").format(geometry=geometry, columns=columns, source=source.strip(), bbox=bbox)


def label_sql(layer: Layer, style: Style, system: WmsCrs, values: Resolved | None = None) -> str:
    """The table SQL of the layer's label datasource for ``style`` (which has a label) in ``system``."""
    if style.label not in layer.attributes:
        raise ValueError(f"layer {layer.id}: label {style.label!r} is not an attribute")
    return _template("map_labels").format(
        label=style.label,
        min_area=f"(!pixel_width! * {system.metres_per_unit!r})^2 * {LABEL_MIN_AREA_PX:d}",
        source=registry.literal_source(layer, values).strip(),
        srid=system.srid,
        bbox=_bbox_filter(system),
    )


def datasource(sql: str, system: WmsCrs) -> object:
    """Mapnik's postgis datasource for the table ``sql`` (kept per SQL and database: the one the
    request reads from, a replica or the primary, ``geo.db.routing``)."""
    params = connection_parameters(read_alias())
    key = (sql, tuple(sorted(params.items())))
    found = _datasources.get(key)
    if found is None:
        module = mapnik()
        found = module.PostGIS(
            table=sql,
            geometry_field="geom",
            key_field="id",
            srid=system.srid,
            extent=WORLD_EXTENT[system.is_geographic],
            estimate_extent=False,
            **params,
        )
        with _datasources_lock:
            if len(_datasources) > 256:  # layers × styles × CRSs × databases: far below in practice
                _datasources.clear()
            _datasources[key] = found
    return found


def _background(module, transparent: bool, bgcolor: str):
    return module.Color(0, 0, 0, 0) if transparent else module.Color(bgcolor)


def _encode(image, format_: str) -> bytes:
    encoding = IMAGE_FORMATS[format_]
    if encoding == FPNG:
        return encode_png(image)
    return image.to_string(encoding)


def encode_png(image) -> bytes:
    """A truecolour PNG (RGBA, 8 bits a channel) of Mapnik's ``image`` with fpng: the pixels as drawn,
    anti-aliasing and labels untouched. Mapnik's own PNG writers took 5–10× as long (zlib; the palette
    PNG also quantises): see the notes of ``wms`` in docs/benchmarks.md."""
    if image.premultiplied():
        image.demultiply()
    return fpng.from_bytes(image.to_string(), image.width(), image.height(), 4)


def _guard(fn: Callable[[], bytes]) -> bytes:
    """Run a render; Mapnik's failures (timeouts, a lost database) become a 503 report, never a 500.

    After a failure other than a timeout the pool is renewed and the render tried once more, on fresh
    connections: Mapnik keeps its pooled connections without checking them, so after the database
    restarted (or ended them: ``pg_terminate_backend``, an idle timeout) the first query on each of
    them fails although the database is back. Only when the second try fails too is it a 503."""
    for retry in (True, False):
        try:
            return fn()
        except RuntimeError as error:
            text = str(error)
            if _timed_out(text):
                raise _too_slow(text) from None
            if retry:
                logger.warning("WMS render failed, trying again on new connections: %s", _first_line(text))
            else:
                logger.error("WMS render failed: %s", text[:2000])
            reset_connections()
    raise WMSError(None, "The map could not be drawn; please try again later.", status=503)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:300]


def _timed_out(text: str) -> bool:
    return "statement timeout" in text


def _too_slow(text: str) -> WMSError:
    logger.warning("WMS render timed out: %s", _first_line(text))
    return WMSError(None, "Drawing the map took too long; request a smaller area.", status=503)


def render_map(req: MapRequest) -> bytes:
    """The GetMap image, encoded in ``req.format``."""
    return _guard(lambda: _render_map(req))


def _render_map(req: MapRequest) -> bytes:
    module = mapnik()
    srs = req.crs.mapnik_srs
    m = module.Map(req.width, req.height, srs)
    m.aspect_fix_mode = module.aspect_fix_mode.RESPECT  # WMS stretches when the aspect ratios differ
    m.background = _background(module, req.transparent, req.bgcolor)
    m.buffer_size = BUFFER_PX
    # every layer's geometry in the order given, then every layer's labels, so that no layer covers
    # another's labels
    labels = []
    appended: set[str] = set()
    chosen = req.parameters or tuple({} for _ in req.layers)
    for layer, style, values in zip(req.layers, req.styles, chosen, strict=True):
        mapnik_styles = styles.mapnik_styles(layer, style)
        for name, mapnik_style in mapnik_styles.items():
            if name not in appended:  # the same layer and style may be requested twice
                m.append_style(name, mapnik_style)
                appended.add(name)
        item = module.Layer(layer.id, srs)
        item.datasource = datasource(layer_sql(layer, req.crs, values), req.crs)
        names = styles.geometry_style_names(layer, style)
        for name in names:
            item.styles.append(name)
        item.cache_features = len(names) > 1  # one query for the passes over the geometry kinds
        m.layers.append(item)
        label_style = styles.label_style_name(layer, style)
        if label_style:
            label_layer = module.Layer(f"{layer.id}:labels", srs)
            label_layer.datasource = datasource(label_sql(layer, style, req.crs, values), req.crs)
            label_layer.styles.append(label_style)
            labels.append(label_layer)
    for label_layer in labels:
        m.layers.append(label_layer)
    m.zoom_to_box(module.Box2d(*req.bbox))
    image = module.Image(req.width, req.height)
    module.render(m, image)
    return _encode(image, req.format)


def blank_image(width: int, height: int, format_: str, *, transparent: bool, bgcolor: str) -> bytes:
    module = mapnik()
    image = module.Image(width, height)
    image.fill(_background(module, transparent and format_ != "image/jpeg", bgcolor))
    return _encode(image, format_)


def draw_features(
    width: int,
    height: int,
    format_: str,
    layers: list[tuple[list[dict], list[str]]],
    style_xml: str,
    *,
    transparent: bool = True,
    bgcolor: str = "#ffffff",
) -> bytes:
    """Draw layers of GeoJSON features in pixel coordinates (x right, y up from the bottom left), each
    ``(features, style names)`` with styles defined in ``style_xml``: legends and error images."""
    module = mapnik()
    srs = "epsg:3857"  # any srs: map and layers share it, coordinates are pixels
    m = module.Map(width, height, srs)
    m.background = _background(module, transparent and format_ != "image/jpeg", bgcolor)
    module.load_map_from_string(m, f"<Map>{style_xml}</Map>")
    for index, (features, style_names) in enumerate(layers):
        item = module.Layer(f"drawing{index}", srs)
        item.datasource = module.Datasource(
            type="geojson", inline=json.dumps({"type": "FeatureCollection", "features": features})
        )
        for name in style_names:
            item.styles.append(name)
        m.layers.append(item)
    m.aspect_fix_mode = module.aspect_fix_mode.RESPECT
    m.zoom_to_box(module.Box2d(0, 0, width, height))
    image = module.Image(width, height)
    module.render(m, image)
    return _encode(image, format_)


def message_image(
    message: str, width: int, height: int, format_: str, *, transparent: bool, bgcolor: str
) -> bytes:
    """An image of ``width`` × ``height`` with ``message`` in it (EXCEPTIONS=INIMAGE)."""
    text = message if len(message) <= 400 else message[:399] + "…"
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [width / 2, height / 2]},
        "properties": {"text": text},
    }
    size = 12 if width >= 200 else 9
    style = (
        '<Style name="s"><Rule>'
        f'<TextSymbolizer face-name="{LABEL_FONT}" size="{size}" fill="#b71c1c" halo-fill="#ffffff" '
        f'halo-radius="1.5" wrap-width="{max(width - 20, 20)}" wrap-before="true" allow-overlap="true" '
        'horizontal-alignment="middle" vertical-alignment="middle">[text]</TextSymbolizer>'
        "</Rule></Style>"
    )
    return draw_features(
        width, height, format_, [([feature], ["s"])], style, transparent=transparent, bgcolor=bgcolor
    )
