"""Reads of scenarios for the back-office pages: the list, one scenario with its parts, the map of
what it changes (GeoJSON built in PostGIS), and the published measures and lines a change may name.
Who may read which scenario is ``scenarios.access.readable``."""

import json
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from measures.models import BudgetLine, Dimension, Measure, MeasureStatus
from scenarios import access
from scenarios.models import ProposedBudgetLine, ProposedMeasure, Scenario

# the audit trail's actions (scenarios.services writes them) as the page names them
ACTIONS = {
    "created": _("created"),
    "changed": _("changed"),
    "shared": _("shared with the strategy board"),
    "withdrawn": _("withdrawn to draft"),
    "commented": _("commented"),
    "adopted": _("adopted"),
    "rejected": _("rejected"),
    "applied": _("applied to the published data"),
}
UNDER_WAY = [s for s in MeasureStatus.values if s not in (MeasureStatus.DONE, MeasureStatus.STOPPED)]


def scenario_list(
    *, user: Any, budget_year: int | None = None, state: str | None = None
) -> QuerySet[Scenario]:
    """The scenarios ``user`` may read, newest budget first, with the number of their parts."""
    scenarios = access.readable(user).select_related("city")
    if budget_year is not None:
        scenarios = scenarios.filter(budget_year=budget_year)
    if state:
        scenarios = scenarios.filter(state=state)
    return scenarios.annotate(
        n_proposed=Count("proposed_measures", distinct=True),
        n_measure_changes=Count("measure_changes", distinct=True),
        n_budget_changes=Count("budget_changes", distinct=True),
        n_comments=Count("comments", distinct=True),
    ).order_by("-budget_year", "name", "id")


def scenario_parts(scenario: Scenario) -> dict[str, Any]:
    """Everything the scenario page shows: proposed measures with their lines and totals (EUR), the
    changes to published measures and lines (with the target's current state), comments, audit."""
    proposed = list(
        scenario.proposed_measures.select_related("scope", "adopted_as").prefetch_related(
            Prefetch("budget_lines", queryset=ProposedBudgetLine.objects.order_by("fiscal_year", "id"))
        )
    )
    dimensions = dict(Dimension.choices)
    for p in proposed:
        p.dimension_labels = [str(dimensions.get(d, d)) for d in p.dimensions]  # type: ignore[attr-defined]
        p.total = sum((line.amount for line in p.budget_lines.all()), start=Decimal(0))  # type: ignore[attr-defined]
    measure_changes = list(scenario.measure_changes.select_related("measure").order_by("id"))
    for change in measure_changes:
        m = change.measure
        change.stale = m is None or m.version != change.target_version  # type: ignore[attr-defined]
    budget_changes = list(scenario.budget_changes.select_related("budget_line", "measure").order_by("id"))
    for bchange in budget_changes:
        line = bchange.budget_line
        if bchange.action == "add":
            bchange.stale = bchange.measure is None  # type: ignore[attr-defined]
        else:
            bchange.stale = line is None or line.version != bchange.target_version  # type: ignore[attr-defined]
    return {
        "proposed": proposed,
        "proposed_total": sum((p.total for p in proposed), start=Decimal(0)),  # type: ignore[attr-defined]
        "measure_changes": measure_changes,
        "budget_changes": budget_changes,
        "comments": list(scenario.comments.order_by("created_at", "id")),
        "events": [
            {"event": e, "label": ACTIONS.get(e.action, e.action)}
            for e in scenario.events.order_by("at", "id")
        ],
    }


MAP_SQL = """
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', coalesce(json_agg(rows.f ORDER BY rows.kind, rows.id), '[]')
)
FROM (
  SELECT p.id, 'new' AS kind, p.title,
         json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(ST_Transform(p.geom, 4326), 6)::json,
                           'properties', json_build_object('kind', 'new', 'title', p.title)) AS f
  FROM scenarios_proposedmeasure p WHERE p.scenario_id = %(scenario)s AND p.geom IS NOT NULL
  UNION ALL
  SELECT m.id, c.action, m.title,
         json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(ST_Transform(m.geom, 4326), 6)::json,
                           'properties', json_build_object('kind', c.action, 'title', m.title))
  FROM scenarios_measurechange c JOIN measures_measure m ON m.id = c.measure_id
  WHERE c.scenario_id = %(scenario)s AND m.geom IS NOT NULL
) AS rows(id, kind, title, f)
"""


def scenario_map(scenario: Scenario) -> dict:
    """The places of the scenario's new measures (kind ``new``) and of the published measures it drops
    or postpones (kind ``drop``/``postpone``) as a GeoJSON FeatureCollection in EPSG:4326, built in
    PostGIS in one statement. Titles are data: the page's script sets them as text."""
    with connection.cursor() as cursor:
        cursor.execute(MAP_SQL, {"scenario": scenario.pk})
        value = cursor.fetchone()[0]
    return json.loads(value) if isinstance(value, str) else value


def changeable_measures(scenario: Scenario) -> QuerySet[Measure]:
    """The published measures of the scenario's city that are still under way (a change may name them)."""
    return Measure.objects.filter(city_id=scenario.city_id, published=True, status__in=UNDER_WAY).order_by(
        "title", "id"
    )


def changeable_lines(scenario: Scenario) -> QuerySet[BudgetLine]:
    """The budget lines of ``changeable_measures``, from the scenario's budget year on."""
    return (
        BudgetLine.objects.filter(
            measure__city_id=scenario.city_id,
            measure__published=True,
            measure__status__in=UNDER_WAY,
            fiscal_year__gte=scenario.budget_year,
        )
        .select_related("measure")
        .order_by("measure__title", "fiscal_year", "id")
    )


def proposed_geojson(proposed: ProposedMeasure) -> str:
    """A proposed measure's geometry as GeoJSON in EPSG:4326 (for the drawing form), '' without one."""
    if proposed.geom is None:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsGeoJSON(ST_Transform(geom, 4326), 7) FROM scenarios_proposedmeasure WHERE id = %s",
            [proposed.pk],
        )
        return str(cursor.fetchone()[0])
