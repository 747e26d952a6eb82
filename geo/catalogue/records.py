"""The catalogue's records, derived from the layer registry on every request: one dataset record per
registered layer (a layer added by any app has its record at once; nothing to sync), plus one service
record per map service (WMS, WFS, OGC API – Features) that operates on all of them.

A record's extent is the layer's published data's bounding box in EPSG:4326, computed in PostGIS and
cached per data version (``geo.dataversion.layer_extent``, the same the WMS capabilities use); its
date is when the layer's tables last changed (``geo_dataversion.changed_at``). Records describe
layers, never features: no contribution's text or author reaches them.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from geo import crs, dataversion
from geo import layers as registry
from geo.attribution import data_attribution
from geo.http import base_url
from geo.layers import Layer

Box = tuple[float, float, float, float]  # west, south, east, north (EPSG:4326, lon/lat)

LANGUAGE = "de"  # records are written in German (GDI-DE); the English title is a keyword-free alternate
CHARTER = {
    "just": ("Gerechte Stadt", "just city"),
    "green": ("Grüne Stadt", "green city"),
    "productive": ("Produktive Stadt", "productive city"),
}
CHARTER_THESAURUS = "Neue Leipzig-Charta (2020): Dimensionen"
SERVED_SRIDS = tuple(crs.ALLOWED_SRIDS)


@dataclass(frozen=True)
class Link:
    url: str
    protocol: str  # OGC:WMS, OGC:WFS, OGC:API-Features, WWW:LINK …
    name: str
    description: str
    function: str  # CI_OnLineFunctionCode: information, download
    media: str = "application/xml"


@dataclass(frozen=True)
class Record:
    """One catalogue record (dataset or service) in the catalogue's language."""

    identifier: str
    kind: str  # "dataset" or "service"
    title: str
    title_en: str
    abstract: str
    keywords: tuple[str, ...]
    dimensions: tuple[str, ...]  # the Charter's, as keys: just, green, productive
    topic: str
    update_frequency: str
    licence: tuple[str, str]
    credit: str
    bbox: Box | None
    modified: datetime
    links: tuple[Link, ...]
    layer_id: str = ""  # dataset records: the layer (WMS layer name, OGC collection id)
    service_type: str = ""  # service records: WMS, WFS, OGC API - Features
    operates_on: tuple[str, ...] = ()  # service records: the dataset records' identifiers
    srids: tuple[int, ...] = SERVED_SRIDS
    formats: tuple[tuple[str, str], ...] = field(default=())  # (name, version)

    @property
    def any_text(self) -> str:
        """What full-text search (csw:AnyText, OGC API ``q``) looks in."""
        return " ".join(
            [self.identifier, self.layer_id, self.title, self.title_en, self.abstract, *self.keywords]
        )

    @property
    def charter_keywords(self) -> list[str]:
        return [CHARTER[key][0] for key in self.dimensions]


def record_id(name: str) -> str:
    """The stable identifier of the record of ``name`` (a layer id, or ``service:<type>``): a UUID5 of
    ``settings.CATALOGUE["ID_NAMESPACE"]`` and the name, the same on every host and after restarts."""
    namespace = settings.CATALOGUE["ID_NAMESPACE"]
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/catalogue/{name}"))


def licence_of(layer: Layer) -> tuple[str, str]:
    if layer.metadata.licence is not None:
        return layer.metadata.licence
    if layer.attribution:
        attribution = data_attribution()
        return ("Datenlizenz Deutschland – Namensnennung – Version 2.0", attribution["url"])
    name, url = settings.CATALOGUE["LICENCE"]
    return (str(name), str(url))


def layer_links(base: str, layer: Layer) -> tuple[Link, ...]:
    title = layer.title_in(LANGUAGE)
    return (
        Link(
            f"{base}/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0",
            "OGC:WMS",
            layer.id,
            f"Darstellungsdienst (WMS 1.3.0), Ebene {layer.id}: {title}",
            "information",
        ),
        Link(
            f"{base}/ows?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0",
            "OGC:WFS",
            f"qa:{layer.id}",
            f"Downloaddienst (WFS 2.0), Objektart qa:{layer.id}: {title}",
            "download",
        ),
        Link(
            f"{base}/ogc/collections/{layer.id}",
            "OGC:API-Features",
            layer.id,
            f"OGC API – Features, Collection {layer.id}",
            "download",
            "application/json",
        ),
        Link(
            f"{base}/ogc/collections/{layer.id}/items?f=json",
            "WWW:DOWNLOAD-1.0-http--download",
            f"{layer.id}.geojson",
            "GeoJSON (EPSG:4326), eine Seite der Objekte",
            "download",
            "application/geo+json",
        ),
    )


