"""The participation benchmark's generator (bench/sql/participation_generate.sql) on a small tiling, in
pytest's database (rolled back): the mix it promises, published locations generalised as the
consultations say, links through the one linking mechanism, and the stats endpoint over it."""

from django.conf import settings
from django.db import connection
from django.db.models import F

from bench.synth import Tiling, build_tiling
from geo.sql import load
from participation.models import Consultation, Contribution, ContributionArea, Response, Support
from participation.services import contribution_links
from quartiere import linking
from quartiere.models import Level
from tests.conftest import sql_value
from tests.participation.conftest import body

PER_QUARTIER = 20
BENCH_MODULE = settings.BASE_DIR / "bench" / "participation.py"


def generate(n_quartiere: int) -> Tiling:
    tiling = build_tiling(n_quartiere)
    with connection.cursor() as cursor:
        cursor.execute(load(str(BENCH_MODULE), "participation_generate"), {"per_quartier": PER_QUARTIER})
    linking.links_refresh(contribution_links())
    return tiling


def test_it_generates_the_promised_mix(db):
    tiling = generate(250)

    total = 250 * PER_QUARTIER
    assert Contribution.objects.count() == total
    assert Consultation.objects.filter(slug__startswith="bench-participation-").count() == tiling.cities
    shares = {s: Contribution.objects.filter(status=s).count() / total for s in ("published", "pending")}
    assert 0.78 < shares["published"] < 0.88 and 0.06 < shares["pending"] < 0.14
    assert not Contribution.objects.filter(status="rejected", reject_reason="").exists()
    published = Contribution.objects.filter(status="published")
    assert 1 < Support.objects.count() / published.count() < 5
    assert not Support.objects.exclude(contribution__status="published").exists()
    assert Response.objects.count() > 0
    # each contribution is linked to exactly one Quartier, its city and the region
    assert ContributionArea.objects.count() == 3 * total
    assert (
        ContributionArea.objects.filter(level=Level.QUARTIER).values("contribution").distinct().count()
        == total
    )
    # every contribution lies in its consultation's city
    assert not Contribution.objects.exclude(city=F("consultation__city")).exists()


def test_published_locations_follow_each_consultations_grid(db):
    generate(250)

    grids = set(Consultation.objects.values_list("generalise_m", flat=True))
    assert grids == {0, 50, 100}
    off_grid = sql_value(
        """
        SELECT count(*) FROM participation_contribution AS c
        JOIN participation_consultation AS k ON k.id = c.consultation_id
        WHERE NOT ST_Equals(c.geom_public, CASE WHEN k.generalise_m > 0
                                                THEN ST_SnapToGrid(c.geom, k.generalise_m) ELSE c.geom END)
        """
    )
    assert off_grid == 0


def test_the_stats_endpoint_counts_the_generated_data(db, api):
    generate(120)
    consultation = Consultation.objects.order_by("id").first()

    stats = body(api.get(f"/api/participation/stats/?consultation={consultation.pk}&level=quartier"))

    published = Contribution.objects.filter(consultation=consultation, status="published")
    assert sum(a["contributions"] for a in stats["areas"]) == published.count()
    assert (
        sum(a["supports"] for a in stats["areas"])
        == Support.objects.filter(contribution__in=published).count()
    )
