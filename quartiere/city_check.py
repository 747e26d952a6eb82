"""``manage.py check_cities``: rows whose city disagrees with their geometry or with their parent
(docs/multi-city.md). One statement per table and problem, set-based in PostGIS.

The tables are named by model label (``apps.get_model``), so this module imports no app above
quartiere; a table of an app that is not installed is skipped. Identifiers come from the models'
metadata, never from input; the tolerance is a bound parameter."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models
from psycopg import sql

from quartiere.selectors import areas_sticking_out
from quartiere.shard import city_children

FIRST_IDS = 10


@dataclass
class Finding:
    """``count`` rows of ``table`` with ``problem``; ``ids``: the first of them."""

    table: str
    problem: str
    count: int
    ids: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"table": self.table, "problem": self.problem, "count": self.count, "ids": self.ids}


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# Point or geometry not touching the owner's area (city, or the region for regional measures):
# (model label, geometry field, owner field giving the city).
INTERSECTS = [
    ("measures.Measure", "geom", "city"),
    ("participation.Contribution", "geom", "city"),
    ("events.Event", "geom", "city"),
    ("quartiere.Address", "point", "city"),
    ("budgeting.Proposal", "geom", "city"),
    ("surveys.Answer", "geom", "city"),
    ("scenarios.ProposedMeasure", "geom", "city"),
]

# Polygons that should lie within their city: more than ``tolerance`` of their surface outside.
WITHIN = [
    ("planning.FocusArea", "geom", "city"),
    ("participation.Consultation", "geom", "city"),
]

# A declared area (scope, consultation area) that is neither the owner, nor below it, nor the owner's
# region (a city's share of a region-wide programme, a city's consultation for the region: the
# services allow those).
AREA_BELOW_OWNER = [
    ("measures.Measure", "scope"),
    ("participation.Consultation", "area"),
    ("scenarios.ProposedMeasure", "scope"),
]

# Rows that carried their city before the CityField (set by the services): their city must be the
# parent's too. (model label, parent field) — children with a CityField are found by city_children.
PARENTS = [
    ("participation.Contribution", "consultation"),
    ("participation.Consultation", "process"),
    ("events.Event", "consultation"),
    ("budgeting.Budget", "consultation"),
    ("budgeting.Proposal", "budget"),
    ("budgeting.Ballot", "budget"),
    ("budgeting.BallotChoice", "proposal"),
    ("budgeting.BallotChoice", "budget"),
    ("surveys.Survey", "consultation"),
    ("surveys.SurveyResponse", "survey"),
    ("discussion.Comment", "contribution"),
    ("discussion.Comment", "measure"),
    ("discussion.Comment", "consultation"),
    ("discussion.Comment", "parent"),
]

# Owners of the wrong level: a measure's owner is a city or the region, every other owner a city.
OWNERS = [
    ("measures.Measure", (1, 2)),
    ("participation.Process", (2,)),
    ("participation.Consultation", (2,)),
    ("planning.FocusArea", (2,)),
    ("planning.Weighting", (2,)),
    ("scenarios.Scenario", (2,)),
    ("quartiere.Address", (2,)),
]

AREA = sql.Identifier("quartiere_area")


def _col(model: type[models.Model], name: str) -> sql.Identifier:
    f = model._meta.get_field(name)
    assert isinstance(f, models.Field) and f.column
    return sql.Identifier(f.column)


def _statements(tolerance: float) -> Iterator[tuple[str, str, sql.Composable]]:
    """(table, problem, statement selecting the offending ids as ``id``)."""
    for label, geom, owner in INTERSECTS:
        if model := _model(label):
            yield (
                model._meta.db_table,
                "geometry outside its city",
                sql.SQL(
                    "SELECT t.id FROM {t} AS t JOIN {area} AS a ON a.id = t.{owner} "
                    "WHERE t.{geom} IS NOT NULL AND NOT ST_Intersects(a.geom, t.{geom})"
                ).format(
                    t=sql.Identifier(model._meta.db_table),
                    area=AREA,
                    owner=_col(model, owner),
                    geom=_col(model, geom),
                ),
            )
    for label, geom, owner in WITHIN:
        if model := _model(label):
            yield (
                model._meta.db_table,
                f"area more than {tolerance:.0%} outside its city",
                sql.SQL(
                    "SELECT t.id FROM {t} AS t JOIN {area} AS a ON a.id = t.{owner} "
                    "WHERE t.{geom} IS NOT NULL AND NOT ST_Covers(a.geom, t.{geom}) "
                    "AND ST_Area(ST_Difference(t.{geom}, a.geom)) > {tol} * ST_Area(t.{geom})"
                ).format(
                    t=sql.Identifier(model._meta.db_table),
                    area=AREA,
                    owner=_col(model, owner),
                    geom=_col(model, geom),
                    tol=sql.Literal(tolerance),
                ),
            )
    for label, declared in AREA_BELOW_OWNER:
        if model := _model(label):
            yield (
                model._meta.db_table,
                f"{declared} not in its city",
                # the owner is the declared area, its parent or its grandparent, or its region
                sql.SQL(
                    "SELECT t.id FROM {t} AS t JOIN {area} AS s ON s.id = t.{declared} "
                    "LEFT JOIN {area} AS p ON p.id = s.parent_id "
                    "LEFT JOIN {area} AS o ON o.id = t.city_id "
                    "WHERE t.city_id IS DISTINCT FROM s.id AND t.city_id IS DISTINCT FROM s.parent_id "
                    "AND t.city_id IS DISTINCT FROM p.parent_id AND s.id IS DISTINCT FROM o.parent_id"
                ).format(t=sql.Identifier(model._meta.db_table), area=AREA, declared=_col(model, declared)),
            )
    for label, levels in OWNERS:
        if model := _model(label):
            yield (
                model._meta.db_table,
                "owner is no city" if levels == (2,) else "owner is neither a city nor the region",
                sql.SQL(
                    "SELECT t.id FROM {t} AS t JOIN {area} AS a ON a.id = t.city_id "
                    "WHERE a.level <> ALL({levels})"
                ).format(
                    t=sql.Identifier(model._meta.db_table),
                    area=AREA,
                    levels=sql.Literal(list(levels)),
                ),
            )
    pairs: list[tuple[str, str, str, str, str]] = []
    for child in city_children():
        pairs.append((child.table, child.parent_fk, child.parent_table, child.parent_city, "city_id"))
    for label, parent in PARENTS:
        if model := _model(label):
            f = model._meta.get_field(parent)
            assert isinstance(f, models.ForeignKey)
            related = f.related_model
            assert isinstance(related, type)
            pairs.append((model._meta.db_table, f.column, related._meta.db_table, "city_id", "city_id"))
    for table, fk, parent_table, parent_city, city in pairs:
        yield (
            table,
            f"city differs from its parent's ({fk})",
            sql.SQL(
                "SELECT t.id FROM {t} AS t JOIN {p} AS p ON p.id = t.{fk} "
                "WHERE t.{city} IS DISTINCT FROM p.{parent_city}"
            ).format(
                t=sql.Identifier(table),
                p=sql.Identifier(parent_table),
                fk=sql.Identifier(fk),
                city=sql.Identifier(city),
                parent_city=sql.Identifier(parent_city),
            ),
        )


def city_problems(*, tolerance: float = 0.01) -> list[Finding]:
    """Every finding of every check (an empty list: all rows agree)."""
    findings: list[Finding] = []
    connection.ensure_connection()
    with connection.cursor() as cursor:
        for table, problem, statement in _statements(tolerance):
            query = sql.SQL(
                "SELECT count(*), (array_agg(id ORDER BY id))[1:{n}] FROM ({statement}) AS bad"
            ).format(statement=statement, n=sql.Literal(FIRST_IDS))
            cursor.execute(query.as_string(connection.connection))
            count, ids = cursor.fetchone()
            if count:
                findings.append(Finding(table, problem, count, list(ids)))
    for row in areas_sticking_out(tolerance=tolerance):
        findings.append(
            Finding(
                "quartiere_area",
                f"{row['code']} {row['name']}: {row['outside_share']:.2%} outside {row['parent_code']}",
                1,
                [row["id"]],
            )
        )
    return findings


def checks_count() -> int:
    """How many statements ``city_problems`` runs (for the command's summary)."""
    return sum(1 for _ in _statements(0.01)) + 1
