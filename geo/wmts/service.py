"""The MapProxy application behind ``/wmts``, rebuilt whenever a cached layer's generation changes.

Each request first reads the data versions of the cached layers (one indexed query, as the map
services' ETags do) and names every layer's generation (``config.generation``). While they are
unchanged the same MapProxy application serves; when one changes, a new application is made whose
cache for that layer lives in a new directory, ``<MAPPROXY_CACHE_DIR>/<layer>/<generation>/``, and the
directories of older generations are moved aside and deleted in the background. A tile cached before a
write is therefore never served after it, in any process: the versions are read before the tile, and a
write committed in between only makes that one request fill the old generation.

Each layer with features advertises their extent as its ``WGS84BoundingBox`` (``advertise_extents``),
read when the application is made, so from the same data versions as its generations.
"""

import copy
import logging
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from mapproxy.config.loader import ProxyConfiguration
from mapproxy.config.spec import validate_options
from mapproxy.config.validator import validate
from mapproxy.wsgiapp import MapProxyApp

from geo import crs, dataversion
from geo.wmts import config

log = logging.getLogger(__name__)

TRASH = ".trash"


def proxy_configuration(conf: dict[str, Any], *, seed: bool = False) -> ProxyConfiguration:
    """MapProxy's configuration object from our dict, validated as ``mapproxy-util`` would (on a copy:
    MapProxy writes into the dict it is given)."""
    conf = copy.deepcopy(conf)
    errors, informal_only = validate_options(conf)
    if errors or not informal_only:
        raise ValueError(f"invalid MapProxy configuration: {errors}")
    errors = validate(conf)
    if errors:
        raise ValueError(f"invalid MapProxy configuration: {errors}")
    return ProxyConfiguration(conf, conf_base_dir=str(Path(settings.BASE_DIR)), seed=seed)


def current_generations(versions: dataversion.Versions | None = None) -> dict[str, str]:
    """Layer id → current generation, from one query of the data versions (or from ``versions``)."""
    layers = config.cached_layers()
    if versions is None:
        versions = dataversion.read(layers)
    return {layer.id: config.generation(layer, versions) for layer in layers}


def current_extents(versions: dataversion.Versions) -> dict[str, tuple[float, float, float, float]]:
    """Layer id → the bounding box of its features in EPSG:4326 (lon/lat), for every cached layer that
    has any (``dataversion.layer_extent``, the one the WMS capabilities give; cached per data version)."""
    found = {}
    for layer in config.cached_layers():
        box = dataversion.layer_extent(layer, versions, crs.WGS84)
        if box is not None:
            found[layer.id] = box
    return found


def advertise_extents(services: list[Any], extents: dict[str, tuple[float, float, float, float]]) -> None:
    """Give the WMTS layers of MapProxy's ``services`` the extents of their features as their
    ``WGS84BoundingBox``. MapProxy advertises a cache's extent, which is the whole tile grid when the
    source has no coverage; and a coverage would not do: MapProxy then asks the source only for the
    part of a tile inside it, cutting off labels and symbols that reach across its edge. Only what the
    capabilities say changes (a layer without features keeps the grid's); tiles are served everywhere."""
    from mapproxy.extent import MapExtent
    from mapproxy.service.wmts import WMTSServer
    from mapproxy.srs import SRS

    for server in services:
        if not isinstance(server, WMTSServer):
            continue
        for name, grids in server.layers.items():
            box = extents.get(name)
            if box is None:
                continue
            extent = MapExtent(box, SRS(crs.WGS84))
            for tile_layer in grids.layers.values():  # one per tile matrix set
                tile_layer.md = {**tile_layer.md, "extent": extent}
                tile_layer.extent = extent.transform(tile_layer.tile_manager.grid.srs)


def current_configuration() -> dict[str, Any]:
    return config.build(generations=current_generations())


class TileService:
    """The WSGI application of the current generations (one per process, shared by its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._app: MapProxyApp | None = None

    def app(self) -> MapProxyApp:
        versions = dataversion.read(config.cached_layers())
        generations = current_generations(versions)
        key = (
            settings.MAPPROXY_SOURCE_URL,
            str(settings.MAPPROXY_CACHE_DIR),
            tuple(sorted(generations.items())),
        )
        if key == self._key and self._app is not None:
            return self._app
        with self._lock:
            if key != self._key or self._app is None:
                conf = config.build(generations=generations)
                proxy = proxy_configuration(conf)
                services = proxy.configured_services()
                advertise_extents(services, current_extents(versions))
                self._app = MapProxyApp(services, proxy.base_config)
                self._key = key
                prune(Path(settings.MAPPROXY_CACHE_DIR), generations)
            return self._app


def prune(root: Path, generations: dict[str, str]) -> list[Path]:
    """Move every layer's directories of other generations aside (one rename each) and delete them in
    a background thread. Returns the directories moved."""
    moved = []
    trash = root / TRASH
    for layer_id, current in generations.items():
        layer_dir = root / layer_id
        if not layer_dir.is_dir():
            continue
        for child in layer_dir.iterdir():
            if child.name == current or not child.is_dir():
                continue
            trash.mkdir(parents=True, exist_ok=True)
            target = trash / f"{layer_id}-{child.name}-{uuid.uuid4().hex[:8]}"
            try:
                child.rename(target)
            except OSError:  # another process moved it first
                continue
            moved.append(child)
    if moved:
        threading.Thread(
            target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}, daemon=True
        ).start()
        log.info("tile cache: older generations removed: %s", ", ".join(str(path) for path in moved))
    return moved


service = TileService()
