"""Participatory budget: the tally of a budget with N voters (N = 100k).

Data: `bench.synth.ensure_areas(1000)` for a city, then one consultation with a budget of 1,000,000 €
and 200 published, feasible proposals (revised costs 5,000–150,000 €, seeded), and N ballots of up to
5 proposals each from `bench/sql/budgeting_generate.sql` (≈4.4 choices per ballot, skewed towards a
few popular proposals). `tally`: `budgeting.selectors.tally(budget)` — the ranked, greedily funded
list as Python rows — against its one statement (`budgeting/sql/tally.sql`) captured from the call
and replayed with a bare psycopg cursor, every row fetched; the rows are checked equal first.
`results page`: `GET /beteiligung/<slug>/buergerhaushalt/ergebnis/` (full middleware stack, the
ranked table rendered) against all the statements it runs, replayed bare. Medians.
"""

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench.core import Context, Row, benchmark, capture_sql, replay, statements_of
from bench.planning import PLAIN_STATIC
from bench.synth import dataset_spec, ensure_areas, ensure_dataset
from budgeting.models import Budget, Feasibility, Phase, Proposal, Status
from budgeting.selectors import tally
from geo.sql import load
from participation.models import Consultation
from quartiere.models import Area, Level

QUARTIERE = 1_000
SIZES = (100_000,)
TARGET = 1.3  # tally / bare SQL
PROPOSALS = 200
VERSION = 1  # bump when the generator changes
SLUG = "bench-buergerhaushalt"


def ensure_budget(n: int) -> Budget:
    """The benchmark's budget with ``PROPOSALS`` proposals and ``n`` ballots (built once per spec)."""
    ensure_areas(QUARTIERE)
    spec = {"version": VERSION, "n": n, "areas": dataset_spec("areas")}

    def build() -> None:
        old = Budget.objects.filter(consultation__slug=SLUG)
        Proposal.objects.filter(budget__in=old).delete()  # ballots cascade with the budget
        old.delete()
        Consultation.objects.filter(slug=SLUG).delete()
        city = Area.objects.filter(level=Level.CITY).order_by("id").first()
        assert city is not None
        now = timezone.now()
        consultation = Consultation.objects.create(
            title="Bench budget",
            slug=SLUG,
            city=city,
            area=city,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=365),
            pins=False,
        )
        budget = Budget.objects.create(
            consultation=consultation,
            city=city,
            total=Decimal("1000000"),
            fiscal_year=2027,
            phase=Phase.RESULTS,
        )
        rng = random.Random(2027)  # noqa: S311 - synthetic data, reproducible
        centre = city.geom.point_on_surface
        Proposal.objects.bulk_create(
            Proposal(
                budget=budget,
                city=city,
                title=f"Vorschlag {i}",
                text="Synthetisch.",
                geom=Point(centre.x, centre.y, srid=city.geom.srid),
                cost_estimate=cost,
                revised_cost=cost,
                status=Status.PUBLISHED,
                feasibility=Feasibility.FEASIBLE,
            )
            for i in range(PROPOSALS)
            for cost in [Decimal(rng.randrange(5, 151) * 1000)]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                load(__file__, "budgeting_generate"), {"budget": budget.pk, "city": city.pk, "n": n}
            )

    def present() -> bool:
        budget = Budget.objects.filter(consultation__slug=SLUG).first()
        return budget is not None and budget.ballots.count() == n

    ensure_dataset("budgeting", spec, build, present=present)
    return Budget.objects.select_related("consultation").get(consultation__slug=SLUG)


@benchmark(sizes=SIZES)
def tally_of_a_budget(ctx: Context, n: int) -> list[Row]:
    """`budgeting.selectors.tally` and the results page for N voters vs the bare SQL they run."""
    budget = ensure_budget(n)
    with capture_sql() as statements:
        expected = tally(budget)
    if len(statements) != 1:
        raise AssertionError(f"the tally ran {len(statements)} statements, not one")
    bare = replay(statements)
    if [(r.id, r.votes, r.rank, r.funded, r.remaining) for r in expected.rows] != [
        (row[0], row[3], row[4], row[5], row[6]) for row in bare
    ]:
        raise AssertionError("the tally differs from its SQL")
    funded = len(expected.funded)
    samples = [budget] * ctx.samples
    rows = [
        ctx.compare(
            "budget tally",
            n,
            samples,
            tally,
            lambda _budget: replay(statements),
            target=TARGET,
            note=f"{PROPOSALS} proposals, {funded} funded",
        )
    ]
    url = f"/beteiligung/{budget.consultation.slug}/buergerhaushalt/ergebnis/"
    # DEBUG is off: the manifest storage would need collectstatic first; URLs without hashes cost the same
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
        page_statements = statements_of(ctx, url)
        rows.append(page_row(ctx, n, url, page_statements))
    return rows


def page_row(ctx: Context, n: int, url: str, page_statements: list) -> Row:
    return ctx.compare(
        "budget results page",
        n,
        [url] * max(ctx.samples // 5, 5),
        ctx.get,
        lambda _url: replay(page_statements),
        target=None,
        floor_label="its bare SQL",
        note=f"{len(page_statements)} statements",
    )
