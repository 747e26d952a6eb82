"""Participation: the statistics per Quartier, and published contributions in a bbox as GeoJSON.

Data: `bench.synth.ensure_areas(1000)` (1,000 Quartiere of ≈0.64 km² in cities of 10 × 10 under one
region) and N contributions (N = 100k: 100 per Quartier) from `bench/sql/participation_generate.sql`,
set-based in PostGIS: one open consultation per city (a third of them generalise published locations
to 50 m, a third to 100 m), random points inside the Quartiere, 83 % published (10 % pending, 4 %
rejected, 3 % hidden), 0–6 supports per published one, an official response for every twentieth;
linked to their Quartier, city and region by the real `quartiere.linking.links_refresh`. `stats`:
`GET /api/participation/stats/?consultation=<id>&level=quartier` for a random city's consultation
(2–100 Quartiere: the tiling's edge cuts some cities small) and, without a consultation, over all N
contributions and 1,000 Quartiere. `bbox`: `GET /api/contributions/?bbox=` of ≈1 km² (a page of 100)
and of ≈3 km × 3 km with `limit=1000`. Endpoints run through Django's test client (full middleware
stack, `DEBUG` off, anonymous, body read). Floor: the endpoint's statistics or feature statement,
captured from the request itself and replayed with a bare psycopg cursor on the same connection, every
row fetched; the endpoint's answer is checked to equal the floor's. Endpoint and floor alternate over
the same samples; medians.
"""

import json
import random

from django.db import connection

from bench.areas import sample_bboxes
from bench.core import Context, Row, Statement, benchmark, replay, statements_of
from bench.synth import Tiling, dataset_spec, ensure_areas, ensure_dataset
from geo.sql import load
from participation.models import Consultation
from participation.services import contribution_links
from quartiere import linking

QUARTIERE = 1_000
SIZES = (100_000,)
TARGET = 1.5  # endpoint / bare SQL
PARTICIPATION_VERSION = 1  # bump when participation_generate.sql changes
SLUG_PREFIX = "bench-participation-"
LARGE_BBOX_HALF_SIZE_M = 1_500


def order_sizes(sizes: list[int]) -> list[int]:
    """Ascending, but the size already in the database first: one rebuild fewer."""
    spec = dataset_spec("participation") or {}
    return sorted(sizes, key=lambda n: (n != spec.get("n"), n))


