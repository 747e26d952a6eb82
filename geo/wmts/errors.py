"""Bad WMTS requests, answered before MapProxy sees them: MapProxy answers some (a missing parameter, an
unknown request type, a malformed REST path, a non-numeric tile index) with status 500. These get the
OWS 1.1 ExceptionReport MapProxy uses, with status 400, the exception code of OWS Common and the
parameter as locator."""

import re
from collections.abc import Mapping
from xml.etree import ElementTree as etree

from django.http import HttpResponse

OWS = "http://www.opengis.net/ows/1.1"
TILE_PARAMETERS = ("layer", "style", "tilematrixset", "tilematrix", "tilerow", "tilecol", "format")
INDEX = re.compile(r"^[0-9]{1,9}$")
# /1.0.0/WMTSCapabilities.xml or /<layer>/<TileMatrixSet>/<TileMatrix>/<TileCol>/<TileRow>.png
REST_CAPABILITIES = "1.0.0/WMTSCapabilities.xml"
REST_TILE = re.compile(
    r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.:-]{1,100}/[0-9]{1,9}/[0-9]{1,9}/[0-9]{1,9}\.png$"
)


etree.register_namespace("ows", OWS)


def report(code: str, text: str, locator: str | None = None, status: int = 400) -> HttpResponse:
    root = etree.Element(f"{{{OWS}}}ExceptionReport", version="1.0.0")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    exception = etree.SubElement(root, f"{{{OWS}}}Exception", exceptionCode=code)
    if locator:
        exception.set("locator", locator)
    etree.SubElement(exception, f"{{{OWS}}}ExceptionText").text = text
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")  # escapes the texts
    response = HttpResponse(body, status=status, content_type="application/xml")
    response["Cache-Control"] = "no-store"
    return response


def check_kvp(query: Mapping[str, str]) -> HttpResponse | None:
    """An exception report for a KVP request MapProxy would answer with a 500, else None."""
    params = {key.lower(): value for key, value in query.items()}
    request = params.get("request", "").strip()
    if not request:
        return report("MissingParameterValue", "The parameter REQUEST is missing.", "request")
    service = params.get("service", "WMTS").strip()
    if service.upper() != "WMTS":
        return report("InvalidParameterValue", "SERVICE must be WMTS.", "service")
    if request.lower() == "getcapabilities":
        return None
    if request.lower() != "gettile":
        return report(
            "OperationNotSupported",
            f"{request[:40]!r} is not an operation of this service; use GetCapabilities or GetTile.",
            "request",
        )
    for name in TILE_PARAMETERS:
        if not params.get(name, "").strip():
            return report("MissingParameterValue", f"The parameter {name.upper()} is missing.", name)
    if params["style"].strip().lower() != "default":
        return report("InvalidParameterValue", "STYLE must be default.", "style")
    for name in ("tilematrix", "tilerow", "tilecol"):
        if not INDEX.match(params[name].strip()):
            return report("InvalidParameterValue", f"{name.upper()} must be a non-negative integer.", name)
    return None


def check_rest(path: str) -> HttpResponse | None:
    if path == REST_CAPABILITIES or REST_TILE.match(path):
        return None
    return report(
        "InvalidParameterValue",
        "Not a resource of this service: use 1.0.0/WMTSCapabilities.xml or "
        "<layer>/<TileMatrixSet>/<TileMatrix>/<TileCol>/<TileRow>.png.",
        "path",
        status=404,
    )
