"""The planning part of the illustrative Ludwigsburg demo: a few focus areas (illustrative, drawn
around points of the Stadtteile), published, linked to demo measures nearby. Idempotent: a focus
area is identified by (city, name) and only written when it is missing."""

from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction

from geo import crs
from measures.models import Measure
from planning.models import FocusArea
from planning.services import focus_area_create
from quartiere.models import Area, Level

CITY_CODE = "08118048"
ILLUSTRATIVE = " (illustrativ)"

# name, rationale, priority, dimensions, time horizon, centre (lon, lat), radius (m)
FOCUS_AREAS = [
    (
        "Innenstadt und Bahnhofsumfeld",
        "Verdichtete Mitte mit vielen Beiträgen zu Aufenthaltsqualität, Hitze und Wegen.",
        "high",
        ["just", "green"],
        "short",
        (9.1880, 48.8950),
        650,
    ),
    (
        "Grünzug Oßweil – Neckar",
        "Vernetzung der Grünflächen zwischen Oßweil und dem Neckar; Frischluftschneise.",
        "medium",
        ["green"],
        "long",
        (9.2250, 48.9000),
        800,
    ),
    (
        "Quartierszentrum Grünbühl-Sonnenberg",
        "Soziale Infrastruktur und Nahversorgung im Quartier; Programm Sozialer Zusammenhalt.",
        "high",
        ["just", "productive"],
        "medium",
        (9.2170, 48.8830),
        450,
    ),
    (
        "Gewerbegebiet Westlich der Schwieberdinger Straße",
        "Flächeneffiziente Weiterentwicklung von Gewerbe und Handwerk, Klimaanpassung der Dächer.",
        "low",
        ["productive", "green"],
        "long",
        (9.1650, 48.8920),
        600,
    ),
]


# the demo's weightings of the priority index (docs/priorities.md), by indicator key; keys the catalogue
# lacks are skipped (the indicators' demo loads before this one: INSTALLED_APPS order)
DEFAULT_WEIGHTING = {
    "sgb2_quote": 1.0,
    "kinderarmut": 1.0,
    "alleinerziehende": 0.5,
    "altersquote_65": 0.5,
    "mietbelastung": 0.5,
    "hitzetage": 1.0,
    "versiegelung": 0.5,
    "gruenflaeche_je_ew": 1.0,
    "arbeitslosenquote": 1.0,
    "beschaeftigte_je_1000": 0.5,
}
GREEN_WEIGHTING = (
    "Schwerpunkt Grün",
    "Illustrativ: Hitze, Versiegelung und Grünversorgung zählen doppelt so viel wie die Beteiligung.",
    {"hitzetage": 2.0, "versiegelung": 1.0, "gruenflaeche_anteil": 1.0, "gruenflaeche_je_ew": 2.0},
)


def load_weightings(city: Area) -> str:
    """The city's default weighting (the settings' component weights and ``DEFAULT_WEIGHTING``) and
    "Schwerpunkt Grün"; idempotent."""
    from indicators.models import Indicator
    from planning import weightings
    from planning.models import Weighting

    default = weightings.ensure_default(city, indicators=DEFAULT_WEIGHTING)
    name, description, chosen = GREEN_WEIGHTING
    known = set(Indicator.objects.filter(key__in=list(chosen)).values_list("key", flat=True))
    if not Weighting.objects.filter(city=city, name=name).exists():
        weightings.weighting_create(
            city=city,
            name=name,
            description=description,
            w_indicators=2.0,
            indicator_weights={k: w for k, w in chosen.items() if k in known},
        )
    count = default.indicator_weights.count()
    return (
        f"weightings: default with {count} indicators, {Weighting.objects.filter(city=city).count()} in all"
    )


@transaction.atomic
def load_demo(demo_dir: Path) -> str:
    city = Area.objects.filter(level=Level.CITY, code=CITY_CODE).first()
    if city is None:
        return "no city, no focus areas"
    created = 0
    for name, rationale, priority, dimensions, horizon, (lon, lat), radius in FOCUS_AREAS:
        full_name = name + ILLUSTRATIVE
        if FocusArea.objects.filter(city=city, name=full_name).exists():
            continue
        centre = Point(lon, lat, srid=crs.WGS84).transform(crs.STORAGE_SRID, clone=True)
        # an irregular octagon: illustrative, not a real boundary
        geom = centre.buffer(radius, quadsegs=2)
        geom = geom.intersection(city.geom)
        if geom.empty:
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        nearby = Measure.objects.filter(city=city, published=True, geom__intersects=geom).order_by("id")[:5]
        focus_area_create(
            city=city,
            name=full_name,
            rationale=rationale + " Illustrative Demo-Daten.",
            priority=priority,
            dimensions=dimensions,
            time_horizon=horizon,
            geom=geom,
            measures=list(nearby),
            published=True,
        )
        created += 1
    total = FocusArea.objects.filter(city=city, name__endswith=ILLUSTRATIVE).count()
    summary = load_weightings(city)
    return f"focus areas created {created}, {total} in all (illustrative data); {summary}"
