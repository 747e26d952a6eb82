"""ISO 19115 records encoded as ISO 19139 XML (``gmd:MD_Metadata``), built with lxml: every value is
set as element text or attribute, never spliced into markup.

Dataset records carry what GDI-DE's harvesters read: file identifier, language, hierarchy level,
contact, date stamp, reference systems, the identification (citation with date and identifier,
abstract, point of contact, maintenance frequency, keywords with the Charter's dimensions, licence as
text and as GDI-DE's JSON, topic category, geographic extent) and the distribution's online
resources (WMS, WFS, OGC API – Features, GeoJSON). Service records (``srv:SV_ServiceIdentification``)
name the service type and the datasets they operate on (``srv:operatesOn`` by ``uuidref``).
"""

import json

from django.conf import settings
from lxml import etree

from geo.catalogue.records import CHARTER_THESAURUS, Record

NS = {
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gml": "http://www.opengis.net/gml",
    "gmx": "http://www.isotc211.org/2005/gmx",
    "srv": "http://www.isotc211.org/2005/srv",
    "xlink": "http://www.w3.org/1999/xlink",
}
GMD = NS["gmd"]
CODELISTS = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml"
SCHEMA_LOCATION = (
    "http://www.isotc211.org/2005/gmd http://schemas.opengis.net/csw/2.0.2/profiles/apiso/1.0.0/apiso.xsd"
)


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, q(name))
    for key, value in attributes.items():
        element.set(q(key.replace("__", ":")) if "__" in key else key, value)
    if text is not None:
        element.text = text
    return element


def string(parent: etree._Element, name: str, text: str) -> etree._Element:
    """``<name><gco:CharacterString>text</gco:CharacterString></name>``"""
    element = sub(parent, name)
    sub(element, "gco:CharacterString", text)
    return element


def code(parent: etree._Element, name: str, code_list: str, value: str) -> etree._Element:
    element = sub(parent, name)
    sub(element, f"gmd:{code_list}", value, codeList=f"{CODELISTS}#{code_list}", codeListValue=value)
    return element


def contact(parent: etree._Element, name: str) -> None:
    config = settings.CATALOGUE
    party = sub(sub(parent, name), "gmd:CI_ResponsibleParty")
    if config["PERSON"]:
        string(party, "gmd:individualName", config["PERSON"])
    string(party, "gmd:organisationName", config["ORGANISATION"] or "Quartiersatlas")
    info = sub(sub(party, "gmd:contactInfo"), "gmd:CI_Contact")
    if config["PHONE"]:
        string(sub(sub(info, "gmd:phone"), "gmd:CI_Telephone"), "gmd:voice", config["PHONE"])
    address = sub(sub(info, "gmd:address"), "gmd:CI_Address")
    if config["CITY"]:
        string(address, "gmd:city", config["CITY"])
    if config["COUNTRY"]:
        string(address, "gmd:country", config["COUNTRY"])
    if config["EMAIL"]:
        string(address, "gmd:electronicMailAddress", config["EMAIL"])
    code(party, "gmd:role", "CI_RoleCode", "pointOfContact")


def keywords(parent: etree._Element, words: list[str], thesaurus: str | None = None) -> None:
    block = sub(sub(parent, "gmd:descriptiveKeywords"), "gmd:MD_Keywords")
    for word in words:
        string(block, "gmd:keyword", word)
    code(block, "gmd:type", "MD_KeywordTypeCode", "theme")
    if thesaurus:
        citation = sub(sub(block, "gmd:thesaurusName"), "gmd:CI_Citation")
        string(citation, "gmd:title", thesaurus)
        date = sub(sub(citation, "gmd:date"), "gmd:CI_Date")
        sub(sub(date, "gmd:date"), "gco:Date", "2020-11-30")
        code(date, "gmd:dateType", "CI_DateTypeCode", "publication")


def constraints(parent: etree._Element, record: Record) -> None:
    name, url = record.licence
    legal = sub(sub(parent, "gmd:resourceConstraints"), "gmd:MD_LegalConstraints")
    code(legal, "gmd:accessConstraints", "MD_RestrictionCode", "otherRestrictions")
    code(legal, "gmd:useConstraints", "MD_RestrictionCode", "otherRestrictions")
    string(legal, "gmd:otherConstraints", "Es gelten keine Zugriffsbeschränkungen")
    string(legal, "gmd:otherConstraints", f"Nutzungsbedingungen: {name} ({url})" if url else name)
    # GDI-DE's machine-readable licence (Konventionen zu Metadaten, 2.x)
    licence = {"id": _licence_id(url), "name": name, "url": url}
    if record.credit:
        licence["quelle"] = record.credit
    string(legal, "gmd:otherConstraints", json.dumps(licence, ensure_ascii=False))


def _licence_id(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 2)[-2:]
    return "-".join(tail) if len(tail) == 2 and tail[0] == "dl-de" else url  # noqa: PLR2004


def extent(parent: etree._Element, record: Record) -> None:
    if record.bbox is None:
        return
    west, south, east, north = record.bbox
    box = sub(
        sub(sub(parent, "gmd:extent" if record.kind == "dataset" else "srv:extent"), "gmd:EX_Extent"),
        "gmd:geographicElement",
    )
    box = sub(box, "gmd:EX_GeographicBoundingBox")
    for name, value in (("west", west), ("east", east), ("south", south), ("north", north)):
        bound = "Longitude" if name in ("west", "east") else "Latitude"
        sub(sub(box, f"gmd:{name}Bound{bound}"), "gco:Decimal", f"{value:.6f}")


