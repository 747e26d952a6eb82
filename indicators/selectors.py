"""Reads of the indicators for pages: the Quartier profile's panel and the city report's maps
(docs/indicator-maps.md). Values in the indicator's unit; geometry in EPSG:25832."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.sql import load
from indicators.layers import NEED_CLASSES, NO_DATA_COLOUR, NO_DATA_LABEL, need_class, need_colour
from indicators.models import Quality
from measures.models import Dimension
from quartiere.models import Area

SPARK_W, SPARK_H, SPARK_PAD = 120, 32, 3


def _rows(name: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, name), params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class IndicatorSeries:
    key: str
    name: str
    unit: str
    source: str
    licence: str
    illustrative: bool
    direction: str
    years: list[dict] = field(default_factory=list)  # {"year", "value", "city_value", "quality", "note"}

    @property
    def latest(self) -> dict:
        return self.years[-1]

    @property
    def quality_label(self) -> str:
        return str(Quality(self.latest["quality"]).label) if self.latest["quality"] in Quality.values else ""

    @property
    def sparkline(self) -> dict[str, Any]:
        """Polyline points of the Quartier's (and the city's) values in a small SVG frame: numbers only."""
        values = [row["value"] for row in self.years] + [
            row["city_value"] for row in self.years if row["city_value"] is not None
        ]
        lo, hi = min(values), max(values)
        span = (hi - lo) or 1.0
        first, last = self.years[0]["year"], self.years[-1]["year"]
        width = (last - first) or 1

        def xy(year: int, value: float) -> str:
            x = SPARK_PAD + (year - first) / width * (SPARK_W - 2 * SPARK_PAD)
            y = SPARK_H - SPARK_PAD - (value - lo) / span * (SPARK_H - 2 * SPARK_PAD)
            return f"{x:.1f},{y:.1f}"

        own = " ".join(xy(row["year"], row["value"]) for row in self.years)
        city = " ".join(
            xy(row["year"], row["city_value"]) for row in self.years if row["city_value"] is not None
        )
        last_point = xy(self.years[-1]["year"], self.years[-1]["value"]).split(",")
        return {
            "width": SPARK_W,
            "height": SPARK_H,
            "own": own,
            "city": city,
            "x": last_point[0],
            "y": last_point[1],
        }


def profile_panel(quartier: Area) -> list[dict]:
    """The indicators of ``quartier`` grouped by Charter dimension: ``[{"label", "indicators":
    [IndicatorSeries]}]``, each with all its years (the city's value of the same year beside each).
    One statement."""
    language = get_language() or "de"
    rows = _rows("profile_indicators", {"quartier": quartier.pk, "city": quartier.parent_id})
    series: dict[int, IndicatorSeries] = {}
    dimensions: dict[str, list[IndicatorSeries]] = {}
    for row in rows:
        item = series.get(row["id"])
        if item is None:
            item = IndicatorSeries(
                key=row["key"],
                name=row["name_en"] if language[:2] == "en" else row["name_de"],
                unit=row["unit"],
                source=row["source"],
                licence=row["licence"],
                illustrative=row["illustrative"],
                direction=row["direction"],
            )
            series[row["id"]] = item
            dimensions.setdefault(row["dimension"], []).append(item)
        item.years.append({k: row[k] for k in ("year", "value", "city_value", "quality", "note")})
    return [
        {"label": str(Dimension(d).label), "indicators": dimensions[d]}
        for d in Dimension.values
        if d in dimensions
    ]


def report_maps(city: Area) -> list[dict]:
    """A choropleth per indicator for the city report (its latest year with Quartier values): SVG path
    data of the city's Quartiere (EPSG:25832, relative to the city's extent) with the need class colours
    of the ``indicators`` layer, the legend, source, licence and illustrative flag. Two statements."""
    language = get_language() or "de"
    rows = _rows("report_maps", {"city": city.pk})
    catalogue = {}
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name_de, name_en, unit, source, licence, illustrative FROM indicators_indicator "
                "WHERE id = ANY(%s)",
                [sorted({row["id"] for row in rows})],
            )
            for pk, name_de, name_en, unit, source, licence, illustrative in cursor.fetchall():
                catalogue[pk] = {
                    "name": name_en if language[:2] == "en" else name_de,
                    "unit": unit,
                    "source": source,
                    "licence": licence,
                    "illustrative": illustrative,
                }
    maps: dict[int, dict] = {}
    for row in rows:
        entry = maps.get(row["id"])
        if entry is None:
            entry = {
                "key": row["key"],
                "year": row["year"],
                "width": round(row["w"], 1),
                "height": round(row["h"], 1),
                "areas": [],
                **catalogue[row["id"]],
            }
            maps[row["id"]] = entry
        number = need_class(row["need"])
        entry["areas"].append(
            {"name": row["name"], "value": row["value"], "path": row["path"], "colour": need_colour(number)}
        )
    return list(maps.values())


def need_legend() -> list[dict]:
    language = (get_language() or "de")[:2]
    rows = [
        {"label": en if language == "en" else de, "colour": colour} for _n, de, en, colour in NEED_CLASSES
    ]
    rows.append({"label": NO_DATA_LABEL.get(language, NO_DATA_LABEL["en"]), "colour": NO_DATA_COLOUR})
    return rows


def report_context(city: Area) -> dict[str, Any]:
    """What the report's indicator section needs: ``indicator_maps`` and ``indicator_legend``."""
    return {"indicator_maps": report_maps(city), "indicator_legend": need_legend()}
