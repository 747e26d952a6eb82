"""Spatial indicators computed in PostGIS from reference layers; recomputed when a layer or the areas
change."""


def connect_signals() -> None:
    pass
