"""XPlanGML documents written by the tests: ``write(path, *plans, version=…)`` with plans given as
``Plan`` (geometry as rings of coordinates in the plan's own CRS). Only what the import reads, in
the structure of the standard: root ``xplan:XPlanAuszug``, one ``gml:featureMember`` per feature, the
plan's area in ``xplan:raeumlicherGeltungsbereich`` as a ``gml:MultiSurface``, its municipality in
``xplan:gemeinde/xplan:XP_Gemeinde``, and a ``BP_Bereich`` with a geometry of its own beside it."""

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Polygon

from tests.fixtures import X0, Y0

Ring = list[tuple[float, float]]
SCHEMA = "http://repository.gdi-de.org/schemas/de.xleitstelle.xplanung/{version}/XPlanung-Operationen.xsd"


def rect(x0: float, y0: float, x1: float, y1: float) -> list[Ring]:
    """A rectangle relative to the grid's origin (X0, Y0), in EPSG:25832: one polygon, one ring."""
    return [
        [(X0 + x0, Y0 + y0), (X0 + x1, Y0 + y0), (X0 + x1, Y0 + y1), (X0 + x0, Y0 + y1), (X0 + x0, Y0 + y0)]
    ]


def to_srid(rings: list[Ring], srid: int) -> list[Ring]:
    """Rings in EPSG:25832 transformed into ``srid`` (by GDAL, as a client producing the file would)."""
    polygon = Polygon(*rings, srid=25832)
    polygon.transform(CoordTransform(SpatialReference(25832), SpatialReference(srid)))
    return [list(ring) for ring in polygon]


@dataclass
class Plan:
    kind: str = "BP"
    name: str = "Am Markt"
    number: str | None = "042"
    status: str | None = "4000"
    preparation: str | None = "2019-03-01"
    in_force: str | None = "2021-07-15"
    ags: str | None = None
    also: tuple[str, ...] = ()  # further XP_Gemeinde: an AGS (8 digits) as ags, a 12-digit key as rs
    polygons: list[list[Ring]] | None = field(default_factory=lambda: [rect(100, 100, 1900, 600)])
    srs: str = "EPSG:25832"
    gml_id: str = ""


def _pos_list(ring: Ring) -> str:
    return " ".join(f"{x:.3f} {y:.3f}" for x, y in ring)


def _surface(plan: Plan, n: int) -> str:
    if plan.polygons is None:
        return ""
    members = []
    for k, rings in enumerate(plan.polygons):
        inner = "".join(
            f"<gml:interior><gml:LinearRing><gml:posList>{_pos_list(r)}</gml:posList></gml:LinearRing></gml:interior>"
            for r in rings[1:]
        )
        members.append(
            f'<gml:surfaceMember><gml:Polygon gml:id="GML_poly_{n}_{k}"><gml:exterior><gml:LinearRing>'
            f"<gml:posList>{_pos_list(rings[0])}</gml:posList></gml:LinearRing></gml:exterior>{inner}"
            "</gml:Polygon></gml:surfaceMember>"
        )
    return (
        f'<xplan:raeumlicherGeltungsbereich><gml:MultiSurface srsName="{plan.srs}" gml:id="GML_area_{n}">'
        + "".join(members)
        + "</gml:MultiSurface></xplan:raeumlicherGeltungsbereich>"
    )


def _plan(plan: Plan, n: int) -> str:
    gml_id = plan.gml_id or f"GML_plan_{n}"
    in_force_tag = "inkrafttretensDatum" if plan.kind == "BP" else "wirksamkeitsDatum"
    parts = [f'<xplan:{plan.kind}_Plan gml:id="{gml_id}">', f"<xplan:name>{escape(plan.name)}</xplan:name>"]
    if plan.number is not None:
        parts.append(f"<xplan:nummer>{escape(plan.number)}</xplan:nummer>")
    parts.append(_surface(plan, n))
    for key in ([plan.ags] if plan.ags else []) + list(plan.also):
        tag = "rs" if len(key) == 12 else "ags"
        parts.append(
            f"<xplan:gemeinde><xplan:XP_Gemeinde><xplan:{tag}>{key}</xplan:{tag}>"
            "<xplan:gemeindeName>Stadt</xplan:gemeindeName></xplan:XP_Gemeinde></xplan:gemeinde>"
        )
    parts.append(f"<xplan:planArt>{'1000' if plan.kind == 'BP' else '1000'}</xplan:planArt>")
    if plan.status is not None:
        parts.append(f"<xplan:rechtsstand>{plan.status}</xplan:rechtsstand>")
    if plan.preparation:
        parts.append(
            f"<xplan:aufstellungsbeschlussDatum>{plan.preparation}</xplan:aufstellungsbeschlussDatum>"
        )
    if plan.in_force:
        parts.append(f"<xplan:{in_force_tag}>{plan.in_force}</xplan:{in_force_tag}>")
    parts.append(f'<xplan:bereich xlink:href="#GML_bereich_{n}"/>')
    parts.append(f"</xplan:{plan.kind}_Plan>")
    bereich = (
        f'<xplan:{plan.kind}_Bereich gml:id="GML_bereich_{n}"><xplan:nummer>0</xplan:nummer>'
        f'<xplan:geltungsbereich><gml:Polygon srsName="{plan.srs}" gml:id="GML_bpoly_{n}"><gml:exterior>'
        f"<gml:LinearRing><gml:posList>{_pos_list(rect(0, 0, 10, 10)[0])}</gml:posList></gml:LinearRing>"
        f'</gml:exterior></gml:Polygon></xplan:geltungsbereich><xplan:gehoertZuPlan xlink:href="#{gml_id}"/>'
        f"</xplan:{plan.kind}_Bereich>"
    )
    member = "<gml:featureMember>{}</gml:featureMember>"
    return member.format("".join(parts)) + member.format(bereich)


def document(*plans: Plan, version: str = "5.4", namespace: str | None = None, prolog: str = "") -> str:
    major, minor = version.split(".")
    ns = namespace or f"http://www.xplanung.de/xplangml/{major}/{minor}"
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}'
        f'<xplan:XPlanAuszug xmlns:xplan="{ns}" xmlns:gml="http://www.opengis.net/gml/3.2" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{ns} {SCHEMA.format(version=version)}" '
        'gml:id="GML_auszug">'
        + "".join(_plan(plan, n) for n, plan in enumerate(plans))
        + "</xplan:XPlanAuszug>\n"
    )


def write(path: Path, *plans: Plan, version: str = "5.4", ags: str | None = "", **kwargs) -> Path:
    """Write the document; ``ags``, when given (None too), replaces every plan's."""
    if ags != "":
        plans = tuple(Plan(**{**plan.__dict__, "ags": ags}) for plan in plans)
    path.write_text(document(*plans, version=version, **kwargs), encoding="utf-8")
    return path
