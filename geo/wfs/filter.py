"""The part of Filter Encoding 2.0 this service understands in ``FILTER``: a ``fes:BBOX`` on the
geometry (what GDAL and QGIS send for a spatial extent) and ``fes:ResourceId`` elements. Anything else
is ``OptionNotSupported``; text that is not XML is ``OperationParsingFailed``. Parsed by the standard
library (lxml is a test dependency only) after refusing any DTD, so that no entity can be declared
(no external entities, no entity expansion); its size is bounded."""

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from geo.wfs.errors import OPERATION_PARSING_FAILED, WFSError, not_supported

FES = "http://www.opengis.net/fes/2.0"
GML = "http://www.opengis.net/gml/3.2"
MAX_LENGTH = 20_000

_DTD = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class Filter:
    bbox: str | None = None  # "a,b,c,d[,crs]" as the KVP BBOX has it
    resource_ids: tuple[str, ...] = ()


def _split(element: ElementTree.Element) -> tuple[str | None, str]:
    """(namespace, local name) of an element's ``{namespace}name`` tag."""
    tag = element.tag
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def _local(element: ElementTree.Element) -> str:
    return _split(element)[1]


def _bbox(element: ElementTree.Element) -> str:
    envelope = None
    for child in element:
        name = _local(child)
        if name == "ValueReference":
            path = (child.text or "").strip()
            if path.split(":")[-1] != "geom":
                raise not_supported("FILTER", f"BBOX on {path[:40]!r}: the geometry property is geom.")
        elif name == "Envelope" and _split(child)[0] == GML:
            envelope = child
        else:
            raise not_supported("FILTER", f"BBOX with {name[:40]!r}: only a gml:Envelope is understood.")
    if envelope is None:
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER: BBOX needs a gml:Envelope.", locator="FILTER")
    corners = {_local(child): (child.text or "").split() for child in envelope}
    lower, upper = corners.get("lowerCorner"), corners.get("upperCorner")
    if not lower or not upper or len(lower) != 2 or len(upper) != 2:
        raise WFSError(
            OPERATION_PARSING_FAILED,
            "FILTER: the Envelope needs a 2D lowerCorner and upperCorner.",
            locator="FILTER",
        )
    parts = [*lower, *upper]
    srs = envelope.get("srsName")
    if srs:
        parts.append(srs)
    return ",".join(parts)


def parse(text: str) -> Filter:
    if len(text) > MAX_LENGTH:
        raise WFSError(
            OPERATION_PARSING_FAILED, f"FILTER is longer than {MAX_LENGTH} characters.", locator="FILTER"
        )
    if _DTD.search(text):
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER must not contain a DTD.", locator="FILTER")
    try:
        root = ElementTree.fromstring(text.strip())  # noqa: S314 (no DTD, so no entities: see above)
    except ElementTree.ParseError:
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER is not well-formed XML.", locator="FILTER") from None
    if _local(root) != "Filter" or _split(root)[0] not in (FES, None):
        raise not_supported("FILTER", "a fes:Filter (Filter Encoding 2.0) is expected.")
    children = list(root)
    if children and _local(children[0]) == "And" and len(children) == 1:
        children = list(children[0])
    bbox = None
    ids: list[str] = []
    for child in children:
        name = _local(child)
        rid = child.get("rid")
        if name == "BBOX" and bbox is None:
            bbox = _bbox(child)
        elif name == "ResourceId" and rid:
            ids.append(rid)
        else:
            raise not_supported("FILTER", f"{name[:40]!r}: only BBOX and ResourceId are understood.")
    if bbox is None and not ids:
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER holds no BBOX or ResourceId.", locator="FILTER")
    return Filter(bbox, tuple(ids))
