"""geo.validation before any area is imported (a module of its own: the demo is loaded per module)."""

import pytest

from geo import validation


def test_without_regions_nothing_can_be_placed(db):
    with pytest.raises(validation.GeometryRejected, match="no regions"):
        validation.geometry_from_geojson({"type": "Point", "coordinates": [9.1956, 48.8997]}, field="geom")
