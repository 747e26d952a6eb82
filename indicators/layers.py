"""The ``indicators`` map layer (WMS, OGC API – Features, vector tiles): one indicator and year per
request (docs/indicator-maps.md).

One feature per Quartier with the value of the chosen indicator and year, the city's value, and the
value's position within its city (``need``, 0–1, oriented so that 1 = most need) in five classes
(``need_class``) for the choropleth; Quartiere without a value are drawn grey. The parameters are
``indicator`` (a key of the catalogue, default the first in catalogue order) and ``year`` (default
the latest year with values of that indicator), bound as integers (``geo.layers.Parameter``).
"""

from collections.abc import Mapping, Sequence

from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.layers import AttributeType, Layer, Metadata, Parameter, Rule, Style, not_available, register
from geo.sql import load

# Need classes of the choropleth (the layer's style, the report's maps, the profile): 1 = least need
# within the city … 5 = most. (class, German label, English label, colour)
NEED_CLASSES = [
    (1, "geringster Bedarf (unterstes Fünftel)", "least need (lowest fifth)", "#f2f0f7"),
    (2, "geringer Bedarf", "low need", "#cbc9e2"),
    (3, "mittlerer Bedarf", "medium need", "#9e9ac8"),
    (4, "hoher Bedarf", "high need", "#756bb1"),
    (5, "höchster Bedarf (oberstes Fünftel)", "most need (highest fifth)", "#54278f"),
]
NO_DATA_COLOUR = "#bdbdbd"
NO_DATA_LABEL = {"de": "kein Wert", "en": "no value"}

ATTRIBUTES: dict[str, AttributeType] = {
    "code": "string",
    "name": "string",
    "slug": "string",
    "level": "integer",
    "city": "integer",
    "indicator": "string",
    "indicator_name_de": "string",
    "indicator_name_en": "string",
    "unit": "string",
    "direction": "string",
    "dimension": "string",
    "year": "integer",
    "value": "number",
    "quality": "string",
    "city_value": "number",
    "need": "number",
    "need_class": "integer",
    "illustrative": "boolean",
}


def need_colour(need_class: int | None) -> str:
    for number, _de, _en, colour in NEED_CLASSES:
        if number == need_class:
            return colour
    return NO_DATA_COLOUR


def need_class(need: float | None) -> int | None:
    """The class of a position 0–1 (as the layer's SQL computes it)."""
    if need is None:
        return None
    return min(5, 1 + int(5 * need))


# --- the parameters: integers looked up in the catalogue --------------------------------------------


def _indicators() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, id FROM indicators_indicator ORDER BY dimension, key")
        return [(key, pk) for key, pk in cursor.fetchall()]


def indicator_values(resolved: Mapping[str, int | None] | None) -> Sequence[tuple[str, int]]:
    return _indicators()


def indicator_lookup(text: str, resolved: Mapping[str, int | None]) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM indicators_indicator WHERE key = %s", [text])
        row = cursor.fetchone()
    return row[0] if row else None


def indicator_default(resolved: Mapping[str, int | None]) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM indicators_indicator ORDER BY dimension, key LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


# the years of one indicator by a skip scan of the (indicator, year) index: one probe per year
YEARS_SQL = """
WITH RECURSIVE y(year) AS (
    SELECT min(year) FROM indicators_indicatorvalue WHERE indicator_id = %(indicator)s
    UNION ALL
    SELECT (SELECT min(v.year) FROM indicators_indicatorvalue AS v
            WHERE v.indicator_id = %(indicator)s AND v.year > y.year)
    FROM y WHERE y.year IS NOT NULL
)
SELECT year FROM y WHERE year IS NOT NULL
"""


def year_values(resolved: Mapping[str, int | None] | None) -> Sequence[tuple[str, int]]:
    """The years with values of the chosen indicator; without one (capabilities), of any indicator."""
    chosen = [resolved.get("indicator")] if resolved is not None else [pk for _, pk in _indicators()]
    years: set[int] = set()
    with connection.cursor() as cursor:
        for pk in chosen:
            if pk is not None:
                cursor.execute(YEARS_SQL, {"indicator": pk})
                years.update(row[0] for row in cursor.fetchall())
    return [(str(year), year) for year in sorted(years)]


def year_lookup(text: str, resolved: Mapping[str, int | None]) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM indicators_indicatorvalue WHERE indicator_id = %s AND year = %s)",
            [resolved.get("indicator"), int(text)],
        )
        return int(text) if cursor.fetchone()[0] else None


def year_default(resolved: Mapping[str, int | None]) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(year) FROM indicators_indicatorvalue WHERE indicator_id = %s",
            [resolved.get("indicator")],
        )
        return cursor.fetchone()[0]


