"""CSW 2.0.2 (OGC 07-006r1), the subset catalogue clients and GDI-DE's harvesters use: GetCapabilities,
DescribeRecord, GetRecords and GetRecordById, by KVP (GET) and XML (POST), with Dublin Core
(``csw:Record``) and ISO 19139 (``gmd:MD_Metadata``) output. Bad requests get an
``ows:ExceptionReport`` with the OWS code and locator, HTTP 400 (501 for an operation the service does
not implement), as OWS Common 1.1 maps them; never a 500.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from lxml import etree

from geo.catalogue import filters, iso
from geo.catalogue.records import Record

CSW = "http://www.opengis.net/cat/csw/2.0.2"
OWS = "http://www.opengis.net/ows"
DC = "http://purl.org/dc/elements/1.1/"
DCT = "http://purl.org/dc/terms/"
OGC = "http://www.opengis.net/ogc"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
GMD = iso.GMD
NSMAP = {"csw": CSW, "ows": OWS, "dc": DC, "dct": DCT, "ogc": OGC, "xlink": XLINK, "xsi": XSI}
OPERATIONS = ("GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById")
SCHEMAS = {CSW: "csw", GMD: "gmd"}
TYPE_NAMES = {"csw:record": CSW, "gmd:md_metadata": GMD}
ELEMENT_SETS = ("brief", "summary", "full")
OUTPUT_FORMATS = ("application/xml", "text/xml")


class CswError(Exception):
    """An exception report: ``code`` (OWS), ``locator`` (the parameter), ``status`` (HTTP)."""

    def __init__(self, code: str, locator: str, text: str, status: int = 400):
        super().__init__(text)
        self.code = code
        self.locator = locator
        self.text = text
        self.status = status


def exception_report(error: CswError) -> bytes:
    root = etree.Element(f"{{{OWS}}}ExceptionReport", nsmap={"ows": OWS, "xsi": XSI})
    root.set("version", "1.2.0")
    root.set("language", "en")
    root.set(f"{{{XSI}}}schemaLocation", f"{OWS} http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd")
    exception = etree.SubElement(root, f"{{{OWS}}}Exception", exceptionCode=error.code)
    if error.locator:
        exception.set("locator", error.locator)
    etree.SubElement(exception, f"{{{OWS}}}ExceptionText").text = error.text
    return serialise(root)


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass
class Query:
    """A GetRecords/GetRecordById request, from KVP or XML."""

    request: str
    element_set: str = "summary"
    schema: str = CSW
    type_names: tuple[str, ...] = ("csw:Record",)
    result_type: str = "results"
    start: int = 1
    max_records: int = 10
    constraint: filters.Predicate | None = None
    ids: tuple[str, ...] = ()
    type_name_list: str = ""  # DescribeRecord


def _sub(parent: etree._Element, ns: str, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


# --- parsing -----------------------------------------------------------------------------------------


def _check_service(service: str | None, version: str | None, request: str) -> None:
    if not service:
        raise CswError("MissingParameterValue", "service", "The parameter SERVICE is required (CSW).")
    if service.upper() != "CSW":
        raise CswError("InvalidParameterValue", "service", f"SERVICE must be CSW, not {service[:20]!r}.")
    if request != "GetCapabilities":
        if not version:
            raise CswError("MissingParameterValue", "version", "The parameter VERSION is required (2.0.2).")
        if version != "2.0.2":
            raise CswError(
                "InvalidParameterValue", "version", f"VERSION must be 2.0.2, not {version[:20]!r}."
            )


def _request_name(raw: str | None) -> str:
    if not raw:
        raise CswError("MissingParameterValue", "request", "The parameter REQUEST is required.")
    for name in OPERATIONS:
        if raw.lower() == name.lower():
            return name
    raise CswError(
        "OperationNotSupported",
        "request",
        f"{raw[:40]!r} is not an operation of this CSW: {', '.join(OPERATIONS)}.",
        501,
    )


def _int(value: str, locator: str, minimum: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise CswError(
            "InvalidParameterValue", locator, f"{locator} must be an integer, not {value[:20]!r}."
        ) from None
    if number < minimum:
        raise CswError("InvalidParameterValue", locator, f"{locator} must be at least {minimum}.")
    return number


def _common(query: Query, *, element_set: str, schema: str, output_format: str, type_names: str = "") -> None:
    element_set = (element_set or "summary").strip().lower()
    if element_set not in ELEMENT_SETS:
        raise CswError(
            "InvalidParameterValue",
            "ElementSetName",
            f"ElementSetName must be one of {', '.join(ELEMENT_SETS)}.",
        )
    query.element_set = element_set
    schema = (schema or CSW).strip()
    if schema not in SCHEMAS:
        raise CswError("InvalidParameterValue", "outputSchema", f"outputSchema must be {CSW} or {GMD}.")
    query.schema = schema
    if output_format and output_format.strip() not in OUTPUT_FORMATS:
        raise CswError("InvalidParameterValue", "outputFormat", "outputFormat must be application/xml.")
    if type_names:
        names = tuple(name for name in type_names.replace(",", " ").split() if name)
        for name in names:
            if name.lower() not in TYPE_NAMES:
                raise CswError(
                    "InvalidParameterValue",
                    "typeNames",
                    f"unknown type name {name[:40]!r}; use csw:Record or gmd:MD_Metadata.",
                )
        query.type_names = names


def _paging(query: Query, start: str, maximum: str) -> None:
    # OWSLib sends startPosition=0 for the first record; CSW counts from 1: 0 reads as 1, as pycsw does
    query.start = max(_int(start, "startPosition", 0), 1) if start else 1
    config = settings.CATALOGUE
    query.max_records = (
        min(_int(maximum, "maxRecords", 0), config["MAX_RECORDS"]) if maximum else config["DEFAULT_RECORDS"]
    )


def from_kvp(params: dict[str, str]) -> Query:
    """Parameters (names case-insensitive: the view lowers them) of a GET request."""
    name = _request_name(params.get("request"))
    _check_service(params.get("service"), params.get("version"), name)
    query = Query(request=name)
    if name == "GetCapabilities":
        return query
    if name == "DescribeRecord":
        query.type_name_list = params.get("typename", "") or params.get("typenames", "")
        return query
    _common(
        query,
        element_set=params.get("elementsetname", ""),
        schema=params.get("outputschema", ""),
        output_format=params.get("outputformat", ""),
        type_names=params.get("typenames", ""),
    )
    if name == "GetRecordById":
        ids = tuple(part.strip() for part in params.get("id", "").split(",") if part.strip())
        if not ids:
            raise CswError("MissingParameterValue", "id", "GetRecordById needs the parameter ID.")
        query.ids = ids
        if not params.get("elementsetname"):
            query.element_set = "full"
        return query
    _result_type(query, params.get("resulttype", ""))
    _paging(query, params.get("startposition", ""), params.get("maxrecords", ""))
    constraint = params.get("constraint", "")
    if constraint:
        language = (params.get("constraintlanguage") or "").upper()
        if language not in ("CQL_TEXT", "FILTER"):
            raise CswError(
                "MissingParameterValue" if not language else "InvalidParameterValue",
                "constraintLanguage",
                "CONSTRAINTLANGUAGE must be CQL_TEXT or FILTER when a CONSTRAINT is given.",
            )
        try:
            query.constraint = (
                filters.parse_cql(constraint)
                if language == "CQL_TEXT"
                else filters.parse_filter_text(constraint)
            )
        except filters.ConstraintError as error:
            raise CswError("InvalidParameterValue", "constraint", str(error)) from None
    return query


def _result_type(query: Query, value: str) -> None:
    value = (value or "results").strip().lower()
    if value not in ("results", "hits"):
        raise CswError("InvalidParameterValue", "resultType", "resultType must be results or hits.")
    query.result_type = value


def from_xml(body: bytes) -> Query:
    """A POSTed request document."""
    try:
        root = etree.fromstring(body, parser=filters.SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise CswError("NoApplicableCode", "", f"The request is not well-formed XML: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise CswError("NoApplicableCode", "", "A request document must not have a DOCTYPE.")
    name = _request_name(etree.QName(root).localname if isinstance(root.tag, str) else "")
    _check_service(root.get("service"), root.get("version"), name)
    query = Query(request=name)
    if name == "GetCapabilities":
        return query
    if name == "DescribeRecord":
        query.type_name_list = " ".join(
            (child.text or "").strip() for child in root if etree.QName(child).localname == "TypeName"
        )
        return query
    element_set = root.findtext(f".//{{{CSW}}}ElementSetName") or ""
    _common(
        query,
        element_set=element_set,
        schema=root.get("outputSchema", ""),
        output_format=root.get("outputFormat", ""),
        type_names=(
            root.find(f"{{{CSW}}}Query").get("typeNames", "")
            if root.find(f"{{{CSW}}}Query") is not None
            else ""
        ),
    )
    if name == "GetRecordById":
        query.ids = tuple(
            (element.text or "").strip()
            for element in root.findall(f"{{{CSW}}}Id")
            if (element.text or "").strip()
        )
        if not query.ids:
            raise CswError("MissingParameterValue", "Id", "GetRecordById needs at least one csw:Id.")
        if not element_set:
            query.element_set = "full"
        return query
    _result_type(query, root.get("resultType", ""))
    _paging(query, root.get("startPosition", ""), root.get("maxRecords", ""))
    constraint = root.find(f"{{{CSW}}}Query/{{{CSW}}}Constraint")
    if constraint is not None:
        try:
            found = constraint.find(f"{{{OGC}}}Filter")
            cql = constraint.findtext(f"{{{CSW}}}CqlText")
            if found is not None:
                query.constraint = filters.from_filter(found)
            elif cql is not None:
                query.constraint = filters.parse_cql(cql)
            else:
                raise filters.ConstraintError("csw:Constraint needs an ogc:Filter or a csw:CqlText")
        except filters.ConstraintError as error:
            raise CswError("InvalidParameterValue", "Constraint", str(error)) from None
    return query


# --- responses ---------------------------------------------------------------------------------------


def dublin_core(record: Record, element_set: str) -> etree._Element:
    name = {"brief": "BriefRecord", "summary": "SummaryRecord", "full": "Record"}[element_set]
    root = etree.Element(f"{{{CSW}}}{name}", nsmap=NSMAP)
    _sub(root, DC, "identifier", record.identifier)
    _sub(root, DC, "title", record.title)
    _sub(root, DC, "type", record.kind)
    if element_set != "brief":
        for word in record.keywords:
            _sub(root, DC, "subject", word)
        for fmt, _ in record.formats:
            _sub(root, DC, "format", fmt)
        _sub(root, DCT, "modified", record.modified.strftime("%Y-%m-%dT%H:%M:%SZ"))
        _sub(root, DCT, "abstract", record.abstract)
    if element_set == "full":
        organisation = settings.CATALOGUE["ORGANISATION"] or "Quartiersatlas"
        _sub(root, DC, "publisher", organisation)
        _sub(root, DC, "language", "ger")
        name, url = record.licence
        _sub(root, DC, "rights", f"{name} ({url})" if url else name)
        if record.credit:
            _sub(root, DC, "source", record.credit)
        for dataset in record.operates_on:
            _sub(root, DC, "relation", dataset)
        for link in record.links:
            reference = _sub(root, DCT, "references", link.url)
            reference.set("scheme", link.protocol)
    if record.bbox is not None:
        west, south, east, north = record.bbox
        box = _sub(root, OWS, "BoundingBox")
        box.set("crs", "urn:ogc:def:crs:OGC:1.3:CRS84")
        box.set("dimensions", "2")
        _sub(box, OWS, "LowerCorner", f"{west:.6f} {south:.6f}")
        _sub(box, OWS, "UpperCorner", f"{east:.6f} {north:.6f}")
    return root


def encode(record: Record, query: Query) -> etree._Element:
    if query.schema == GMD:
        return iso.md_metadata(record, query.element_set)
    return dublin_core(record, query.element_set)


def get_records(records: list[Record], query: Query) -> bytes:
    matched = [record for record in records if query.constraint is None or query.constraint(record)]
    root = etree.Element(f"{{{CSW}}}GetRecordsResponse", nsmap=NSMAP)
    root.set("version", "2.0.2")
    root.set(f"{{{XSI}}}schemaLocation", f"{CSW} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
    status = _sub(root, CSW, "SearchStatus")
    status.set("timestamp", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    results = _sub(root, CSW, "SearchResults")
    page = (
        [] if query.result_type == "hits" else matched[query.start - 1 : query.start - 1 + query.max_records]
    )
    following = query.start + len(page)
    results.set("numberOfRecordsMatched", str(len(matched)))
    results.set("numberOfRecordsReturned", str(len(page)))
    results.set("nextRecord", str(following if following <= len(matched) and page else 0))
    results.set("recordSchema", query.schema)
    results.set("elementSet", query.element_set)
    for record in page:
        results.append(encode(record, query))
    return serialise(root)


def get_record_by_id(records: list[Record], query: Query) -> bytes:
    wanted = set(query.ids)
    root = etree.Element(f"{{{CSW}}}GetRecordByIdResponse", nsmap=NSMAP)
    for record in records:
        if record.identifier in wanted:
            root.append(encode(record, query))
    return serialise(root)


def describe_record(query: Query) -> bytes:
    names = [name for name in query.type_name_list.replace(",", " ").split() if name] or ["csw:Record"]
    root = etree.Element(f"{{{CSW}}}DescribeRecordResponse", nsmap=NSMAP)
    for name in names:
        namespace = TYPE_NAMES.get(name.lower())
        if namespace is None:
            raise CswError(
                "InvalidParameterValue",
                "typeName",
                f"unknown type name {name[:40]!r}; use csw:Record or gmd:MD_Metadata.",
            )
        component = _sub(root, CSW, "SchemaComponent")
        component.set("targetNamespace", namespace)
        component.set("schemaLanguage", "http://www.w3.org/XML/Schema")
        schema = etree.SubElement(
            component,
            "{http://www.w3.org/2001/XMLSchema}schema",
            nsmap={"xs": "http://www.w3.org/2001/XMLSchema"},
        )
        schema.set("targetNamespace", namespace)
        xs_import = etree.SubElement(schema, "{http://www.w3.org/2001/XMLSchema}import")
        xs_import.set("namespace", namespace)
        xs_import.set(
            "schemaLocation",
            "http://schemas.opengis.net/csw/2.0.2/record.xsd"
            if namespace == CSW
            else "http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd",
        )
    return serialise(root)


def capabilities(url: str) -> bytes:
    """The capabilities document; ``url`` is the endpoint (GET and POST)."""
    wms = settings.WMS
    config = settings.CATALOGUE
    root = etree.Element(f"{{{CSW}}}Capabilities", nsmap=NSMAP)
    root.set("version", "2.0.2")
    root.set(f"{{{XSI}}}schemaLocation", f"{CSW} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
    ident = _sub(root, OWS, "ServiceIdentification")
    _sub(ident, OWS, "Title", f"{wms['TITLE']['de']}: Katalog (CSW)")
    _sub(ident, OWS, "Abstract", "Metadaten (ISO 19115/19139, Dublin Core) der Kartenebenen und Dienste.")
    keywords = _sub(ident, OWS, "Keywords")
    for word in wms["KEYWORDS"]:
        _sub(keywords, OWS, "Keyword", word)
    _sub(ident, OWS, "ServiceType", "CSW")
    _sub(ident, OWS, "ServiceTypeVersion", "2.0.2")
    _sub(ident, OWS, "Fees", wms["FEES"])
    _sub(ident, OWS, "AccessConstraints", wms["ACCESS_CONSTRAINTS"])
    provider = _sub(root, OWS, "ServiceProvider")
    _sub(provider, OWS, "ProviderName", config["ORGANISATION"] or "Quartiersatlas")
    contact = _sub(provider, OWS, "ServiceContact")
    if config["PERSON"]:
        _sub(contact, OWS, "IndividualName", config["PERSON"])
    info = _sub(contact, OWS, "ContactInfo")
    address = _sub(info, OWS, "Address")
    if config["CITY"]:
        _sub(address, OWS, "City", config["CITY"])
    if config["COUNTRY"]:
        _sub(address, OWS, "Country", config["COUNTRY"])
    if config["EMAIL"]:
        _sub(address, OWS, "ElectronicMailAddress", config["EMAIL"])
    _sub(contact, OWS, "Role", "pointOfContact")
    metadata = _sub(root, OWS, "OperationsMetadata")
    parameters = {
        "DescribeRecord": {
            "typeName": ["csw:Record", "gmd:MD_Metadata"],
            "outputFormat": list(OUTPUT_FORMATS),
        },
        "GetRecords": {
            "typeNames": ["csw:Record", "gmd:MD_Metadata"],
            "outputFormat": list(OUTPUT_FORMATS),
            "outputSchema": [CSW, GMD],
            "resultType": ["hits", "results"],
            "ElementSetName": list(ELEMENT_SETS),
            "CONSTRAINTLANGUAGE": ["FILTER", "CQL_TEXT"],
        },
        "GetRecordById": {"outputSchema": [CSW, GMD], "ElementSetName": list(ELEMENT_SETS)},
        "GetCapabilities": {
            "sections": [
                "ServiceIdentification",
                "ServiceProvider",
                "OperationsMetadata",
                "Filter_Capabilities",
            ]
        },
    }
    for name in OPERATIONS:
        operation = _sub(metadata, OWS, "Operation")
        operation.set("name", name)
        http = _sub(_sub(operation, OWS, "DCP"), OWS, "HTTP")
        for method in ("Get", "Post"):
            _sub(http, OWS, method).set(f"{{{XLINK}}}href", url)
        for parameter, values in parameters.get(name, {}).items():
            element = _sub(operation, OWS, "Parameter")
            element.set("name", parameter)
            for value in values:
                _sub(element, OWS, "Value", value)
        if name == "GetRecords":
            queryables = _sub(operation, OWS, "Constraint")
            queryables.set("name", "SupportedDublinCoreQueryables")
            for value in (
                "csw:AnyText",
                "dc:title",
                "dc:subject",
                "dc:identifier",
                "dc:type",
                "dc:format",
                "dct:abstract",
                "dct:modified",
                "ows:BoundingBox",
            ):
                _sub(queryables, OWS, "Value", value)
    for parameter, values in (("service", ["CSW"]), ("version", ["2.0.2"])):
        element = _sub(metadata, OWS, "Parameter")
        element.set("name", parameter)
        for value in values:
            _sub(element, OWS, "Value", value)
    filter_caps = _sub(root, OGC, "Filter_Capabilities")
    spatial = _sub(filter_caps, OGC, "Spatial_Capabilities")
    _sub(_sub(spatial, OGC, "GeometryOperands"), OGC, "GeometryOperand", "gml:Envelope")
    _sub(_sub(spatial, OGC, "SpatialOperators"), OGC, "SpatialOperator").set("name", "BBOX")
    scalar = _sub(filter_caps, OGC, "Scalar_Capabilities")
    _sub(scalar, OGC, "LogicalOperators")
    comparison = _sub(scalar, OGC, "ComparisonOperators")
    for operator in ("EqualTo", "NotEqualTo", "Like"):
        _sub(comparison, OGC, "ComparisonOperator", operator)
    _sub(_sub(filter_caps, OGC, "Id_Capabilities"), OGC, "EID")
    return serialise(root)


def respond(records_of, query: Query, url: str) -> bytes:
    """The response document of ``query``; ``records_of()`` reads the records (not for capabilities)."""
    if query.request == "GetCapabilities":
        return capabilities(url)
    if query.request == "DescribeRecord":
        return describe_record(query)
    records = records_of()
    if query.request == "GetRecordById":
        return get_record_by_id(records, query)
    return get_records(records, query)
