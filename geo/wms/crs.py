"""Coordinate reference systems as the WMS names them: identifiers, axis order, Mapnik's ``srs``.

Only the allow-list of ``geo.crs`` is served, plus ``CRS:84`` (EPSG:4326 with lon/lat order). WMS
1.3.0 takes the axis order of the EPSG registry: EPSG:4326 and 4258 are latitude first, EPSG:31467
northing first; 1.1.1 always uses x/y (east, north). Internally every box is x/y, as PostGIS has it.
"""

import re
from dataclasses import dataclass

from geo import crs

# EPSG CRSs whose first axis is north (latitude or northing) in the EPSG registry
NORTH_FIRST = frozenset({4326, 4258, 31467})

# Mapnik's own PROJ cannot read the system's proj.db (see geo.mapnik_env); it only needs a name that
# is the same for map and layer (so that it never reprojects) and whether units are degrees. These
# definitions need no database.
MAPNIK_SRS = {
    25832: "+proj=utm +zone=32 +ellps=GRS80 +units=m +no_defs +type=crs",
    25833: "+proj=utm +zone=33 +ellps=GRS80 +units=m +no_defs +type=crs",
    3857: "epsg:3857",
    4326: "epsg:4326",
    4258: "+proj=longlat +ellps=GRS80 +no_defs +type=crs",
    31467: "+proj=tmerc +lat_0=0 +lon_0=9 +k=1 +x_0=3500000 +y_0=0 +ellps=bessel +units=m +no_defs +type=crs",
}

# Metres on the ground per unit of the CRS around the service's latitudes (≈49°N): generalisation
# tolerances are given in pixels and applied in the storage CRS (metres). For degrees the smaller,
# east-west factor; Web Mercator stretches by 1/cos(latitude).
METRES_PER_UNIT = {25832: 1.0, 25833: 1.0, 31467: 1.0, 3857: 0.656, 4326: 73_000.0, 4258: 73_000.0}

_EPSG_PATTERNS = (
    re.compile(r"^EPSG:(\d{1,6})$", re.IGNORECASE),
    re.compile(r"^URN:OGC:DEF:CRS:EPSG:[0-9.]*:(\d{1,6})$", re.IGNORECASE),
    re.compile(r"^HTTPS?://WWW\.OPENGIS\.NET/DEF/CRS/EPSG/0/(\d{1,6})$", re.IGNORECASE),
)
_CRS84 = {
    "CRS:84",
    "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
    "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84",
    "OGC:CRS84",
}


@dataclass(frozen=True)
class WmsCrs:
    srid: int
    name: str  # as listed in capabilities: "EPSG:25832", "CRS:84"
    north_first: bool  # the BBOX of this version gives the north axis first

    @property
    def is_geographic(self) -> bool:
        return crs.is_geographic(self.srid)

    @property
    def mapnik_srs(self) -> str:
        return MAPNIK_SRS[self.srid]

    @property
    def metres_per_unit(self) -> float:
        return METRES_PER_UNIT[self.srid]

    def to_xy(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A BBOX as the client sent it → minx, miny, maxx, maxy in x/y (east, north) order."""
        if self.north_first:
            return box[1], box[0], box[3], box[2]
        return box

    def from_xy(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """minx, miny, maxx, maxy in x/y order → the order this CRS has in this WMS version."""
        return self.to_xy(box)  # swapping is its own inverse


def parse(text: str, version: str) -> WmsCrs:
    """The CRS named by ``text`` in a request of ``version``; ``ValueError`` when it is not served."""
    value = text.strip().upper()
    if value in _CRS84:
        return WmsCrs(crs.WGS84, "CRS:84", north_first=False)
    for pattern in _EPSG_PATTERNS:
        match = pattern.match(value)
        if match:
            srid = int(match.group(1))
            if srid in crs.ALLOWED_SRIDS:
                return WmsCrs(srid, f"EPSG:{srid}", north_first=version == "1.3.0" and srid in NORTH_FIRST)
            break
    raise ValueError(text)


def served(version: str) -> list[WmsCrs]:
    """Every CRS listed in the capabilities of ``version``: the EPSG allow-list, and CRS:84 in 1.3.0."""
    result = [parse(f"EPSG:{srid}", version) for srid in crs.ALLOWED_SRIDS]
    if version == "1.3.0":
        result.append(parse("CRS:84", version))
    return result