def citation(parent: etree._Element, record: Record) -> None:
    cite = sub(sub(parent, "gmd:citation"), "gmd:CI_Citation")
    string(cite, "gmd:title", record.title)
    string(cite, "gmd:alternateTitle", record.title_en)
    date = sub(sub(cite, "gmd:date"), "gmd:CI_Date")
    sub(sub(date, "gmd:date"), "gco:DateTime", record.modified.strftime("%Y-%m-%dT%H:%M:%SZ"))
    code(date, "gmd:dateType", "CI_DateTypeCode", "revision")
    ident = sub(sub(cite, "gmd:identifier"), "gmd:MD_Identifier")
    namespace = settings.CATALOGUE["ID_NAMESPACE"]
    string(ident, "gmd:code", f"{namespace}#{record.layer_id or record.identifier}")


def md_metadata(record: Record, element_set: str = "full") -> etree._Element:
    """The record as ``gmd:MD_Metadata``; ``brief`` keeps identifier, scope, title and extent."""
    root = etree.Element(q("gmd:MD_Metadata"), nsmap=NS)
    string(root, "gmd:fileIdentifier", record.identifier)
    code(root, "gmd:language", "LanguageCode", "ger")
    code(root, "gmd:characterSet", "MD_CharacterSetCode", "utf8")
    code(root, "gmd:hierarchyLevel", "MD_ScopeCode", record.kind)
    if record.kind == "service":
        string(root, "gmd:hierarchyLevelName", "service")
    if element_set != "brief":
        contact(root, "gmd:contact")
    sub(sub(root, "gmd:dateStamp"), "gco:DateTime", record.modified.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if element_set != "brief":
        string(root, "gmd:metadataStandardName", "ISO 19115:2003/Cor 1:2006")
        string(root, "gmd:metadataStandardVersion", "GDI-DE 2.0")
        for srid in record.srids:
            system = sub(sub(root, "gmd:referenceSystemInfo"), "gmd:MD_ReferenceSystem")
            ident = sub(sub(system, "gmd:referenceSystemIdentifier"), "gmd:RS_Identifier")
            string(ident, "gmd:code", f"http://www.opengis.net/def/crs/EPSG/0/{srid}")
    info = sub(root, "gmd:identificationInfo")
    ident_name = "gmd:MD_DataIdentification" if record.kind == "dataset" else "srv:SV_ServiceIdentification"
    identification = sub(info, ident_name)
    citation(identification, record)
    string(identification, "gmd:abstract", record.abstract)
    if element_set != "brief":
        if record.credit:
            string(identification, "gmd:credit", record.credit)
        contact(identification, "gmd:pointOfContact")
        maintenance = sub(sub(identification, "gmd:resourceMaintenance"), "gmd:MD_MaintenanceInformation")
        code(
            maintenance,
            "gmd:maintenanceAndUpdateFrequency",
            "MD_MaintenanceFrequencyCode",
            record.update_frequency,
        )
        free = [word for word in record.keywords if word not in record.charter_keywords]
        keywords(identification, free)
        if record.charter_keywords:
            keywords(identification, record.charter_keywords, CHARTER_THESAURUS)
        constraints(identification, record)
    if record.kind == "dataset":
        if element_set != "brief":
            code(
                identification, "gmd:spatialRepresentationType", "MD_SpatialRepresentationTypeCode", "vector"
            )
            code(identification, "gmd:language", "LanguageCode", "ger")
            sub(sub(identification, "gmd:topicCategory"), "gmd:MD_TopicCategoryCode", record.topic)
        extent(identification, record)
    else:
        sub(sub(identification, "srv:serviceType"), "gco:LocalName", record.service_type)
        extent(identification, record)
        sub(
            sub(identification, "srv:couplingType"),
            "srv:SV_CouplingType",
            "tight",
            codeList=f"{CODELISTS}#SV_CouplingType",
            codeListValue="tight",
        )
        operation = sub(sub(identification, "srv:containsOperations"), "srv:SV_OperationMetadata")
        string(operation, "srv:operationName", "GetCapabilities")
        sub(
            sub(operation, "srv:DCP"),
            "srv:DCPList",
            "WebServices",
            codeList=f"{CODELISTS}#DCPList",
            codeListValue="WebServices",
        )
        link = record.links[0]
        resource = sub(sub(operation, "srv:connectPoint"), "gmd:CI_OnlineResource")
        sub(sub(resource, "gmd:linkage"), "gmd:URL", link.url)
        for dataset in record.operates_on:
            sub(identification, "srv:operatesOn", uuidref=dataset, xlink__href=f"#{dataset}")
    if element_set != "brief":
        distribution(root, record)
    return root


def distribution(root: etree._Element, record: Record) -> None:
    dist = sub(sub(root, "gmd:distributionInfo"), "gmd:MD_Distribution")
    for name, version in record.formats or (("OGC Web Services", ""),):
        fmt = sub(sub(dist, "gmd:distributionFormat"), "gmd:MD_Format")
        string(fmt, "gmd:name", name)
        string(fmt, "gmd:version", version or "-")
    options = sub(sub(dist, "gmd:transferOptions"), "gmd:MD_DigitalTransferOptions")
    for link in record.links:
        resource = sub(sub(options, "gmd:onLine"), "gmd:CI_OnlineResource")
        sub(sub(resource, "gmd:linkage"), "gmd:URL", link.url)
        string(resource, "gmd:protocol", link.protocol)
        string(resource, "gmd:name", link.name)
        string(resource, "gmd:description", link.description)
        code(resource, "gmd:function", "CI_OnLineFunctionCode", link.function)
