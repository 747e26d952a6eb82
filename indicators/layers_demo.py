"""The demo's illustrative reference layers and the spatial indicators computed from them.

Two layers built by fixtures/ludwigsburg/build_reference_layers.py (made-up green spaces and stops,
labelled illustrative) are imported through ``import_layer`` as a city's files are, and three spatial
indicators are defined on them. Other parts of the demo (weightings, profiles) use these keys:
``gruenflaeche_anteil``, ``gruenflaeche_je_ew``, ``haltestellen_300m``. Idempotent: a second run
re-imports the layers and leaves the indicators' definitions as they are.
"""

from pathlib import Path
from typing import Any

from indicators import spatial
from indicators.layer_import import LayerMeta, import_layer
from indicators.models import SpatialIndicator

YEAR = 2024
SOURCE = "illustrativ – Demo-Daten"
LICENCE = "CC0 1.0 (erfundene Demo-Daten)"

LAYERS = [
    LayerMeta(
        name="gruenflaechen",
        title="Grünflächen (illustrativ)",
        year=YEAR,
        source=SOURCE,
        licence=LICENCE,
        description="Erfundene Grünflächen für die Demo, ungleich über die Stadtteile verteilt.",
        illustrative=True,
    ),
    LayerMeta(
        name="haltestellen",
        title="Haltestellen Bus und S-Bahn (illustrativ)",
        year=YEAR,
        source=SOURCE,
        licence=LICENCE,
        description="Erfundene Bus- und S-Bahn-Haltestellen für die Demo.",
        illustrative=True,
    ),
]

INDICATORS: list[dict[str, Any]] = [
    {
        "layer": "gruenflaechen",
        "method": "area_share",
        "distance": None,
        "key": "gruenflaeche_anteil",
        "name_de": "Anteil Grünfläche",
        "name_en": "Share of green space",
        "unit": "%",
        "dimension": "green",
        "direction": "less_need",
        "description": "Anteil der Fläche des Gebiets, der von Grünflächen bedeckt ist.",
    },
    {
        "layer": "gruenflaechen",
        "method": "area_per_inhabitant",
        "distance": None,
        "key": "gruenflaeche_je_ew",
        "name_de": "Grünfläche je Einwohner*in",
        "name_en": "Green space per inhabitant",
        "unit": "m²/EW",
        "dimension": "green",
        "direction": "less_need",
        "description": "Quadratmeter Grünfläche im Gebiet je Einwohner*in.",
    },
    {
        "layer": "haltestellen",
        "method": "share_within",
        "distance": 300,
        "key": "haltestellen_300m",
        "name_de": "Fläche im 300-m-Umkreis einer Haltestelle",
        "name_en": "Area within 300 m of a stop",
        "unit": "%",
        "dimension": "just",
        "direction": "less_need",
        "description": (
            "Anteil der Fläche des Gebiets, der höchstens 300 m von einer Haltestelle entfernt ist."
        ),
    },
]


def load_demo(demo_dir: Path) -> str:
    layers = {}
    for meta in LAYERS:
        summary = import_layer(demo_dir / f"{meta.name}.geojson", meta, id_field="id", progress=False)
        layers[meta.name] = summary.layer
    for definition in INDICATORS:
        fields = dict(definition)
        layer = layers[fields.pop("layer")]
        method, distance = fields.pop("method"), fields.pop("distance")
        if not SpatialIndicator.objects.filter(indicator__key=fields["key"]).exists():
            spatial.define_spatial_indicator(
                layer=layer, method=method, distance=distance, source=SOURCE, illustrative=True, **fields
            )
    # computed now rather than after the loader's commit: the demo's other parts read the values
    computed = spatial.compute_all(
        SpatialIndicator.objects.filter(indicator__key__in=[d["key"] for d in INDICATORS]).values_list(
            "indicator_id", flat=True
        )
    )
    return f"{len(layers)} reference layers, spatial indicators {computed}"
