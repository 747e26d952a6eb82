"""The catalogue's endpoints: CSW 2.0.2 at ``/catalogue/csw`` (KVP GET and XML POST) and OGC API – Records
at ``/catalogue/`` (landing, conformance, the one collection ``layers``, its items as GeoJSON records).
Bad parameters: a CSW exception report or an OGC-style JSON 400 naming the parameter; never a 500."""

import json
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from geo.catalogue import csw
from geo.catalogue.records import LANGUAGE, Record, all_records
from geo.http import add_cors, base_url

XML = "application/xml; charset=utf-8"
MAX_BODY = 1_000_000


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def csw_endpoint(request: HttpRequest) -> HttpResponse:
    url = f"{base_url(request)}/catalogue/csw"
    try:
        if request.method == "POST":
            if len(request.body) > MAX_BODY:
                raise csw.CswError("NoApplicableCode", "", "The request document is too large.")
            query = csw.from_xml(request.body)
        else:
            params = {key.lower(): request.GET.get(key) or "" for key in request.GET}
            query = csw.from_kvp(params)
        body = csw.respond(lambda: all_records(request), query, url)
    except csw.CswError as error:
        report = HttpResponse(csw.exception_report(error), content_type=XML, status=error.status)
        report["Cache-Control"] = "no-store"
        return add_cors(report)
    response = HttpResponse(body, content_type=XML)
    return add_cors(response)


# --- OGC API – Records ------------------------------------------------------------------------------

COLLECTION = "layers"
JSON = "application/json"
GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/collections",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
ITEM_PARAMS = {"f", "bbox", "q", "limit", "offset", "type"}


def _json(document: dict, status: int = 200, media: str = JSON) -> HttpResponse:
    response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type=media, status=status)
    return add_cors(response)


class RecordsError(Exception):
    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description


def _bad(parameter: str, reason: str) -> RecordsError:
    return RecordsError(400, "InvalidParameterValue", f"{parameter}: {reason}")


def _errors(view):
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            fmt = request.GET.get("f", "json")
            if fmt not in ("json", "geojson"):
                raise _bad("f", "only json is offered.")
            return view(request, *args, **kwargs)
        except RecordsError as error:
            return _json({"code": error.code, "description": error.description}, error.status)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_http_methods(["GET", "HEAD"])(wrapped)


def _href(request: HttpRequest, path: str) -> str:
    return f"{base_url(request)}/catalogue{path}"


@_errors
def landing(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": f"{settings.WMS['TITLE'][LANGUAGE]}: Katalog",
            "description": "Metadaten der Kartenebenen (OGC API – Records; CSW 2.0.2 unter /catalogue/csw).",
            "links": [
                {"rel": "self", "type": JSON, "href": _href(request, "/")},
                {"rel": "conformance", "type": JSON, "href": _href(request, "/conformance")},
                {"rel": "data", "type": JSON, "href": _href(request, "/collections")},
                {
                    "rel": "service-desc",
                    "type": "application/xml",
                    "title": "CSW 2.0.2",
                    "href": _href(request, "/csw?service=CSW&version=2.0.2&request=GetCapabilities"),
                },
            ],
        }
    )


@_errors
def conformance(request: HttpRequest) -> HttpResponse:
    return _json({"conformsTo": CONFORMANCE})


def _collection(request: HttpRequest) -> dict:
    return {
        "id": COLLECTION,
        "title": "Kartenebenen und Dienste",
        "description": "Ein Datensatz-Metadatensatz je Kartenebene und ein Dienst-Metadatensatz je Dienst.",
        "itemType": "record",
        "type": "catalog",
        "links": [
            {"rel": "self", "type": JSON, "href": _href(request, f"/collections/{COLLECTION}")},
            {"rel": "items", "type": GEOJSON, "href": _href(request, f"/collections/{COLLECTION}/items")},
        ],
    }


@_errors
def collections(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "collections": [_collection(request)],
            "links": [{"rel": "self", "type": JSON, "href": _href(request, "/collections")}],
        }
    )


def _collection_or_404(collection_id: str) -> None:
    if collection_id != COLLECTION:
        raise RecordsError(
            404, "NotFound", f"There is no collection {collection_id[:60]!r}; the one is {COLLECTION!r}."
        )


@_errors
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    _collection_or_404(collection_id)
    return _json(_collection(request))


