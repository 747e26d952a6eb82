"""The part of Filter Encoding 2.0 this service understands in ``FILTER``: a ``fes:BBOX`` on the
geometry (what GDAL and QGIS send for a spatial extent) and ``fes:ResourceId`` elements. Anything else
is ``OptionNotSupported``; text that is not XML is ``OperationParsingFailed``. The XML is parsed
without DTDs, entities or network access, and its size is bounded."""

from dataclasses import dataclass

from lxml import etree

from geo.wfs.errors import OPERATION_PARSING_FAILED, WFSError, not_supported

FES = "http://www.opengis.net/fes/2.0"
GML = "http://www.opengis.net/gml/3.2"
MAX_LENGTH = 20_000

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


@dataclass(frozen=True)
class Filter:
    bbox: str | None = None  # "a,b,c,d[,crs]" as the KVP BBOX has it
    resource_ids: tuple[str, ...] = ()


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _bbox(element) -> str:
    envelope = None
    for child in element:
        name = _local(child)
        if name == "ValueReference":
            path = (child.text or "").strip()
            if path.split(":")[-1] != "geom":
                raise not_supported("FILTER", f"BBOX on {path[:40]!r}: the geometry property is geom.")
        elif name == "Envelope" and etree.QName(child).namespace == GML:
            envelope = child
        else:
            raise not_supported("FILTER", f"BBOX with {name[:40]!r}: only a gml:Envelope is understood.")
    if envelope is None:
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER: BBOX needs a gml:Envelope.", locator="FILTER")
    corners = {_local(child): (child.text or "").split() for child in envelope}
    lower, upper = corners.get("lowerCorner"), corners.get("upperCorner")
    if not lower or not upper or len(lower) != 2 or len(upper) != 2:
        raise WFSError(
            OPERATION_PARSING_FAILED, "FILTER: the Envelope needs a 2D lowerCorner and upperCorner.", locator="FILTER"
        )
    parts = [*lower, *upper]
    srs = envelope.get("srsName")
    if srs:
        parts.append(srs)
    return ",".join(parts)


def parse(text: str) -> Filter:
    if len(text) > MAX_LENGTH:
        raise WFSError(OPERATION_PARSING_FAILED, f"FILTER is longer than {MAX_LENGTH} characters.", locator="FILTER")
    try:
        root = etree.fromstring(text.strip().encode(), _PARSER)
    except etree.XMLSyntaxError:
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER is not well-formed XML.", locator="FILTER") from None
    if _local(root) != "Filter" or etree.QName(root).namespace not in (FES, None):
        raise not_supported("FILTER", "a fes:Filter (Filter Encoding 2.0) is expected.")
    children = [child for child in root if isinstance(child.tag, str)]
    if children and _local(children[0]) == "And" and len(children) == 1:
        children = [child for child in children[0] if isinstance(child.tag, str)]
    bbox = None
    ids = []
    for child in children:
        name = _local(child)
        if name == "BBOX" and bbox is None:
            bbox = _bbox(child)
        elif name == "ResourceId" and child.get("rid"):
            ids.append(child.get("rid"))
        else:
            raise not_supported("FILTER", f"{name[:40]!r}: only BBOX and ResourceId are understood.")
    if bbox is None and not ids:
        raise WFSError(OPERATION_PARSING_FAILED, "FILTER holds no BBOX or ResourceId.", locator="FILTER")
    return Filter(bbox, tuple(ids))
