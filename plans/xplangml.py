"""Reading XPlanGML 5.0–5.4 and 6.0 files: the ``BP_Plan`` and ``FP_Plan`` features (docs/xplanung.md).

Two steps, both before anything is written:

1. **lxml checks the document** (never resolving entities, never touching the network): well-formed
   XML without a DOCTYPE, root ``xplan:XPlanAuszug`` in an XPlanGML namespace of a supported version,
   at least one ``BP_Plan``/``FP_Plan`` among its ``gml:featureMember(s)``, and every ``srsName`` in the
   document one this module maps to an EPSG code of the allow-list (``geo.crs``). GDAL parses the
   ``srsName`` texts it meets as spatial references, which may read files or the network: so it only
   ever sees names from ``SRS_NAMES``' patterns.
2. **GDAL's GML driver reads the plans** (``django.contrib.gis.gdal``): opened with the GML driver
   only and a fixed ``.gfs`` template (``plans/xplangml.gfs``) declaring the fields — all text, so
   that ``042`` stays ``042`` — and ``raeumlicherGeltungsbereich`` as the only geometry; no ``.gfs``
   is written, no schema downloaded, coordinates are taken as written (easting first, as XPlanGML
   files write them). The geometry's CRS is the one lxml found for the plan (its
   ``raeumlicherGeltungsbereich``, else the plan's or the document's ``gml:boundedBy``).

Problems are collected for every plan of the file and raised together (``XPlanRejected``).
"""

import datetime as dt
import re
import shutil
import tempfile
from ctypes import c_char_p
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.gdal.driver import Driver
from django.contrib.gis.gdal.prototypes import ds as capi
from lxml import etree

from geo import crs

MAX_BYTES = 200 * 1024 * 1024  # a whole city's XPlanGML with all its objects stays well below
GML_NS = "http://www.opengis.net/gml/3.2"
XPLAN_NS = re.compile(r"^http://www\.xplanung\.de/xplangml/([0-9]+)/([0-9]+)$")
SUPPORTED = ("5.0", "5.1", "5.2", "5.3", "5.4", "6.0")
PLAN_TYPES = ("BP_Plan", "FP_Plan")
# plan types of XPlanung this service does not import (regional, landscape, other plans)
OTHER_PLAN_TYPES = ("RP_Plan", "LP_Plan", "SO_Plan", "BRA_Plan", "BST_Plan")
GFS_TEMPLATE = Path(__file__).with_name("xplangml.gfs")

# srsName forms → EPSG code: "EPSG:25832", "urn:ogc:def:crs:EPSG::25832" (optionally with a version),
# "http://www.opengis.net/def/crs/EPSG/0/25832", and the AdV's names used in German XPlanGML files
EPSG_NAME = re.compile(
    r"^(?:EPSG:|urn:ogc:def:crs:EPSG:[0-9.]*:|https?://www\.opengis\.net/def/crs/EPSG/0/)([0-9]{4,5})$"
)
ADV_NAMES = {
    "urn:adv:crs:ETRS89_UTM32": 25832,
    "urn:adv:crs:ETRS89_UTM33": 25833,
    "urn:adv:crs:DE_DHDN_3GK3": 31467,
}
# geographic CRSs are refused: their axis order in GML is ambiguous and XPlanung uses projected ones
PLAN_SRIDS = tuple(sorted(code for code in crs.ALLOWED_SRIDS if not crs.is_geographic(code)))


