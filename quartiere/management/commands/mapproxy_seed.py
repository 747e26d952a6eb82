"""Seed the WMTS tile cache (geo.wmts.seed) for a city's extent or a box."""

from django.contrib.gis.db.models.aggregates import Extent
from django.contrib.gis.db.models.functions import Transform
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from geo import crs
from geo.wmts import seed
from quartiere.models import Area, Level


class Command(BaseCommand):
    help = (
        "Render the WMTS tiles of a city's extent (--city, by official code or slug) or of a box (--bbox "
        "west,south,east,north in degrees) into the tile cache: the given layers (default all), grids "
        "(default DE_EPSG_25832_ADV and GoogleMapsCompatible) and levels (e.g. 8-14). The source is "
        "MAPPROXY_SOURCE_URL's /ows, which must be running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", help="the city: its official code (AGS) or slug")
        parser.add_argument("--bbox", help="west,south,east,north in degrees (EPSG:4326)")
        parser.add_argument("--layers", help="comma-separated layer ids (default: all cached layers)")
        parser.add_argument("--grids", help="comma-separated tile matrix sets (default: both)")
        parser.add_argument("--levels", required=True, help="levels: 10, 8-12 or 8,10,12")
        parser.add_argument("--concurrency", type=int, default=2, help="parallel source requests (default 2)")
        parser.add_argument("--dry-run", action="store_true", help="count the tiles, render nothing")

    def handle(self, *args, **options) -> None:
        if bool(options["city"]) == bool(options["bbox"]):
            raise CommandError("name either --city or --bbox")
        bbox = self.city_bbox(options["city"]) if options["city"] else self.parse_bbox(options["bbox"])
        if not 1 <= options["concurrency"] <= 16:
            raise CommandError("--concurrency: between 1 and 16")
        try:
            levels = seed.parse_levels(options["levels"])
            plan = seed.plan(split(options["layers"]), split(options["grids"]), levels, bbox)
        except ValueError as error:
            raise CommandError(str(error)) from error
        seed.seed(plan, concurrency=options["concurrency"], dry_run=options["dry_run"])
        self.stdout.write(
            f"mapproxy_seed: {len(plan.layers)} layer(s), grids {', '.join(plan.grids)}, "
            f"levels {', '.join(map(str, plan.levels))}, box {', '.join(f'{v:.5f}' for v in plan.bbox)}"
        )

    @staticmethod
    def city_bbox(key: str) -> tuple[float, float, float, float]:
        cities = Area.objects.filter(Q(code=key) | Q(slug=key), level=Level.CITY)
        if cities.count() != 1:
            raise CommandError(f"--city: {key[:40]!r} names {cities.count()} cities (give the official code)")
        box = cities.aggregate(box=Extent(Transform("geom", crs.WGS84)))["box"]
        return tuple(box)

    @staticmethod
    def parse_bbox(text: str) -> tuple[float, float, float, float]:
        try:
            west, south, east, north = (float(value) for value in text.split(","))
        except ValueError as error:
            raise CommandError("--bbox: expected four numbers west,south,east,north") from error
        return west, south, east, north


def split(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] if text else None
