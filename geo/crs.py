"""The CRS policy: what is stored, what may come in and go out.

Only integer EPSG codes from ``ALLOWED_SRIDS`` ever reach GDAL/PROJ: user text is never parsed as
a spatial reference (Debian's GDAL cannot block file and network access while doing so).
"""

import re
from dataclasses import dataclass

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


# Axis order as the EPSG registry defines it: latitude (northing) first for these.
NORTHING_FIRST = frozenset({4326, 4258, 31467})

_SHORT = re.compile(r"^EPSG:(\d{1,6})$", re.IGNORECASE)
_URN = re.compile(r"^URN:(X-)?OGC:DEF:CRS:EPSG:[0-9.]*:(\d{1,6})$", re.IGNORECASE)
_URI = re.compile(r"^HTTPS?://WWW\.OPENGIS\.NET/DEF/CRS/EPSG/0/(\d{1,6})$", re.IGNORECASE)
_CRS84 = {
    "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
    "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84",
    "HTTPS://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84",
    "CRS:84",
    "CRS84",
    "OGC:CRS84",
}


@dataclass(frozen=True)
class CrsName:
    """A CRS as an OGC request names it (a WFS ``srsName``, a CSW or Filter ``BBOX``'s ``srsName``).

    ``authority``: the URN (``urn:ogc:def:crs:EPSG::n``) or URI (``http://www.opengis.net/def/crs/EPSG/0/n``)
    form, whose coordinates come in the EPSG registry's axis order; the short form ``EPSG:n`` and
    ``CRS84`` are x/y (longitude or easting first), as WFS 2.0, GeoServer and MapServer read them."""

    srid: int
    authority: bool

    @property
    def northing_first(self) -> bool:
        return self.authority and self.srid in NORTHING_FIRST


def crs_name(text: str) -> CrsName:
    """The CRS ``text`` names, recognised by pattern (never parsed by PROJ) and from ``ALLOWED_SRIDS``;
    ``ValueError`` otherwise."""
    value = text.strip()
    if value.upper() in _CRS84:
        return CrsName(WGS84, False)
    for pattern, authority in ((_URN, True), (_URI, True), (_SHORT, False)):
        match = pattern.match(value)
        if match:
            srid = int(match.groups()[-1])
            if srid in ALLOWED_SRIDS:
                return CrsName(srid, authority)
            break
    raise ValueError(f"{text[:80]!r} is not a CRS of this service")
