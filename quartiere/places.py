"""Finding a place: the search behind ``/api/places/`` and the place-search control of every map
where a person places something (static/js/place-search.js).

The offline default searches the names of the cities and Quartiere and the address table
(``manage.py import_addresses``) in PostGIS. With ``GEOCODER`` set to ``nominatim`` or ``photon``
(``GEOCODER_URL``: the service to ask, preferably an own instance) the query text — and nothing
else about the person — is sent there through geopy, bounded to the service's extent; answers are
cached (``GEOCODER_CACHE``), and on an error or a timeout the offline search answers instead.
"""

import hashlib
import logging
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _
from geopy.adapters import URLLibAdapter  # type: ignore[import-untyped]
from geopy.exc import GeopyError  # type: ignore[import-untyped]
from geopy.geocoders import Nominatim, Photon  # type: ignore[import-untyped]

from geo import crs
from geo.db.routing import read_connection as connection  # reads: a replica or the primary
from geo.sql import load

logger = logging.getLogger(__name__)

QUERY_MIN = 3  # characters: fewer match too much to be useful (and defeat the trigram index)
QUERY_MAX = 200
LIMIT_MAX = 20
GEOCODERS = ("nominatim", "photon")


def query_problem(q: str) -> str | None:
    """What is wrong with the search text ``q`` (too short or too long), translated; None if nothing."""
    if len(q) < QUERY_MIN:
        return _("Enter at least %(n)s characters.") % {"n": QUERY_MIN}
    if len(q) > QUERY_MAX:
        return _("Enter at most %(n)s characters.") % {"n": QUERY_MAX}
    return None


@dataclass(frozen=True)
class Place:
    """A found place: ``kind`` is ``city``, ``quartier``, ``address`` or ``place`` (from an online
    geocoder); ``lon``/``lat`` in EPSG:4326 degrees; ``bbox`` (west, south, east, north) for areas."""

    kind: str
    name: str
    label: str
    lon: float
    lat: float
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Found:
    places: list[Place]
    source: str  # "offline" or the geocoder's name


def place_search(*, q: str, limit: int = 10, as_you_type: bool = False) -> Found:
    """Places matching the text ``q`` (``QUERY_MIN``–``QUERY_MAX`` characters), best first, at most
    ``limit``: from the online geocoder when one is configured and answers, else offline. A search
    ``as_you_type`` (the field's suggestions while typing) is not sent to Nominatim, whose usage
    policy forbids it; Photon is made for it."""
    geocoder = settings.GEOCODER
    if geocoder and not (as_you_type and geocoder == "nominatim"):
        try:
            return Found(online_search(q=q, limit=limit), geocoder)
        except (GeopyError, OSError, ValueError, KeyError, TypeError) as error:
            # the offline search is always there: a geocoder that is down costs quality, not the answer
            logger.warning("geocoder %s failed (%s); answering offline", geocoder, type(error).__name__)
    return Found(offline_search(q=q, limit=limit), "offline")


def offline_search(*, q: str, limit: int = 10) -> list[Place]:
    """Cities, Quartiere and addresses matching ``q`` (see quartiere/sql/place_search.sql for the
    ranking); one statement, index-assisted for addresses (trigrams of ``Address.key``)."""
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "place_search"), {"q": q, "limit": limit})
        return [
            Place(kind=kind, name=name, label=label, lon=lon, lat=lat, bbox=tuple(bbox) if bbox else None)
            for kind, _id, name, label, lon, lat, bbox in cursor.fetchall()
        ]


def service_extent() -> tuple[float, float, float, float] | None:
    """The service's extent (west, south, east, north) in EPSG:4326 degrees: the regions' bounding
    box with ``EXTENT_BUFFER_M``, as geometry from outside is checked; None without regions."""
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "place_extent"),
            {"storage_srid": crs.STORAGE_SRID, "buffer": settings.EXTENT_BUFFER_M},
        )
        row = cursor.fetchone()
    return None if row is None or row[0] is None else (row[0], row[1], row[2], row[3])


def _geocoder(name: str):
    """The geopy geocoder for ``GEOCODER_URL`` (scheme, host and an optional path prefix)."""
    url = urlsplit(settings.GEOCODER_URL or "")
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ValueError("GEOCODER_URL must be an http(s) URL")
    options = {
        "domain": url.netloc + url.path.rstrip("/"),
        "scheme": url.scheme,
        "user_agent": settings.GEOCODER_USER_AGENT,
        "timeout": settings.GEOCODER_TIMEOUT_S,
        # one try within the timeout: requests' adapter would retry a timed-out search twice more
        "adapter_factory": URLLibAdapter,
    }
    return Nominatim(**options) if name == "nominatim" else Photon(**options)


def online_search(*, q: str, limit: int = 10) -> list[Place]:
    """Places from the configured online geocoder (through geopy), bounded to the service's extent;
    cached per query. Raises geopy's errors (timeout, unreachable, bad answer)."""
    name = settings.GEOCODER
    if name not in GEOCODERS:
        raise ValueError(f"GEOCODER must be one of {GEOCODERS} or empty")
    cache = caches[settings.GEOCODER_CACHE]
    key = (
        "places:"
        + hashlib.sha256(f"{name}\x1f{settings.GEOCODER_URL}\x1f{limit}\x1f{q}".encode()).hexdigest()
    )
    cached = cache.get(key)
    if cached is not None:
        return [Place(**{**p, "bbox": tuple(p["bbox"]) if p["bbox"] else None}) for p in cached]
    extent = service_extent()
    geocoder = _geocoder(name)
    if name == "nominatim":
        box = None if extent is None else [(extent[1], extent[0]), (extent[3], extent[2])]
        found = geocoder.geocode(q, exactly_one=False, limit=limit, viewbox=box, bounded=box is not None)
    else:
        box = None if extent is None else [(extent[1], extent[0]), (extent[3], extent[2])]
        found = geocoder.geocode(q, exactly_one=False, limit=limit, bbox=box)
    places = []
    for location in found or []:
        lon, lat = float(location.longitude), float(location.latitude)
        if extent is not None and not (extent[0] <= lon <= extent[2] and extent[1] <= lat <= extent[3]):
            continue  # a geocoder may ignore the box
        label = str(location.address or "")[:300]
        places.append(Place(kind="place", name=label.split(",")[0].strip(), label=label, lon=lon, lat=lat))
    places = places[:limit]
    cache.set(key, [asdict(p) for p in places], settings.GEOCODER_CACHE_S)
    return places