def _changed_at(layers: Sequence[Layer]) -> dict[str, datetime]:
    """When each of the layers' tables last changed (tables never written since: absent)."""
    tables = dataversion.layer_tables(layers)
    if not tables:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, changed_at FROM geo_dataversion WHERE table_name = ANY(%s::text[])",
            [tables],
        )
        return dict(cursor.fetchall())


EPOCH = datetime(2024, 1, 1, tzinfo=UTC)  # the date of a layer whose tables were never written


def dataset_record(
    layer: Layer, base: str, versions: dataversion.Versions, changed: dict[str, datetime]
) -> Record:
    extent = dataversion.layer_extent(layer, versions, crs.WGS84)
    meta = layer.metadata
    keywords = [*meta.keywords, *(CHARTER[key][0] for key in meta.dimensions), "Leipzig-Charta"]
    if layer.parameters:
        keywords.append("Indikator")
    dates = [changed[table] for table in layer.tables if table in changed]
    return Record(
        identifier=record_id(layer.id),
        kind="dataset",
        title=layer.title_in(LANGUAGE),
        title_en=layer.title_in("en"),
        abstract=layer.abstract_in(LANGUAGE),
        keywords=tuple(dict.fromkeys(keywords)),
        dimensions=tuple(meta.dimensions),
        topic=meta.topic,
        update_frequency=meta.update_frequency,
        licence=licence_of(layer),
        credit=data_attribution()["text"] if layer.attribution else "",
        bbox=tuple(extent) if extent else None,  # type: ignore[arg-type]
        modified=max(dates, default=EPOCH),
        links=layer_links(base, layer),
        layer_id=layer.id,
        formats=(("GeoJSON", "RFC 7946"), ("GML", "3.2.1"), ("PNG", "")),
    )


SERVICES = (
    (
        "WMS",
        "view",
        "Darstellungsdienst (WMS 1.3.0)",
        "/ows?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0",
    ),
    ("WFS", "download", "Downloaddienst (WFS 2.0)", "/ows?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0"),
    ("OGC API - Features", "download", "Downloaddienst (OGC API – Features)", "/ogc/"),
)


def service_record(service: tuple[str, str, str, str], base: str, datasets: list[Record]) -> Record:
    kind, gdi_type, title, path = service
    wms = settings.WMS
    boxes = [record.bbox for record in datasets if record.bbox]
    bbox = (
        (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        if boxes
        else None
    )
    protocol = {"WMS": "OGC:WMS", "WFS": "OGC:WFS"}.get(kind, "OGC:API-Features")
    name, url = settings.CATALOGUE["LICENCE"]
    return Record(
        identifier=record_id(f"service:{kind}"),
        kind="service",
        title=f"{wms['TITLE']['de']}: {title}",
        title_en=f"{wms['TITLE']['en']}: {kind}",
        abstract=wms["ABSTRACT"]["de"],
        keywords=tuple(
            dict.fromkeys(
                [
                    *wms["KEYWORDS"],
                    "infoMapAccessService" if gdi_type == "view" else "infoFeatureAccessService",
                ]
            )
        ),
        dimensions=("just", "green", "productive"),
        topic="planningCadastre",
        update_frequency="continual",
        licence=(str(name), str(url)),
        credit="",
        bbox=bbox,
        modified=max((record.modified for record in datasets), default=EPOCH),
        links=(Link(f"{base}{path}", protocol, kind, title, "information"),),
        service_type=gdi_type,
        operates_on=tuple(record.identifier for record in datasets),
    )


def all_records(request: HttpRequest) -> list[Record]:
    """Every record: the layers' dataset records in the registry's order, then the service records."""
    layers = registry.all_layers()
    versions = dataversion.read(layers)
    changed = _changed_at(layers)
    base = base_url(request)
    datasets = [dataset_record(layer, base, versions, changed) for layer in layers]
    return [*datasets, *(service_record(service, base, datasets) for service in SERVICES)]


def metadata_url(base: str, layer: Layer) -> str:
    """The CSW GetRecordById URL of the layer's ISO record (capabilities' MetadataURL, OGC API's
    ``describedby``)."""
    return (
        f"{base}/catalogue/csw?service=CSW&version=2.0.2&request=GetRecordById&id={record_id(layer.id)}"
        "&outputSchema=http://www.isotc211.org/2005/gmd&elementSetName=full"
    )
