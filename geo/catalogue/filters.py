"""Query constraints of the catalogue: the subset of OGC Filter 1.1 (CSW ``CONSTRAINTLANGUAGE=FILTER``)
and of OGC CQL (``CQL_TEXT``) that catalogue clients send, parsed into one small expression tree and
evaluated against the records (a few dozen, one per layer and service).

Supported: ``And``/``Or``/``Not``; ``PropertyIsLike`` (wildcards as declared; ``LIKE``/``ILIKE`` in
CQL with ``%`` and ``_``), ``PropertyIsEqualTo``/``NotEqualTo`` (``=``/``<>``) and ``BBOX`` on the
queryables below. Matching ignores case (catalogue search, as pycsw does). A BBOX is in EPSG:4326,
longitude first, when it names no CRS; else in the CRS it names, one of the service's: x/y for
``CRS:84`` and the short ``EPSG:n``, the EPSG registry's axis order for the URN/URI forms
(``urn:ogc:def:crs:EPSG::4326`` and ``…::31467`` northing first, ``…::25832`` easting first), as those
definitions say. Anything else raises ``ConstraintError`` (→ ``InvalidParameterValue``).
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from lxml import etree

from geo import crs
from geo.catalogue.records import Record

OGC = "http://www.opengis.net/ogc"
GML = "http://www.opengis.net/gml"

# queryable → the record's text values
QUERYABLES: dict[str, Callable[[Record], list[str]]] = {
    "anytext": lambda r: [r.any_text],
    "title": lambda r: [r.title, r.title_en],
    "abstract": lambda r: [r.abstract],
    "subject": lambda r: list(r.keywords),
    "keywords": lambda r: list(r.keywords),
    "identifier": lambda r: [r.identifier],
    "type": lambda r: [r.kind],
    "format": lambda r: [name for name, _ in r.formats],
    "modified": lambda r: [r.modified.strftime("%Y-%m-%dT%H:%M:%SZ")],
    "topiccategory": lambda r: [r.topic],
    "servicetype": lambda r: [r.service_type],
    "resourceidentifier": lambda r: [r.layer_id],
}
SPATIAL = {"boundingbox", "envelope", "bbox", "geometry", "the_geom"}


class ConstraintError(ValueError):
    """A constraint the catalogue cannot evaluate; the message names what and why."""


@dataclass(frozen=True)
class Predicate:
    test: Callable[[Record], bool]

    def __call__(self, record: Record) -> bool:
        return self.test(record)


def _queryable(name: str) -> str:
    """``csw:AnyText``, ``apiso:Title``, ``dc:title`` … → ``anytext``, ``title``."""
    local = name.strip().rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower()
    if local in QUERYABLES or local in SPATIAL:
        return local
    raise ConstraintError(
        f"unknown queryable {name[:60]!r}; use one of csw:AnyText, dc:title, dc:subject, "
        "dc:identifier, dc:type, dct:abstract, ows:BoundingBox"
    )


def like(name: str, pattern: str, wild: str = "%", single: str = "_", escape: str = "\\") -> Predicate:
    prop = _queryable(name)
    if prop in SPATIAL:
        raise ConstraintError(f"{name} is spatial: use BBOX")
    regex, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if escape and char == escape and index + 1 < len(pattern):
            regex.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        regex.append(".*" if char == wild else "." if char == single else re.escape(char))
        index += 1
    compiled = re.compile("".join(regex), re.IGNORECASE | re.DOTALL)
    values = QUERYABLES[prop]
    return Predicate(lambda r: any(compiled.fullmatch(v) for v in values(r)))


def equal(name: str, literal: str, negate: bool = False) -> Predicate:
    prop = _queryable(name)
    if prop in SPATIAL:
        raise ConstraintError(f"{name} is spatial: use BBOX")
    values = QUERYABLES[prop]
    wanted = literal.casefold()
    return Predicate(lambda r: any(v.casefold() == wanted for v in values(r)) != negate)


def bbox(corners: list[float], srs: str = "") -> Predicate:
    """Records whose extent intersects the box; records without extent never do. ``srs``: none (EPSG:4326,
    longitude first) or any CRS of the service (``geo.crs.crs_name``: the URN and URI forms in the EPSG
    registry's axis order, the short ``EPSG:n`` and ``CRS84`` x/y). A box in another CRS than EPSG:4326
    is transformed by PostGIS (``qa_bbox_in_storage``) to the box around it in EPSG:4326."""
    try:
        name = crs.crs_name(srs) if srs.strip() else crs.CrsName(crs.WGS84, False)
    except ValueError:
        codes = ", ".join(f"EPSG:{srid}" for srid in sorted(crs.ALLOWED_SRIDS))
        raise ConstraintError(
            f"unsupported CRS {srs[:60]!r} for BBOX; use one of {codes} or CRS:84"
        ) from None
    if not all(-1e9 < v < 1e9 for v in corners):
        raise ConstraintError("BBOX corners must be finite numbers")
    if name.northing_first:
        south, west, north, east = corners
    else:
        west, south, east, north = corners
    if west > east or south > north:
        raise ConstraintError("BBOX corners must have min <= max")
    if name.srid != crs.WGS84:
        west, south, east, north = _in_wgs84((west, south, east, north), name.srid)

    def test(record: Record) -> bool:
        if record.bbox is None:
            return False
        w, s, e, n = record.bbox
        return w <= east and e >= west and s <= north and n >= south

    return Predicate(test)


def _in_wgs84(box: tuple[float, float, float, float], srid: int) -> tuple[float, float, float, float]:
    """The box (x/y in ``srid``) as the box around it in EPSG:4326, lon/lat: ``qa_bbox_in_storage``
    (clipped to Europe, edges densified, transformed) with EPSG:4326 as its target. A box that keeps
    nothing (far outside Europe or the CRS's area) is a ``ConstraintError``."""
    sql = (
        "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) "
        "FROM qa_bbox_in_storage(%s, %s, %s, %s, %s, 4326) AS b"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*box, srid])
        row = cursor.fetchone()
    if row is None or not all(v is not None and math.isfinite(v) for v in row):
        raise ConstraintError(f"the BBOX lies outside the area of EPSG:{srid}")
    return row[0], row[1], row[2], row[3]


def all_of(parts: list[Predicate]) -> Predicate:
    return Predicate(lambda r: all(p(r) for p in parts))


def any_of(parts: list[Predicate]) -> Predicate:
    return Predicate(lambda r: any(p(r) for p in parts))


def negation(part: Predicate) -> Predicate:
    return Predicate(lambda r: not part(r))


# --- OGC Filter 1.1 (XML) ---------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def _text_of(element: etree._Element, local: str) -> str:
    for child in _children(element):
        if _local(child) == local:
            return (child.text or "").strip()
    raise ConstraintError(f"{_local(element)} needs a {local}")


def from_filter(element: etree._Element) -> Predicate:
    """An ``ogc:Filter`` element (or one of its operators)."""
    name = _local(element)
    children = _children(element)
    if name == "Filter":
        if len(children) != 1:
            raise ConstraintError("ogc:Filter must hold exactly one operator")
        return from_filter(children[0])
    if name in ("And", "Or"):
        if len(children) < 2:  # noqa: PLR2004
            raise ConstraintError(f"ogc:{name} needs at least two operands")
        parts = [from_filter(child) for child in children]
        return all_of(parts) if name == "And" else any_of(parts)
    if name == "Not":
        if len(children) != 1:
            raise ConstraintError("ogc:Not needs exactly one operand")
        return negation(from_filter(children[0]))
    if name == "PropertyIsLike":
        return like(
            _text_of(element, "PropertyName"),
            _text_of(element, "Literal"),
            element.get("wildCard", "*"),
            element.get("singleChar", "?"),
            element.get("escapeChar", element.get("escape", "\\")),
        )
    if name in ("PropertyIsEqualTo", "PropertyIsNotEqualTo"):
        return equal(
            _text_of(element, "PropertyName"), _text_of(element, "Literal"), name.endswith("NotEqualTo")
        )
    if name == "BBOX":
        envelope = next((child for child in children if _local(child) == "Envelope"), None)
        if envelope is None:
            raise ConstraintError("ogc:BBOX needs a gml:Envelope")
        lower = _numbers(_text_of(envelope, "lowerCorner"), 2)
        upper = _numbers(_text_of(envelope, "upperCorner"), 2)
        return bbox([*lower, *upper], envelope.get("srsName", ""))
    raise ConstraintError(f"unsupported filter operator {name[:40]!r}")


def _numbers(text: str, count: int) -> list[float]:
    try:
        values = [float(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise ConstraintError(f"not a list of numbers: {text[:60]!r}") from None
    if len(values) != count:
        raise ConstraintError(f"expected {count} numbers, got {len(values)}")
    return values


def parse_filter_text(text: str) -> Predicate:
    """``CONSTRAINT`` of a GET request with ``CONSTRAINTLANGUAGE=FILTER``: an ``ogc:Filter`` document."""
    try:
        element = etree.fromstring(text.encode(), parser=SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        raise ConstraintError(f"the filter is not well-formed XML: {error}") from None
    if element.getroottree().docinfo.doctype:
        raise ConstraintError("the filter must not have a DOCTYPE")
    return from_filter(element)


SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


# --- CQL (text) -------------------------------------------------------------------------------------

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?P<op><>|<=|>=|=|\(|\)|,)|(?P<word>[A-Za-z_][\w:.\-/]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConstraintError(f"cannot read the CQL at {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _Cql:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1].upper() != value):
            raise ConstraintError(f"CQL: expected {value or 'more'}, found {token[1][:20] or 'the end'!r}")
        self.position += 1
        return token

    def keyword(self, word: str) -> bool:
        kind, value = self.peek()
        if kind == "word" and value.upper() == word:
            self.position += 1
            return True
        return False

    def parse(self) -> Predicate:
        result = self.disjunction()
        if self.peek()[0] != "end":
            raise ConstraintError(f"CQL: unexpected {self.peek()[1][:20]!r}")
        return result

    def disjunction(self) -> Predicate:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else any_of(parts)

    def conjunction(self) -> Predicate:
        parts = [self.unary()]
        while self.keyword("AND"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else all_of(parts)

    def unary(self) -> Predicate:
        if self.keyword("NOT"):
            return negation(self.unary())
        if self.peek() == ("op", "("):
            self.take("(")
            inner = self.disjunction()
            self.take(")")
            return inner
        return self.comparison()

    def literal(self) -> str:
        kind, value = self.take()
        if kind == "string":
            return value[1:-1].replace("''", "'")
        if kind == "number":
            return value
        raise ConstraintError(f"CQL: expected a literal, found {value[:20]!r}")

    def comparison(self) -> Predicate:
        kind, name = self.take()
        if kind != "word":
            raise ConstraintError(f"CQL: expected a property name, found {name[:20]!r}")
        if name.upper() == "BBOX":
            self.take("(")
            self.take()  # the geometry property (ows:BoundingBox)
            numbers = []
            for _ in range(4):
                self.take(",")
                kind, value = self.take()
                if kind != "number":
                    raise ConstraintError(f"CQL: BBOX expects numbers, found {value[:20]!r}")
                numbers.append(float(value))
            srs = ""
            if self.peek() == ("op", ","):
                self.take(",")
                srs = self.literal()
            self.take(")")
            return bbox(numbers, srs)
        negate = self.keyword("NOT")
        if self.keyword("LIKE") or self.keyword("ILIKE"):
            return negation(like(name, self.literal())) if negate else like(name, self.literal())
        if negate:
            raise ConstraintError("CQL: NOT here must be followed by LIKE")
        kind, op = self.take()
        if op not in ("=", "<>"):
            raise ConstraintError(f"CQL: unsupported operator {op[:10]!r} (use =, <>, LIKE, BBOX)")
        return equal(name, self.literal(), negate=op == "<>")


def parse_cql(text: str) -> Predicate:
    return _Cql(text).parse()