def geojson_record(request: HttpRequest, record: Record) -> dict:
    """A record as OGC API – Records' GeoJSON (record-core)."""
    geometry = None
    if record.bbox is not None:
        west, south, east, north = (round(v, 7) for v in record.bbox)
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        geometry = {"type": "Polygon", "coordinates": [ring]}
    name, url = record.licence
    properties: dict = {
        "type": record.kind,
        "title": record.title,
        "description": record.abstract,
        "keywords": list(record.keywords),
        "themes": [
            {
                "concepts": [{"id": key} for key in record.dimensions],
                "scheme": "https://www.nationale-stadtentwicklungspolitik.de/neue-leipzig-charta",
            },
            {
                "concepts": [{"id": record.topic}],
                "scheme": "https://standards.iso.org/iso/19139/resources/gmxCodelists.xml#MD_TopicCategoryCode",
            },
        ],
        "language": {"code": "de"},
        "updated": record.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "license": name,
        "rights": record.credit or name,
        "contacts": [
            {
                "organization": settings.CATALOGUE["ORGANISATION"] or "Quartiersatlas",
                "roles": ["pointOfContact"],
            }
        ],
        "formats": [{"name": fmt} for fmt, _ in record.formats],
    }
    if record.layer_id:
        properties["externalIds"] = [{"scheme": "layer", "value": record.layer_id}]
    links = [
        {
            "rel": "self",
            "type": GEOJSON,
            "href": _href(request, f"/collections/{COLLECTION}/items/{record.identifier}"),
        },
        {"rel": "collection", "type": JSON, "href": _href(request, f"/collections/{COLLECTION}")},
        {
            "rel": "alternate",
            "type": "application/xml",
            "title": "ISO 19139",
            "href": _href(
                request,
                f"/csw?service=CSW&version=2.0.2&request=GetRecordById&id={record.identifier}"
                "&outputSchema=http://www.isotc211.org/2005/gmd&elementSetName=full",
            ),
        },
    ]
    if url:
        links.append({"rel": "license", "type": "text/html", "title": name, "href": url})
    for link in record.links:
        links.append(
            {
                "rel": "item" if link.function == "download" else "service",
                "type": link.media,
                "title": link.description,
                "href": link.url,
                "protocol": link.protocol,
            }
        )
    return {
        "id": record.identifier,
        "type": "Feature",
        "conformsTo": ["http://www.opengis.net/spec/ogcapi-records-1/1.0/req/record-core"],
        "geometry": geometry,
        "properties": properties,
        "links": links,
    }


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise _bad("bbox", "must be four numbers: minlon,minlat,maxlon,maxlat.") from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):  # noqa: PLR2004
        raise _bad("bbox", "must be four numbers: minlon,minlat,maxlon,maxlat.")
    west, south, east, north = values
    if (
        west > east
        or south > north
        or not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90)
    ):  # noqa: PLR2004
        raise _bad("bbox", "must be minlon,minlat,maxlon,maxlat in EPSG:4326 with min <= max.")
    return west, south, east, north


def _count(text: str, name: str, minimum: int, maximum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _bad(name, "must be an integer.") from None
    if not minimum <= value <= maximum:
        raise _bad(name, f"must be between {minimum} and {maximum}.")
    return value


@_errors
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    _collection_or_404(collection_id)
    unknown = sorted(set(request.GET) - ITEM_PARAMS)
    if unknown:
        raise _bad(unknown[0][:40], f"unknown parameter; allowed are {', '.join(sorted(ITEM_PARAMS))}.")
    records = all_records(request)
    if "bbox" in request.GET:
        west, south, east, north = _bbox(request.GET["bbox"])
        records = [
            r
            for r in records
            if r.bbox
            and r.bbox[0] <= east
            and r.bbox[2] >= west
            and r.bbox[1] <= north
            and r.bbox[3] >= south
        ]
    terms = [term.casefold() for term in request.GET.get("q", "").replace(",", " ").split() if term]
    if terms:  # any of the terms, as OGC API – Records says
        records = [r for r in records if any(term in r.any_text.casefold() for term in terms)]
    if "type" in request.GET:
        records = [r for r in records if r.kind == request.GET["type"]]
    config = settings.CATALOGUE
    limit = (
        _count(request.GET["limit"], "limit", 1, 10_000)
        if "limit" in request.GET
        else config["DEFAULT_RECORDS"]
    )
    limit = min(limit, config["MAX_RECORDS"])
    offset = _count(request.GET["offset"], "offset", 0, 1_000_000) if "offset" in request.GET else 0
    page = records[offset : offset + limit]
    path = f"/collections/{COLLECTION}/items"
    links = [{"rel": "self", "type": GEOJSON, "href": _href(request, path)}]
    if offset + limit < len(records):
        query = request.GET.copy()
        query["offset"] = str(offset + limit)
        query["limit"] = str(limit)
        links.append({"rel": "next", "type": GEOJSON, "href": _href(request, f"{path}?{query.urlencode()}")})
    return _json(
        {
            "type": "FeatureCollection",
            "numberMatched": len(records),
            "numberReturned": len(page),
            "features": [geojson_record(request, record) for record in page],
            "links": links,
        },
        media=GEOJSON,
    )


@_errors
def item(request: HttpRequest, collection_id: str, record_id: str) -> HttpResponse:
    _collection_or_404(collection_id)
    found = next((r for r in all_records(request) if r.identifier == record_id), None)
    if found is None:
        raise RecordsError(404, "NotFound", f"There is no record {record_id[:60]!r}.")
    return _json(geojson_record(request, found), media=GEOJSON)
