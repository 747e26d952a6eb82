"""WMTS 1.0.0 and a tile cache: MapProxy configured from the layer registry (docs/operations.md,
"WMTS and tile cache")."""
