"""The publishable layer of participation: ``contributions`` — published contributions only, with
their location generalised as their consultation says, and only public attributes: never email,
author, the deletion token or anything about the client. The pseudonym is left out too: map services
hand out whole layers in bulk (downloads, GetFeatureInfo), which the contributor did not sign up
for; the participation map and API show it next to the text."""

from geo.layers import Layer, Metadata, Rule, Style, register

# The colour of each contribution category, everywhere: the WMS style and its legend below, the pins
# and list of /karte/ (karte.js, from the page's configuration) and the contributions on the planners'
# maps. Okabe & Ito's colour-blind safe palette. (category, German label, English label, colour)
CATEGORY_COLOURS = [
    ("idea", "Idee", "idea", "#0072b2"),
    ("problem", "Problem", "problem", "#d55e00"),
    ("praise", "Lob", "praise", "#009e73"),
    ("question", "Frage", "question", "#cc79a7"),
]
# what a contribution of a category without a colour would be drawn in (the tests make sure none is)
NO_CATEGORY_COLOUR = "#777777"


def category_colours() -> dict[str, str]:
    """``{category: "#rrggbb"}``, for the pages' scripts."""
    return {value: colour for value, _de, _en, colour in CATEGORY_COLOURS}


# The location is the published one, ``geom_public`` (the point snapped to the consultation's grid
# when it asks for generalisation; kept by triggers, see sql/public_location.sql). It has a GiST index
# of its own, so the services' bbox filter on ``src.geom`` uses an index, and the map shows exactly
# the location the API publishes.
# The consultation's generalisation is a scalar subquery, not a join: a reader that leaves the column
# out (the map, the tiles) skips it, and under ``ORDER BY … LIMIT`` PostgreSQL evaluates it after the
# sort, for the page's rows only (with a join, every contribution in the box looked its consultation
# up: a region's 3,700 for a page of 1,000).
SOURCE = """
SELECT c.id, c.geom_public AS geom,
       c.consultation_id AS consultation, c.category, c.origin, c.text, c.created_at AS created,
       (SELECT nullif(k.generalise_m, 0) FROM participation_consultation AS k
        WHERE k.id = c.consultation_id) AS generalised_m
FROM participation_contribution AS c
WHERE c.status = 'published'
"""


def register_layers() -> None:
    register(
        Layer(
            id="contributions",
            title={"de": "Beiträge der Beteiligung", "en": "Participation contributions"},
            abstract={
                "de": "Veröffentlichte Beiträge aus Beteiligungsverfahren: Kategorie, Herkunft (Trialog), "
                "Text und Zeitpunkt; der Ort ist so vergröbert, wie es das Verfahren vorsieht.",
                "en": "Published contributions to consultations: category, origin (Trialog), text and time; "
                "the location is generalised as the consultation says.",
            },
            geometry_type="Point",
            source=SOURCE,
            attributes={
                "consultation": "integer",
                "category": "string",
                "origin": "string",
                "text": "string",
                "created": "datetime",
                "generalised_m": "integer",
            },
            queryable=("consultation", "category", "origin"),
            styles=(
                Style(
                    name="by_category",
                    title={"de": "nach Kategorie", "en": "by category"},
                    stroke="#ffffff",
                    stroke_width=1.0,
                    fill=NO_CATEGORY_COLOUR,
                    fill_opacity=0.9,
                    point_size=10,
                    rules=tuple(
                        Rule(label={"de": de, "en": en}, colour=colour, attribute="category", value=value)
                        for value, de, en, colour in CATEGORY_COLOURS
                    ),
                ),
            ),
            tables=("participation_contribution", "participation_consultation"),
            order=30,
            metadata=Metadata(
                keywords=("Bürgerbeteiligung", "Beteiligung"), update_frequency="continual", topic="society"
            ),
        )
    )
