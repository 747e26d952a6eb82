"""A small city for the indicator maps: city C ([-5 km, 5 km]² around (X0, Y0)) with four Quartiere
in a 2×2 grid, two indicators made through the models, values chosen so that the classes are easy to
compute by hand:

- ``armut`` (just, higher = more need, illustrative): 2022 Q1 10, Q2 20, Q3 30, Q4 none, city 18;
  2023 Q1 12, Q2 12, Q3 36, Q4 24, city 20 → positions 0, 0, 1, 0.5 → classes 1, 1, 5, 3.
- ``gruen`` (green, higher = less need): 2023 Q1 5, Q2 15, Q3 25, Q4 45, no city value →
  positions (45−v)/40 = 1, 0.75, 0.5, 0 → classes 5, 4, 3, 1.

Catalogue order is (dimension, key): ``gruen`` (green) comes first, so it is the default indicator.
"""

from collections.abc import Callable

from indicators.models import Direction, Indicator, IndicatorValue, Quality
from quartiere.models import Area, Level
from tests.fixtures import feature, import_areas, import_region, square

VALUES = {
    ("armut", 2022): {"Q1": 10.0, "Q2": 20.0, "Q3": 30.0, "C": 18.0},
    ("armut", 2023): {"Q1": 12.0, "Q2": 12.0, "Q3": 36.0, "Q4": 24.0, "C": 20.0},
    ("gruen", 2023): {"Q1": 5.0, "Q2": 15.0, "Q3": 25.0, "Q4": 45.0},
}
CLASSES = {
    ("armut", 2022): {"Q1": 1, "Q2": 3, "Q3": 5, "Q4": None},
    ("armut", 2023): {"Q1": 1, "Q2": 1, "Q3": 5, "Q4": 3},
    ("gruen", 2023): {"Q1": 5, "Q2": 4, "Q3": 3, "Q4": 1},
}


def build_city() -> None:
    import_region()
    import_areas(Level.CITY, feature("C", "Teststadt", square(-5000, -5000, 5000, 5000), 40_000))
    import_areas(
        Level.QUARTIER,
        feature("Q1", "Südwest", square(-5000, -5000, 0, 0), 10_000),
        feature("Q2", "Südost", square(0, -5000, 5000, 0), 10_000),
        feature("Q3", "Nordwest <b>{{ 6*7 }}</b>", square(-5000, 0, 0, 5000), 10_000),
        feature("Q4", "Nordost", square(0, 0, 5000, 5000), 10_000),
    )
    armut = Indicator.objects.create(
        key="armut",
        name_de="Armutsquote",
        name_en="Poverty rate",
        unit="%",
        dimension="just",
        direction=Direction.MORE_NEED,
        source="Statistikamt <script>x</script>",
        licence="dl-de/by-2-0",
        illustrative=True,
    )
    gruen = Indicator.objects.create(
        key="gruen",
        name_de="Grünfläche je Einwohner",
        name_en="Green space per inhabitant",
        unit="m²/EW",
        dimension="green",
        direction=Direction.LESS_NEED,
        source="Grünflächenkataster",
        licence="CC BY 4.0",
    )
    areas = {area.code: area for area in Area.objects.filter(code__in=["C", "Q1", "Q2", "Q3", "Q4"])}
    indicators = {"armut": armut, "gruen": gruen}
    rows = []
    for (key, year), values in VALUES.items():
        for code, value in values.items():
            quality = Quality.ESTIMATED if (key, year, code) == ("armut", 2023, "Q3") else Quality.MEASURED
            rows.append(
                IndicatorValue(
                    indicator=indicators[key], area=areas[code], year=year, value=value, quality=quality
                )
            )
    IndicatorValue.objects.bulk_create(rows)


def codes_of(features: list[dict], name: str = "need_class") -> dict[str, object]:
    return {f["properties"]["code"]: f["properties"][name] for f in features}


Build = Callable[[], None]