class XPlanRejected(Exception):
    """The file (or a plan in it) cannot be imported; ``problems`` lists (plan, reason)."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.args[0], *(f"  {plan}: {reason}" for plan, reason in self.problems)]
        return "\n".join(lines)


@dataclass(frozen=True)
class PlanRecord:
    """One plan as read from the file: texts as written, geometry as WKB in ``srid``."""

    source_file: str
    version: str
    kind: str  # "BP" or "FP"
    gml_id: str
    name: str
    number: str
    legal_status: int | None
    preparation_date: dt.date | None
    in_force_date: dt.date | None
    ags: tuple[str, ...]  # of each XP_Gemeinde, in order, each once
    wkb: bytes
    srid: int

    @property
    def label(self) -> str:
        return f"{self.kind}_Plan {self.number or self.gml_id!r}"


def parse_srs_name(text: str) -> int | None:
    """The EPSG code of an srsName from the allow-list of projected CRSs, or None."""
    text = text.strip()
    if text in ADV_NAMES:
        return ADV_NAMES[text]
    match = EPSG_NAME.match(text)
    if match is None:
        return None
    code = int(match.group(1))
    return code if code in PLAN_SRIDS else None


@dataclass(frozen=True)
class _Checked:
    version: str
    plan_srids: dict[str, int | None]  # gml:id → EPSG code of its area (None: no area)
    other_types: list[str]


def _check_document(path: Path) -> _Checked:
    """Step 1 (see the module's docstring); ``XPlanRejected`` naming the reason."""
    name = path.name
    if not path.is_file():
        raise XPlanRejected(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise XPlanRejected(f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        raise XPlanRejected(f"{name}: not well-formed XML (line {error.lineno}: {error.msg})") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XPlanRejected(f"{name}: declares a DOCTYPE; XPlanGML has none (refused: entities)")
    root = tree.getroot()
    qname = etree.QName(root)
    match = XPLAN_NS.match(qname.namespace or "")
    if match is None or qname.localname != "XPlanAuszug":
        raise XPlanRejected(
            f"{name}: not an XPlanGML document (root element {qname.localname!r} in namespace "
            f"{qname.namespace or '(none)'!r}; expected XPlanAuszug in http://www.xplanung.de/xplangml/…)"
        )
    version = f"{match.group(1)}.{match.group(2)}"
    if version not in SUPPORTED:
        raise XPlanRejected(
            f"{name}: XPlanGML {version} is not supported (supported: {', '.join(SUPPORTED)})"
        )
    xplan = qname.namespace
    for element in root.iter():
        srs_name = element.get("srsName")
        if srs_name is not None and parse_srs_name(srs_name) is None:
            raise XPlanRejected(
                f"{name}: srsName {srs_name[:80]!r} is not supported; use one of "
                + ", ".join(f"EPSG:{code}" for code in PLAN_SRIDS)
            )
    document_srid = _envelope_srid(root)
    plan_srids: dict[str, int | None] = {}
    other_types: list[str] = []
    problems: list[tuple[str, str]] = []
    members = [
        child
        for member in root
        if member.tag in (f"{{{GML_NS}}}featureMember", f"{{{GML_NS}}}featureMembers")
        for child in member
        if isinstance(child.tag, str)
    ]
    for feature in members:
        feature_name = etree.QName(feature)
        if feature_name.namespace != xplan:
            continue
        if feature_name.localname in OTHER_PLAN_TYPES:
            other_types.append(feature_name.localname)
        if feature_name.localname not in PLAN_TYPES:
            continue
        gml_id = feature.get(f"{{{GML_NS}}}id")
        if not gml_id:
            problems.append((feature_name.localname, "has no gml:id"))
            continue
        if gml_id in plan_srids:
            problems.append((gml_id, "gml:id occurs twice"))
            continue
        area = feature.find(f"{{{xplan}}}raeumlicherGeltungsbereich")
        if area is None:
            plan_srids[gml_id] = None
            continue
        srid = _first_srid(area)
        srid = srid if srid is not None else _envelope_srid(feature)
        srid = srid if srid is not None else document_srid
        if srid is None:
            problems.append((gml_id, "raeumlicherGeltungsbereich names no CRS (srsName)"))
        plan_srids[gml_id] = srid
    if problems:
        raise XPlanRejected(f"{name}: {len(problems)} plan(s) refused; nothing imported", problems)
    if not plan_srids:
        others = f" (it has {', '.join(sorted(set(other_types)))}, not supported)" if other_types else ""
        raise XPlanRejected(f"{name}: holds no BP_Plan or FP_Plan{others}")
    return _Checked(version=version, plan_srids=plan_srids, other_types=sorted(set(other_types)))


def _first_srid(element: etree._Element) -> int | None:
    for node in element.iter():
        srs_name = node.get("srsName")
        if srs_name is not None:
            return parse_srs_name(srs_name)
    return None


def _envelope_srid(feature: etree._Element) -> int | None:
    envelope = feature.find(f"{{{GML_NS}}}boundedBy/{{{GML_NS}}}Envelope")
    srs_name = envelope.get("srsName") if envelope is not None else None
    return parse_srs_name(srs_name) if srs_name else None


def _open(path: Path) -> DataSource:
    """The file through GDAL's GML driver with the template (no ``.gfs`` written, no download)."""
    Driver.ensure_registered()
    drivers = (c_char_p * 2)(b"GML", None)
    options = [
        f"GFS_TEMPLATE={GFS_TEMPLATE}".encode(),
        b"WRITE_GFS=NO",
        b"DOWNLOAD_SCHEMA=NO",
        b"EXPOSE_GML_ID=YES",
        b"SWAP_COORDINATES=NO",
        b"INVERT_AXIS_ORDER_IF_LAT_LONG=NO",
    ]
    open_options = (c_char_p * (len(options) + 1))(*options, None)
    try:
        pointer = capi.open_ds(
            str(path).encode(), capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR, drivers, open_options, None
        )
    except GDALException:
        raise XPlanRejected(f"{path.name}: GDAL's GML driver cannot read it") from None
    return DataSource(pointer, ds_driver=capi.get_dataset_driver(pointer))


def _date(raw: object, field: str, label: str, problems: list[tuple[str, str]]) -> dt.date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        problems.append((label, f"{field} {text[:40]!r} is not a date (YYYY-MM-DD)"))
        return None


# GDAL writes a StringList field as "(count:first,second,…)"; AGS and RS are digits only
STRING_LIST = re.compile(r"\((\d+):(.*)\)", re.S)


def _values(raw: object) -> list[str]:
    text = str(raw or "").strip()
    match = STRING_LIST.fullmatch(text)
    return [v.strip() for v in match.group(2).split(",")] if match else [text] if text else []


def _ags(ags: object, rs: object) -> tuple[str, ...]:
    """The AGS (8 digits) of each XP_Gemeinde: its ``ags``, or from its ``rs`` (12 digits: Land,
    district, Verband, municipality — the AGS is the first 5 and the last 3); each once, in order.
    A joint plan (a Flächennutzungsplan of a Verwaltungsgemeinschaft, say) names several."""
    found = [text for text in _values(ags) if re.fullmatch(r"[0-9]{8}", text)]
    found += [key[:5] + key[9:] for key in _values(rs) if re.fullmatch(r"[0-9]{12}", key)]
    return tuple(dict.fromkeys(found))


def read_plans(path: Path | str) -> list[PlanRecord]:
    """Every BP_Plan and FP_Plan of one XPlanGML file (see the module's docstring); ``XPlanRejected``
    with every problem found. The file is read from a private copy, so that nothing GDAL might
    write lands beside the original."""
    path = Path(path)
    checked = _check_document(path)
    with tempfile.TemporaryDirectory(prefix="xplan-") as directory:
        copy = Path(directory) / "plan.gml"
        shutil.copyfile(path, copy)
        source = _open(copy)
        names = {source[index].name for index in range(source.layer_count)}
        records: list[PlanRecord] = []
        problems: list[tuple[str, str]] = []
        for layer_name in PLAN_TYPES:
            if layer_name not in names:
                continue
            kind = layer_name[:2]
            layer = source[layer_name]
            if "rs" not in layer.fields:  # the template was not applied: never guess the fields
                raise XPlanRejected(f"{path.name}: GDAL did not apply the field template {GFS_TEMPLATE.name}")
            for feature in layer:
                record = _record(feature, kind=kind, path=path, checked=checked, problems=problems)
                if record is not None:
                    records.append(record)
    missing = set(checked.plan_srids) - {record.gml_id for record in records} - {p[0] for p in problems}
    problems += [(gml_id, "GDAL did not read this plan") for gml_id in sorted(missing)]
    if problems:
        raise XPlanRejected(f"{path.name}: {len(problems)} problem(s); nothing imported", problems)
    return records


def _record(
    feature, *, kind: str, path: Path, checked: _Checked, problems: list[tuple[str, str]]
) -> PlanRecord | None:
    def text(field: str) -> str:
        value = feature.get(field)
        return str(value).strip() if value is not None else ""

    gml_id = text("gml_id")
    number = text("nummer")
    label = f"{kind}_Plan {number or gml_id!r}"
    its: list[tuple[str, str]] = []
    name = text("name")
    if not name:
        its.append((label, "has no xplan:name"))
    if not number:
        its.append((label, "has no xplan:nummer (needed to recognise the plan on a re-import)"))
    status_text = text("rechtsstand")
    status = None
    if status_text:
        if re.fullmatch(r"[0-9]{1,6}", status_text):
            status = int(status_text)
        else:
            its.append((label, f"rechtsstand {status_text[:40]!r} is not a code"))
    preparation = _date(text("aufstellungsbeschlussDatum"), "aufstellungsbeschlussDatum", label, its)
    in_force_field = "inkrafttretensDatum" if kind == "BP" else "wirksamkeitsDatum"
    in_force = _date(text(in_force_field), in_force_field, label, its)
    srid = checked.plan_srids.get(gml_id)
    try:
        geometry = feature.geom
    except GDALException:
        geometry = None
    if srid is None or geometry is None or geometry.empty:
        its.append((label, "has no raeumlicherGeltungsbereich (the plan's area)"))
    problems += its
    if its or geometry is None or srid is None:
        return None
    return PlanRecord(
        source_file=path.name,
        version=checked.version,
        kind=kind,
        gml_id=gml_id,
        name=name,
        number=number,
        legal_status=status,
        preparation_date=preparation,
        in_force_date=in_force,
        ags=_ags(feature.get("ags"), feature.get("rs")),
        wkb=bytes(geometry.wkb),
        srid=srid,
    )
