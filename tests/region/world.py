"""A small region for the region tests: region VRS with three cities (Astadt with two Quartiere,
Bdorf, Cheim without anything) and a second region with one city (Zell), measures of the cities and
of the region (a regional cycle route crossing Astadt and Bdorf half and half, a region-wide
programme), a park of Astadt crossing into Bdorf, a draft, contributions (published, pending) with
private email and author, and a city-level indicator. Every geometry in EPSG:25832, relative to
(X0, Y0) of tests/fixtures."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.gis.geos import LineString
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue
from measures.models import BudgetLine, Measure
from measures.services import measure_links_refresh
from participation.models import Consultation, Contribution
from planning import snapshot
from quartiere.models import Area, Level
from tests.fixtures import SRID, X0, Y0, point, square

SECRET_EMAIL = "geheim-region@example.org"
SECRET_AUTHOR = "autorin-geheim"


def line(x0: float, y0: float, x1: float, y1: float) -> LineString:
    return LineString((X0 + x0, Y0 + y0), (X0 + x1, Y0 + y1), srid=SRID)


def build() -> dict[str, int]:
    """The areas, measures and contributions; returns ids by name."""

    def area(level: Level, code: str, name: str, geom, parent=None, population=None) -> Area:
        return Area.objects.create(
            level=level,
            code=code,
            name=name,
            slug=name.lower(),
            geom=geom,
            parent=parent,
            population=population,
        )

    region = area(
        Level.REGION, "VRS", "Testregion", square(-10_000, -10_000, 10_000, 10_000), population=26_000
    )
    a = area(Level.CITY, "08000001", "Astadt", square(0, 0, 4000, 2000), region, 20_000)
    b = area(Level.CITY, "08000002", "Bdorf", square(4000, 0, 6000, 2000), region, 5_000)
    c = area(Level.CITY, "08000003", "Cheim", square(0, 3000, 1000, 4000), region, 1_000)
    a1 = area(Level.QUARTIER, "08000001-01", "Altstadt", square(0, 0, 2000, 2000), a, 12_000)
    a2 = area(Level.QUARTIER, "08000001-02", "Aue", square(2000, 0, 4000, 2000), a, 8_000)
    other = area(Level.REGION, "ANDERE", "Andere Region", square(25_000, -5_000, 35_000, 5_000))
    z = area(Level.CITY, "09000001", "Zell", square(30_000, 0, 31_000, 1_000), other, 3_000)

    def measure(
        title: str, owner: Area, lines: list[tuple[int, int]], published: bool = True, **fields
    ) -> Measure:
        m = Measure.objects.create(title=title, city=owner, published=published, **fields)
        for year, amount in lines:
            BudgetLine.objects.create(
                measure=m, fiscal_year=year, amount=Decimal(amount), kind="investment", funding="own"
            )
        return m

    m1 = measure("Radweg Astadt", a, [(2024, 1000), (2025, 500)], geom=line(1000, 1000, 3000, 1000))
    m2 = measure("Regionaler Radweg", region, [(2024, 10_000)], geom=line(3000, 1000, 5000, 1000))
    m3 = measure("Grenzpark", a, [(2025, 2000)], geom=square(3500, 500, 4500, 1500))
    measure("Entwurf Bdorf", b, [(2024, 99_999)], published=False, geom=point(5000, 500))
    m5 = measure("Ortsmitte Bdorf", b, [(2026, 300)], geom=point(5000, 1000))
    m6 = measure("Regionsweites Programm", region, [(2024, 5000)], scope=region)
    measure("Zeller Weg", z, [(2023, 700)], geom=line(30_100, 100, 30_900, 100))
    measure_links_refresh()

    author = User.objects.create_user(SECRET_AUTHOR, SECRET_EMAIL, "pw-for-tests-only")
    now = timezone.now()
    for city, where in ((a, point(500, 500)), (b, point(5500, 500))):
        consultation = Consultation.objects.create(
            title=f"Beteiligung {city.name}",
            slug=f"beteiligung-{city.slug}",
            city=city,
            area=city,
            opens_at=now - dt.timedelta(days=10),
            closes_at=now + dt.timedelta(days=10),
        )
        published = 3 if city == a else 1
        for n in range(published + 1):
            Contribution.objects.create(
                consultation=consultation,
                city=city,
                geom=where,
                text=f"Beitrag {n}",
                category="problem",
                status="published" if n < published else "pending",
                email=SECRET_EMAIL,
                author=author,
                pseudonym="",
            )
    indicator = Indicator.objects.create(
        key="kinderarmut-test",
        name_de="Kinderarmut (Test)",
        name_en="Child poverty (test)",
        unit="%",
        dimension="just",
        direction="more_need",
    )
    IndicatorValue.objects.create(indicator=indicator, area=a, year=2023, value=10.0)
    IndicatorValue.objects.create(indicator=indicator, area=a, year=2024, value=12.5)
    IndicatorValue.objects.create(indicator=indicator, area=b, year=2024, value=8.0)
    snapshot.refresh()
    return {
        "region": region.pk,
        "other_region": other.pk,
        "a": a.pk,
        "b": b.pk,
        "c": c.pk,
        "z": z.pk,
        "a1": a1.pk,
        "a2": a2.pk,
        "m1": m1.pk,
        "m2": m2.pk,
        "m3": m3.pk,
        "m5": m5.pk,
        "m6": m6.pk,
    }
