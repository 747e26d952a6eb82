"""DRF fields: geometry (GeoJSON in and out in the request's CRS, validated by ``geo.validation``) and
a datetime in UTC as the API's SQL-built lists write it."""

import datetime as dt
import json
from collections.abc import Collection
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo import crs, validation

GEOMETRY_SCHEMA = {
    "type": "object",
    "description": (
        "GeoJSON geometry in the request's CRS (EPSG:4326 lon/lat unless ?srid= names another); "
        "at most the configured number of vertices; inside the service's area"
    ),
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": list(validation.SIMPLE_TYPES)},
        "coordinates": {"type": "array", "items": {}},
    },
}


@extend_schema_field(GEOMETRY_SCHEMA)
class GeometryField(serializers.Field):
    """A geometry as GeoJSON in the CRS named by ``context["srid"]`` (default 4326), stored in
    EPSG:25832. For output, a ``<source>_geojson`` attribute on the instance (GeoJSON text already
    transformed by PostGIS) is used when present; a GEOSGeometry is transformed otherwise."""

    def __init__(
        self, *, allow_collection: bool = False, types: Collection[str] | None = None, **kwargs: Any
    ) -> None:
        self.allow_collection = allow_collection
        self.types = types
        super().__init__(**kwargs)

    @property
    def srid(self) -> int:
        return int(self.context.get("srid", crs.WGS84))

    def to_internal_value(self, data: Any) -> GEOSGeometry:
        try:
            return validation.geometry_from_geojson(
                data,
                field=self.field_name or "geom",
                srid=self.srid,
                allow_collection=self.allow_collection,
                types=self.types,
            )
        except validation.GeometryRejected as error:
            raise serializers.ValidationError(error.reason) from None

    def get_attribute(self, instance: Any) -> Any:
        prebuilt = getattr(instance, f"{self.source}_geojson", None)
        if prebuilt is not None:
            return prebuilt
        return super().get_attribute(instance)

    def to_representation(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            return json.loads(value)
        if isinstance(value, GEOSGeometry):
            # an integer SRID from the allow-list is all that reaches GDAL/PROJ here
            out = value if value.srid == self.srid else value.transform(self.srid, clone=True)
            return json.loads(out.json)
        return value


class UtcDateTimeField(serializers.DateTimeField):
    """A datetime in UTC, ISO 8601 with ``+00:00`` and no trailing zeros in its fraction of a second —
    as PostgreSQL writes a timestamptz into the JSON of the lists it builds
    (``measures/sql/measure_features.sql``, ``planning/sql/focus_area_features.sql``; Django's sessions
    are in UTC), so that a record's list and detail answers give the same text. DRF's own field writes
    the site's local time."""

    def to_representation(self, value: dt.datetime) -> str:  # DRF writes None itself
        text = value.astimezone(dt.UTC).isoformat()  # …THH:MM:SS[.ffffff]+00:00
        if value.microsecond:
            head, tail = text.split(".")
            text = f"{head}.{tail[:6].rstrip('0')}{tail[6:]}"
        return text
