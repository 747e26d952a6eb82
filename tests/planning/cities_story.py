"""The cities of the city pages' tests (tests/planning/test_cities*.py): a region with two cities that
have Quartiere — both with a "Mitte" (slug ``mitte``, the collision on purpose) — and cities without
any, one named with template and HTML syntax. Geometry in EPSG:25832 relative to (X0, Y0).

    region R: [-10 km, +10 km]²
    Stuttgart   08111000  x 3000…5000, y 3000…5000 (no Quartiere; the first city by id)
    Ludwigsburg 08118048  x 0…2000, y 0…1000: Mitte (0…1000), Nord (1000…2000)
    Kornwestheim 08118046 x 0…2000, y 2000…3000: Mitte (0…1000), Osterholz (1000…2000, named with syntax)
    Asperg      08118003  x 3000…4000, y 0…1000 (no Quartiere; named with syntax)
"""

from quartiere.models import Area, Level
from tests.fixtures import feature, import_areas, import_region, square

SYNTAX = "{{ 6*7 }} <script>alert(1)</script>"
LUDWIGSBURG, KORNWESTHEIM, ASPERG, STUTTGART = "08118048", "08118046", "08118003", "08111000"


def build() -> dict[str, Area]:
    """The areas above; returns the cities by AGS and the Quartiere as ``<ags>/<slug>``."""
    import_region()
    import_areas(Level.CITY, feature(STUTTGART, "Stuttgart", square(3000, 3000, 5000, 5000), 600_000))
    import_areas(
        Level.CITY,
        feature(LUDWIGSBURG, "Ludwigsburg", square(0, 0, 2000, 1000), 94_859),
        feature(KORNWESTHEIM, "Kornwestheim", square(0, 2000, 2000, 3000), 34_177),
        feature(ASPERG, f"Asperg {SYNTAX}", square(3000, 0, 4000, 1000), 13_000),
    )
    import_areas(
        Level.QUARTIER,
        feature(f"{LUDWIGSBURG}-01", "Mitte", square(0, 0, 1000, 1000), 50_000),
        feature(f"{LUDWIGSBURG}-02", "Nord", square(1000, 0, 2000, 1000), 44_859),
        feature(f"{KORNWESTHEIM}-01", "Mitte", square(0, 2000, 1000, 3000), 20_000),
        feature(f"{KORNWESTHEIM}-02", f"Osterholz {SYNTAX}", square(1000, 2000, 2000, 3000), 14_177),
    )
    found: dict[str, Area] = {a.code: a for a in Area.objects.filter(level=Level.CITY)}
    for q in Area.objects.filter(level=Level.QUARTIER).select_related("parent"):
        found[f"{q.parent.code}/{q.slug}"] = q
    return found


def more_cities(n: int) -> None:
    """``n`` more cities without Quartiere (AGS 08119001…), 400 m squares south of the others."""
    features = []
    for i in range(n):
        x, y = -9500 + (i % 20) * 450, -9500 + (i // 20) * 450
        features.append(
            feature(f"08119{i + 1:03d}", f"Gemeinde {i + 1}", square(x, y, x + 400, y + 400), 1000)
        )
    import_areas(Level.CITY, *features)
