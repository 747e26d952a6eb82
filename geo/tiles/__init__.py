"""Mapbox vector tiles of the registered layers at ``/tiles/{layer}/{z}/{x}/{y}.mvt`` and TileJSON."""
