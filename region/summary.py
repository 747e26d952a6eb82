"""The numbers per municipality of a region, in one set-based statement (``sql/summary.sql``): what
``/region/``, ``/api/region/summary/``, the layer ``cities`` and the benchmark read.

Skeleton (to be filled): ``summary(region_id=None, *, user=None) -> list[dict]`` — one dict per city of
the region (all regions when None) with at least ``id, code, name, county, population, measures,
budget_total, budget_per_inhabitant, budget_per_year, contributions, contributions_per_1000`` and the
priority/gap summary.
"""
