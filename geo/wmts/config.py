"""MapProxy's configuration, built from the layer registry: one WMS source (our own ``/ows``), one file
cache and one WMTS layer per registered layer, on two tile matrix sets.

The configuration is a plain dict (``build``); ``manage.py mapproxy_config`` writes it as YAML with a
YAML library (titles and abstracts are data, never spliced into text), and ``geo.wmts.service`` hands it
to MapProxy directly, with each cache's directory set to the layer's current *generation* (its data
version and definition), which is how a data change invalidates that layer's tiles.

Parameterised layers (``indicators``) are cached with their default parameters, the picture ``/ows``
draws when a request names none (the default indicator, its latest year). Their defaults follow the data
(a new year becomes the default), and so does the cache: the tables the defaults are read from are the
layer's ``tables``.
"""

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings

from geo import dataversion
from geo import layers as registry
from geo.layers import Layer

# The AdV's tile matrix set for EPSG:25832 (GDI-DE/AdV WMTS profile, "DE_EPSG_25832_ADV", as basemap.de
# and the state survey offices publish it): top left corner (-46133.17, 6301219.54), 256 px tiles,
# one tile at level 0, each level halving the resolution (scale denominators 17471320.7508974 …,
# i.e. Web Mercator's resolutions from zoom 5 on with 0.28 mm pixels).
ADV_25832 = "DE_EPSG_25832_ADV"
ADV_ORIGIN = (-46133.17, 6301219.54)
ADV_RESOLUTIONS = (
    4891.96981025128,
    2445.98490512564,
    1222.99245256282,
    611.49622628141,
    305.748113140705,
    152.874056570353,
    76.4370282851763,
    38.2185141425881,
    19.1092570712941,
    9.55462853564703,
    4.77731426782352,
    2.38865713391176,
    1.19432856695588,
    0.597164283477939,
    0.298582141738970,
    0.149291070869485,
)
ADV_EXTENT = 256 * ADV_RESOLUTIONS[0]  # 1252344.27… m: the one tile of level 0
GOOGLE = "GoogleMapsCompatible"  # OGC WMTS 1.0.0 Annex E.4, EPSG:3857, zoom 0–19
GRIDS = (ADV_25832, GOOGLE)
# the CRSs the sources are asked in: those of the grids, both served by /ows
SOURCE_SRS = ("EPSG:25832", "EPSG:3857")


def cached_layers() -> list[Layer]:
    """The registered layers the tile cache serves: all of them (parameterised ones with defaults)."""
    return registry.all_layers()


def generation(layer: Layer, versions: dataversion.Versions) -> str:
    """The name of the layer's current cache generation: changes with every write to one of its tables
    (data version) and with its definition or styles (a deploy)."""
    drawn = repr((dataversion.definition_digest(layer), layer.styles))
    digest = hashlib.blake2b(drawn.encode(), digest_size=6).hexdigest()
    return f"v{versions.token([layer])}-{digest}"


def build(
    *,
    base_url: str | None = None,
    cache_dir: str | Path | None = None,
    generations: dict[str, str] | None = None,
    layers: list[Layer] | None = None,
) -> dict[str, Any]:
    """MapProxy's configuration as a dict. ``base_url``: where ``/ows`` is reached (default
    ``settings.MAPPROXY_SOURCE_URL``); ``cache_dir`` default ``settings.MAPPROXY_CACHE_DIR``;
    ``generations``: layer id → generation (a layer without one caches under ``static``)."""
    base = (base_url or settings.MAPPROXY_SOURCE_URL).rstrip("/")
    root = Path(cache_dir or settings.MAPPROXY_CACHE_DIR).resolve()
    chosen = cached_layers() if layers is None else layers
    language = settings.LANGUAGE_CODE
    sources: dict[str, Any] = {}
    caches: dict[str, Any] = {}
    tile_layers: list[dict[str, Any]] = []
    for layer in chosen:
        sources[f"{layer.id}_wms"] = {
            "type": "wms",
            "req": {"url": f"{base}/ows", "layers": layer.id, "transparent": True},
            "wms_opts": {"version": "1.3.0", "featureinfo": False, "legendgraphic": False},
            "supported_srs": list(SOURCE_SRS),
            "supported_formats": ["image/png"],
        }
        caches[layer.id] = {
            "grids": list(GRIDS),
            "sources": [f"{layer.id}_wms"],
            "format": "image/png",
            "cache_dir": str(root / layer.id / (generations or {}).get(layer.id, "static")),
            "cache": {"type": "file", "directory_layout": "tms", "use_grid_names": True},
        }
        abstract = layer.abstract_in(language)
        if layer.parameters:
            abstract += " " + _DEFAULTS_NOTE.get(language[:2], _DEFAULTS_NOTE["en"])
        tile_layers.append(
            {
                "name": layer.id,
                "title": layer.title_in(language),
                "sources": [layer.id],
                "md": {"abstract": abstract},
            }
        )
    wms = settings.WMS
    return {
        "services": {
            "wmts": {
                "restful": True,
                "kvp": True,
                "restful_template": "/{Layer}/{TileMatrixSet}/{TileMatrix}/{TileCol}/{TileRow}.{Format}",
                "md": {
                    "title": wms["TITLE"].get(language[:2]) or wms["TITLE"]["en"],
                    "abstract": wms["ABSTRACT"].get(language[:2]) or wms["ABSTRACT"]["en"],
                    "fees": wms["FEES"],
                    "access_constraints": wms["ACCESS_CONSTRAINTS"],
                },
            },
        },
        "layers": tile_layers,
        "caches": caches,
        "sources": sources,
        "grids": {
            ADV_25832: {
                "srs": "EPSG:25832",
                "bbox": [
                    ADV_ORIGIN[0],
                    ADV_ORIGIN[1] - ADV_EXTENT,
                    ADV_ORIGIN[0] + ADV_EXTENT,
                    ADV_ORIGIN[1],
                ],
                "bbox_srs": "EPSG:25832",
                "origin": "ul",
                "res": list(ADV_RESOLUTIONS),
                "tile_size": [256, 256],
            },
            GOOGLE: {"base": "GLOBAL_WEBMERCATOR", "origin": "ul", "num_levels": 20},
        },
        "globals": {
            "cache": {
                "base_dir": str(root),
                "lock_dir": str(root / "locks" / "cache"),
                "tile_lock_dir": str(root / "locks" / "tiles"),
                # 4×4 tiles per source request, 80 px beyond them: labels and symbols on tile edges
                # are drawn whole
                "meta_size": [4, 4],
                "meta_buffer": 80,
            },
            "http": {
                "client_timeout": settings.MAPPROXY_SOURCE_TIMEOUT,
                "access_control_allow_origin": settings.MAP_CORS_ALLOW_ORIGIN,
            },
            "image": {"paletted": False},
        },
    }


_DEFAULTS_NOTE = {
    "de": "Im Kachel-Cache mit den Voreinstellungen (Standard-Indikator, letztes Jahr); andere "
    "Werte über den WMS (DIM_…, TIME).",
    "en": "Tiles show the defaults (the default indicator, its latest year); other values through the "
    "WMS (DIM_…, TIME).",
}