def ensure_participation(n: int) -> Tiling:
    """Make sure the benchmark database holds ``QUARTIERE`` tiled Quartiere and the ``n`` synthetic
    contributions of ``participation_generate.sql`` (``n`` a multiple of ``QUARTIERE``) with their
    supports, responses and area links."""
    if n % QUARTIERE:
        raise ValueError(f"participation sizes are multiples of {QUARTIERE:,} (contributions per Quartier)")
    tiling = ensure_areas(QUARTIERE)
    spec = {"version": PARTICIPATION_VERSION, "n": n, "areas": dataset_spec("areas")}

    def build() -> None:
        with connection.cursor() as cursor:
            cursor.execute(load(__file__, "participation_generate"), {"per_quartier": n // QUARTIERE})
        linking.links_refresh(contribution_links())

    def present() -> bool:
        # other generators (planning) write contributions too: ours are those of our consultations
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM participation_contribution AS c "
                "JOIN participation_consultation AS k ON k.id = c.consultation_id "
                "WHERE k.slug LIKE %s",
                [SLUG_PREFIX + "%"],
            )
            return cursor.fetchone()[0] == n

    ensure_dataset("participation", spec, build, present=present)
    return tiling


def _only(statements: list[Statement], marker: str, url: str) -> list[Statement]:
    """The one statement of the request that reads ``marker`` (the endpoint's work; not the lookups)."""
    chosen = [s for s in statements if marker in s.sql]
    if len(chosen) != 1:
        raise AssertionError(f"{url}: expected one statement with {marker}, got {len(chosen)}")
    return chosen


@benchmark(sizes=SIZES)
def stats(ctx: Context, n: int) -> list[Row]:
    """`GET /api/participation/stats/?consultation=&level=quartier` (one city's consultation; and all
    contributions without a consultation) vs the bare `stats.sql` with the same parameters."""
    ensure_participation(n)
    rng = random.Random(ctx.seed)
    consultations = list(
        Consultation.objects.filter(slug__startswith=SLUG_PREFIX).order_by("id").values_list("id", flat=True)
    )
    cases = [
        (
            "stats consultation",
            [
                f"/api/participation/stats/?consultation={rng.choice(consultations)}&level=quartier"
                for _ in range(ctx.samples)
            ],
        ),
        # every published contribution of every consultation: heavier, fewer samples
        ("stats all", ["/api/participation/stats/?level=quartier"] * max(ctx.samples // 5, 5)),
    ]
    rows = []
    for name, urls in cases:
        samples, areas = [], []
        for url in urls:
            statements = _only(statements_of(ctx, url), "participation_contributionarea", url)
            answered = json.loads(ctx.get(url))["areas"]
            if answered != json.loads(replay(statements)[0][0]):
                raise AssertionError(f"{url}: endpoint differs from its SQL")
            areas.append(len(answered))
            samples.append((url, statements))
        rows.append(
            ctx.compare(
                name,
                n,
                samples,
                lambda sample: ctx.get(sample[0]),
                lambda sample: replay(sample[1]),
                target=TARGET,
                note=f"{min(areas):,}–{max(areas):,} areas",
            )
        )
    return rows


def _large_bboxes(tiling: Tiling, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    ids = [tiling.first_quartier_id + rng.randrange(tiling.n) for _ in range(count)]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_XMin(b.box), ST_YMin(b.box), ST_XMax(b.box), ST_YMax(b.box)
            FROM unnest(%s::bigint[]) WITH ORDINALITY AS s(id, ord)
            JOIN quartiere_area AS a USING (id)
            CROSS JOIN LATERAL (
                SELECT ST_Transform(ST_Expand(ST_Centroid(a.geom), %s), 4326)::box2d AS box
            ) AS b
            ORDER BY s.ord
            """,
            [ids, LARGE_BBOX_HALF_SIZE_M],
        )
        return [f"{x0:.6f},{y0:.6f},{x1:.6f},{y1:.6f}" for x0, y0, x1, y1 in cursor.fetchall()]


@benchmark(sizes=SIZES)
def bbox(ctx: Context, n: int) -> list[Row]:
    """`GET /api/contributions/?bbox=` (≈1 km², first page of 100; ≈9 km² with `limit=1000`) vs the
    bare `contributions_page.sql` building the same features."""
    tiling = ensure_participation(n)
    cases = [
        (
            "contributions bbox",
            [f"/api/contributions/?bbox={b}" for b in sample_bboxes(tiling, ctx.samples, ctx.seed + 1)],
        ),
        (
            "contributions bbox 1000",
            [
                f"/api/contributions/?bbox={b}&limit=1000"
                for b in _large_bboxes(tiling, max(ctx.samples // 5, 5), ctx.seed + 2)
            ],
        ),
    ]
    rows = []
    for name, urls in cases:
        samples, matched, returned = [], [], []
        for url in urls:
            statements = _only(statements_of(ctx, url), "participation_contribution", url)
            body = json.loads(ctx.get(url))
            count, page, features = replay(statements)[0]
            if body["features"] != json.loads(f"[{features}]") or body["numberMatched"] != count:
                raise AssertionError(f"{url}: endpoint differs from its SQL")
            matched.append(count)
            returned.append(page)
            samples.append((url, statements))
        rows.append(
            ctx.compare(
                name,
                n,
                samples,
                lambda sample: ctx.get(sample[0]),
                lambda sample: replay(sample[1]),
                target=TARGET,
                note=f"{min(matched):,}–{max(matched):,} matched, "
                f"{min(returned):,}–{max(returned):,} returned",
            )
        )
    return rows
