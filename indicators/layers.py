"""The ``indicators`` map layer (WMS, OGC API – Features, vector tiles)."""


def register_layers() -> None:
    pass
