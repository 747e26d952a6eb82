"""The CRS policy: what is stored, what may come in and go out.

Only integer EPSG codes from ``ALLOWED_SRIDS`` ever reach GDAL/PROJ: user text is never parsed as
a spatial reference (Debian's GDAL cannot block file and network access while doing so).
"""

STORAGE_SRID = 25832  # ETRS89 / UTM zone 32N, metres: the official CRS in Baden-Württemberg
WGS84 = 4326

# code → human name; CRS:84 is EPSG:4326 with lon/lat axis order and is handled by the OGC services
ALLOWED_SRIDS: dict[int, str] = {
    25832: "ETRS89 / UTM zone 32N",
    25833: "ETRS89 / UTM zone 33N",
    3857: "WGS 84 / Pseudo-Mercator",
    4326: "WGS 84",
    4258: "ETRS89",
    31467: "DHDN / 3-degree Gauss-Kruger zone 3",
}

GEOGRAPHIC_SRIDS = frozenset({4326, 4258})


def is_geographic(srid: int) -> bool:
    return srid in GEOGRAPHIC_SRIDS


def parse_srid(value: str | int) -> int:
    """The SRID as an int from the allow-list; ``ValueError`` with the reason otherwise."""
    text = str(value).strip()
    if text.upper().startswith("EPSG:"):
        text = text[5:]
    if text.upper() in {"CRS:84", "CRS84", "OGC:CRS84"}:
        return WGS84
    # ASCII only: str.isdigit() also accepts "²" (int() fails) and other scripts' digits
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"must be an EPSG code, one of {sorted(ALLOWED_SRIDS)}")
    srid = int(text) if len(text) <= 9 else None
    if srid not in ALLOWED_SRIDS:
        raise ValueError(f"EPSG:{text[:20]} is not supported; use one of {sorted(ALLOWED_SRIDS)}")
    return srid
