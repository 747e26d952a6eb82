"""Independent reference values for CRS tests: UTM from lon/lat by the Krüger series (Karney 2011),
written from the textbook formulas so that PostGIS/PROJ are checked against something that is not them."""

import math

# GRS80, the ellipsoid of ETRS89 (EPSG:25832); WGS84 differs from it by 0.1 mm in b
GRS80_A = 6_378_137.0
GRS80_F = 1 / 298.257222101
UTM_K0 = 0.9996
UTM_FALSE_EASTING = 500_000.0


def utm_from_lonlat(lon: float, lat: float, *, zone: int = 32) -> tuple[float, float]:
    """Easting and northing in metres of the northern-hemisphere UTM ``zone`` (32 → EPSG:25832)."""
    n = GRS80_F / (2 - GRS80_F)
    big_a = GRS80_A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = (
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    )
    phi = math.radians(lat)
    lam = math.radians(lon - (6 * zone - 183))
    e = 2 * math.sqrt(n) / (1 + n)  # first eccentricity
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi_ = math.atan2(t, math.cos(lam))
    eta_ = math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    xi = xi_ + sum(a * math.sin(2 * j * xi_) * math.cosh(2 * j * eta_) for j, a in enumerate(alpha, 1))
    eta = eta_ + sum(a * math.cos(2 * j * xi_) * math.sinh(2 * j * eta_) for j, a in enumerate(alpha, 1))
    return UTM_FALSE_EASTING + UTM_K0 * big_a * eta, UTM_K0 * big_a * xi