def caption(resolved: Mapping[str, int | None], language: str) -> str:
    """The legend's heading: "<name> (<unit>), <year>" of the chosen indicator."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_de, name_en, unit FROM indicators_indicator WHERE id = %s",
            [resolved.get("indicator")],
        )
        row = cursor.fetchone()
    if row is None:
        return ""
    name = row[1] if language[:2] == "en" else row[0]
    unit = f" ({row[2]})" if row[2] else ""
    year = resolved.get("year")
    return f"{name}{unit}, {year}" if year else f"{name}{unit}"


PARAMETERS = (
    Parameter(
        name="indicator",
        title={"de": "Indikator", "en": "Indicator"},
        kind="choice",
        values=indicator_values,
        lookup=indicator_lookup,
        default=indicator_default,
    ),
    Parameter(
        name="year",
        title={"de": "Jahr", "en": "Year"},
        kind="year",
        values=year_values,
        lookup=year_lookup,
        default=year_default,
    ),
)


# Both parameters in one statement (the tiles' hot path): the chosen (or first) indicator, and the
# chosen year if it has values of it (NULL otherwise), or its latest year. Index lookups only.
RESOLVE_SQL = """
SELECT i.id,
       CASE WHEN %(year)s::integer IS NULL
            THEN (SELECT max(v.year) FROM indicators_indicatorvalue AS v WHERE v.indicator_id = i.id)
            WHEN EXISTS (SELECT 1 FROM indicators_indicatorvalue AS v
                         WHERE v.indicator_id = i.id AND v.year = %(year)s::integer)
            THEN %(year)s::integer
       END
FROM indicators_indicator AS i
WHERE %(key)s::text IS NULL OR i.key = %(key)s::text
ORDER BY i.dimension, i.key
LIMIT 1
"""


def resolve(texts: Mapping[str, str | None]) -> dict[str, int | None]:
    """``geo.layers.Layer.resolver``: the indicator's id and the year in one query."""
    key, year = texts.get("indicator"), texts.get("year")
    with connection.cursor() as cursor:
        cursor.execute(RESOLVE_SQL, {"key": key, "year": int(year) if year else None})
        row = cursor.fetchone()
    if row is None:
        if key is not None:
            raise not_available(PARAMETERS[0], key, {})
        return {"indicator": None, "year": None}
    if year is not None and row[1] is None:
        raise not_available(PARAMETERS[1], year, {"indicator": row[0]})
    return {"indicator": row[0], "year": row[1]}


def register_layers() -> None:
    register(
        Layer(
            id="indicators",
            title={"de": "Indikatoren der Quartiere", "en": "Indicators of the Quartiere"},
            abstract={
                "de": "Ein Indikator und ein Jahr je Anfrage (WMS: DIM_INDICATOR und TIME; OGC API: "
                "indicator und datetime; Kacheln: indicator und year): Wert je Quartier, Wert der Stadt und "
                "die Lage des Werts zwischen dem niedrigsten und höchsten Quartier der Stadt, so gedreht, "
                "dass dunkler mehr Bedarf bedeutet (fünf Klassen; grau: kein Wert). Nur veröffentlichte "
                "Statistik; illustrative Daten sind gekennzeichnet. Methode: docs/indicator-maps.md.",
                "en": "One indicator and year per request (WMS: DIM_INDICATOR and TIME; OGC API: indicator "
                "and datetime; tiles: indicator and year): the value per Quartier, the city's value and the "
                "value's position between the city's lowest and highest Quartier, turned so that darker "
                "means more need (five classes; grey: no value). Published statistics only; illustrative "
                "data are flagged. Method: docs/indicator-maps.md.",
            },
            geometry_type="MultiPolygon",
            source=load(__file__, "layer_indicators"),
            attributes=ATTRIBUTES,
            queryable=("code", "name", "slug", "city", "need_class"),
            styles=(
                Style(
                    name="need",
                    title={
                        "de": "Bedarf innerhalb der Stadt (klassiert)",
                        "en": "Need within the city (classed)",
                    },
                    stroke="#4a4a4a",
                    stroke_width=1.0,
                    fill=NO_DATA_COLOUR,
                    fill_opacity=0.75,
                    label="name",
                    rules=(
                        *(
                            Rule(
                                label={"de": de, "en": en},
                                colour=colour,
                                attribute="need_class",
                                value=str(n),
                            )
                            for n, de, en, colour in NEED_CLASSES
                        ),
                        Rule(label=NO_DATA_LABEL, colour=NO_DATA_COLOUR),
                    ),
                ),
            ),
            tables=("indicators_indicator", "indicators_indicatorvalue", "quartiere_area"),
            order=35,
            metadata=Metadata(
                keywords=("Indikatoren", "Statistik"), update_frequency="annually", topic="society"
            ),
            parameters=PARAMETERS,
            caption=caption,
            resolver=resolve,
        )
    )
