"""Scenarios: the comparison of a scenario with the baseline (docs/scenarios.md, "Comparison").

Data: the data of `bench/planning.py` (`bench.synth.ensure_areas(10000)`: 10,000 Quartiere in 100 cities;
1M contributions, 100k measures with two budget lines each, 1k focus areas) and
`bench/sql/scenarios_generate.sql`: a scenario for each of the first 4 cities with ≈1,000 changes each
(of the city's ≈900 published measures a fifth dropped, a fifth postponed, a fifth with a changed line, a
fifth with a removed line, a tenth with an added line; 200 proposed measures with two lines each, linked
by the real `quartiere.linking`). `compare_csv`: `GET /planung/szenarien/<id>/vergleich.csv` (signed in;
baseline vs the scenario: budget per year, dimension, funding and Quartier, goal 3, the priority index
per Quartier and dimension in both, the gaps, the changes) through Django's test client (full middleware
stack, `DEBUG` off) against its four main statements — the budget statement, the index with the
published supply, the index with the scenario's supply, the changes — captured from the request and
replayed with a bare psycopg cursor, every row fetched. `compare_page`: the HTML page (tables, map
set-up) against the same statements.
"""

import sys
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings

from bench.core import Context, Row, Statement, benchmark, replay, statements_of
from bench.planning import ensure_planning_data
from bench.synth import dataset_spec, ensure_dataset
from geo.sql import load
from quartiere import linking
from scenarios.models import ProposedMeasure, ProposedMeasureArea, Scenario

QUARTIERE = 10_000
SCENARIOS = 4  # one per city, the first cities
PROPOSED = 200  # per scenario
TARGET = 1.3  # endpoint / its main statements
SCENARIOS_VERSION = 1  # bump when scenarios_generate.sql changes
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
BENCH_USER = "bench-planner"


def ensure_scenario_data(n: int) -> list[int]:
    """The planning data for ``n`` Quartiere and the bench scenarios; their ids."""
    ensure_planning_data(n)
    spec = {
        "version": SCENARIOS_VERSION,
        "scenarios": SCENARIOS,
        "proposed": PROPOSED,
        "planning": dataset_spec("planning"),
    }

    def build() -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(load(__file__, "scenarios_generate"), {"cities": SCENARIOS, "proposed": PROPOSED})
        target = linking.LinkTarget.for_models(
            ProposedMeasure, ProposedMeasureArea, fk="proposed_measure", scope="scope"
        )
        linking.links_refresh(target)
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE scenarios_measurechange, scenarios_budgetlinechange, scenarios_proposedmeasure,"
                " scenarios_proposedmeasurearea, scenarios_proposedbudgetline"
            )
        print(f" (scenarios {time.perf_counter() - started:.1f} s)", end="", file=sys.stderr)

    ensure_dataset(
        "scenarios",
        spec,
        build,
        present=lambda: Scenario.objects.filter(name__startswith="Bench-Szenario").count() == SCENARIOS,
    )
    return list(
        Scenario.objects.filter(name__startswith="Bench-Szenario").order_by("id").values_list("id", flat=True)
    )


def _sign_in(ctx: Context) -> None:
    user = User.objects.filter(username=BENCH_USER).first() or User.objects.create_superuser(
        BENCH_USER, "bench@example.org", None
    )
    ctx.client.force_login(user)


MARKERS = ("scn_lines AS", "quartier_ids AS", "measure_changes AS")


def main_statements(statements: list[Statement]) -> list[Statement]:
    """The comparison's own statements of a request: budget, the index per variant, the changes."""
    return [s for s in statements if any(marker in s.sql for marker in MARKERS)]


def _changes(scenario_ids: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM scenarios_measurechange WHERE scenario_id = ANY(%(ids)s))"
            " + (SELECT count(*) FROM scenarios_budgetlinechange WHERE scenario_id = ANY(%(ids)s))"
            " + (SELECT count(*) FROM scenarios_proposedmeasure WHERE scenario_id = ANY(%(ids)s))",
            {"ids": scenario_ids},
        )
        return int(cursor.fetchone()[0]) // max(1, len(scenario_ids))


def _samples(ctx: Context, urls: list[str]) -> list[tuple[str, list[Statement]]]:
    """Each URL with its main statements, repeated to about ``ctx.samples // 2`` samples."""
    samples = []
    for url in urls:
        main = main_statements(statements_of(ctx, url))
        if len(main) != 4:
            raise AssertionError(f"GET {url}: expected 4 main statements, found {len(main)}")
        samples.append((url, main))
    return samples * max(1, ctx.samples // 2 // len(samples))


@benchmark(sizes=(QUARTIERE,))
def compare_csv(ctx: Context, n: int) -> list[Row]:
    """`vergleich.csv` (baseline vs a scenario of ≈1k changes) vs its 4 main statements."""
    ids = ensure_scenario_data(n)
    _sign_in(ctx)
    samples = _samples(ctx, [f"/planung/szenarien/{i}/vergleich.csv" for i in ids])
    return [
        ctx.compare(
            "scenarios.compare_csv",
            n,
            samples,
            lambda s: ctx.get(s[0]),
            lambda s: replay(s[1]),
            target=TARGET,
            floor_label="its 4 main statements",
            note=f"{10 * n:,} measures; ≈{_changes(ids):,} changes per scenario; 100 Quartiere × 4 dims",
        )
    ]


@benchmark(sizes=(QUARTIERE,))
def compare_page(ctx: Context, n: int) -> list[Row]:
    """The comparison page (HTML) vs the same 4 main statements."""
    ids = ensure_scenario_data(n)
    _sign_in(ctx)
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        samples = _samples(ctx, [f"/planung/szenarien/{i}/vergleich/" for i in ids])
        return [
            ctx.compare(
                "scenarios.compare_page",
                n,
                samples,
                lambda s: ctx.get(s[0]),
                lambda s: replay(s[1]),
                target=None,
                floor_label="its 4 main statements",
                note="the whole page: tables of 100 Quartiere × 4 dimensions, map set-up",
            )
        ]
