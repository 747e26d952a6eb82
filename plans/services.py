"""Writes of development plans: ``xplan_import`` (``manage.py import_xplan``, the demo), docs/xplanung.md.

The files are read first (``plans.xplangml``: lxml checks, GDAL's GML driver reads); then, in one
transaction, the plans of all files are staged in a temporary table, transformed into EPSG:25832,
checked and given their city in PostGIS (``sql/import_prepare.sql``), and inserted or updated by
(city, kind, number) (``sql/import_upsert.sql``); the links to the areas of the plans written are
recomputed by ``quartiere.linking``. Any problem in any file refuses the whole run: nothing is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from geo import crs
from geo.sql import load
from plans import codes
from plans.models import NAME_MAX, NUMBER_MAX, DevelopmentPlan, DevelopmentPlanArea
from plans.xplangml import PlanRecord, XPlanRejected, read_plans
from quartiere import linking
from quartiere.models import Area, Level

PLAN_LINKS = linking.LinkTarget.for_models(DevelopmentPlan, DevelopmentPlanArea, fk="plan")


@dataclass
class XPlanImportSummary:
    files: int = 0
    plans: int = 0
    rows: int = 0  # stored rows: a joint plan has one for each of its cities
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    prune: bool = False
    changed_ids: list[int] = field(default_factory=list)
    # with ``prune``: the plans deleted, as "BP 042 (AGS 08118048)"
    deleted: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.plans} plan(s) from {self.files} file(s)"
        if self.rows != self.plans:
            text += f" as {self.rows} plan(s) of a city (a joint plan is stored for each of its cities)"
        text += f": created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        if self.prune:
            text += f", deleted {len(self.deleted)}" + (
                f": {', '.join(self.deleted)}" if self.deleted else ""
            )
        return text + (" (dry run: nothing stored)" if self.dry_run else "")


def _check_texts(records: list[PlanRecord]) -> list[tuple[str, str]]:
    """Lengths and code lists, per plan: (plan, reason)."""
    problems = []
    for record in records:
        where = f"{record.source_file}: {record.label}"
        if len(record.name) > NAME_MAX:
            problems.append((where, f"xplan:name is longer than {NAME_MAX} characters"))
        if len(record.number) > NUMBER_MAX:
            problems.append((where, f"xplan:nummer is longer than {NUMBER_MAX} characters"))
        known = codes.STATUS[record.kind]
        if record.legal_status is not None and record.legal_status not in known:
            problems.append(
                (where, f"rechtsstand {record.legal_status} is not a code of {record.kind}_Rechtsstand")
            )
    return problems


def _city_id(city_code: str | None) -> int | None:
    if city_code is None:
        return None
    city = Area.objects.filter(level=Level.CITY, code=city_code.strip()).first()
    if city is None:
        raise XPlanRejected(f"--city {city_code[:20]!r}: no city with that AGS")
    return city.id


def _stage(cursor, records: list[PlanRecord], *, one_city: bool) -> None:
    """Copy the records into ``plan_stage``: a row for each AGS a plan names (a joint plan names
    several), one row when it names none or ``one_city`` (``--city``) decides."""
    # ON COMMIT DROP only fires at the outermost commit: a caller's transaction may still hold one
    cursor.execute("DROP TABLE IF EXISTS pg_temp.plan_stage")
    cursor.execute(
        "CREATE TEMP TABLE plan_stage (ord int PRIMARY KEY, plan_ord int, part int, joint bool, "
        "source_file text, version text, kind text, gml_id text, name text, number text, legal_status int, "
        "legal_status_label text, status_group text, preparation_date date, in_force_date date, ags text, "
        "municipalities text[], src geometry, srid int, geom geometry, city_id bigint, problem text) "
        "ON COMMIT DROP"
    )
    rows = [
        (plan_ord, part, r, ags)
        for plan_ord, r in enumerate(records)
        for part, ags in enumerate([None] if one_city or not r.ags else r.ags)
    ]
    with cursor.cursor.copy(
        "COPY plan_stage (ord, plan_ord, part, joint, source_file, version, kind, gml_id, name, number, "
        "legal_status, legal_status_label, status_group, preparation_date, in_force_date, ags, "
        "municipalities, src, srid) FROM STDIN"
    ) as copy:
        for ord_, (plan_ord, part, r, ags) in enumerate(rows):
            copy.write_row(
                (
                    ord_,
                    plan_ord,
                    part,
                    not one_city and len(r.ags) > 1,
                    r.source_file,
                    r.version,
                    r.kind,
                    r.gml_id,
                    r.name,
                    r.number,
                    r.legal_status,
                    codes.STATUS[r.kind].get(r.legal_status, "") if r.legal_status is not None else "",
                    codes.status_group(r.legal_status),
                    r.preparation_date,
                    r.in_force_date,
                    ags,
                    list(r.ags),
                    r.wkb.hex(),
                    r.srid,
                )
            )
    cursor.execute("ANALYZE plan_stage")


def xplan_import(
    paths: Iterable[Path | str], *, city_code: str | None = None, dry_run: bool = False, prune: bool = False
) -> XPlanImportSummary:
    """Import the BP_Plan and FP_Plan features of the XPlanGML files ``paths`` in one transaction.
    ``city_code`` (an AGS) assigns every plan to that city; otherwise a plan's city is the one with
    its XP_Gemeinde's AGS, else the city holding the largest part of its area; a joint plan naming
    several cities of the service is stored once for each, cut to that city. Geometry is stored in
    EPSG:25832. ``XPlanRejected`` (nothing written) names each file or plan at fault; ``dry_run``
    checks and counts everything, then rolls back. ``prune``: the files are the whole inventory of
    each city and kind they hold plans of — a stored plan of such a city and kind whose number none of
    them has is deleted, with its links (plans of other cities or kinds are left alone)."""
    records: list[PlanRecord] = []
    summary = XPlanImportSummary(dry_run=dry_run, prune=prune)
    for path in paths:
        records += read_plans(path)
        summary.files += 1
    summary.plans = len(records)
    problems = _check_texts(records)
    if problems:
        raise XPlanRejected(f"{len(problems)} plan(s) refused; nothing imported", problems)
    with transaction.atomic(), connection.cursor() as cursor:
        city_id = _city_id(city_code)
        _stage(cursor, records, one_city=city_id is not None)
        cursor.execute(
            load(__file__, "import_prepare"), {"storage_srid": crs.STORAGE_SRID, "city_id": city_id}
        )
        cursor.execute(
            "SELECT source_file, kind, number, gml_id, problem FROM plan_stage "
            "WHERE problem IS NOT NULL ORDER BY ord"
        )
        bad = [
            (f"{source}: {kind}_Plan {number or gml_id!r}", problem)
            for source, kind, number, gml_id, problem in cursor.fetchall()
        ]
        if bad:
            raise XPlanRejected(f"{len(bad)} plan(s) refused; nothing imported", bad)
        cursor.execute(load(__file__, "import_upsert"), {"storage_srid": crs.STORAGE_SRID})
        rows = cursor.fetchall()
        summary.created = sum(1 for _, created in rows if created)
        summary.updated = len(rows) - summary.created
        cursor.execute("SELECT count(*) FROM plan_stage")
        summary.rows = cursor.fetchone()[0]
        summary.unchanged = summary.rows - len(rows)
        summary.changed_ids = [plan_id for plan_id, _ in rows]
        if summary.changed_ids:
            linking.links_refresh(PLAN_LINKS, ids=summary.changed_ids)
        if prune:
            summary.deleted = _prune(cursor)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _prune(cursor) -> list[str]:
    """Delete the stored plans of the staged plans' (city, kind) pairs that were not staged; their
    labels, "BP 042 (AGS 08118048)". The ORM deletes them, so that their links go too."""
    cursor.execute(load(__file__, "import_prune"))
    rows = cursor.fetchall()
    DevelopmentPlan.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return [f"{kind} {number} (AGS {code})" for _, kind, number, code in rows]


def plan_links_refresh(*, plan_ids: Iterable[int] | None = None) -> int:
    """Recompute the plans' links to the areas (None: all plans); the link rows written."""
    return linking.links_refresh(PLAN_LINKS, ids=plan_ids)
