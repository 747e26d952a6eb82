-- The numbers per municipality (area of level city) of a region, one row per city (docs/region.md).
-- %(region)s: the region's id, NULL for every city. Every count reads its table once, set-based, for
-- all the cities at a time (the cities' ids as an array, so that the planner looks link rows up by
-- their area index where that pays); nothing here depends on a request's text.
--   measures            published measures owned by the city (Measure.city)
--   regional_measures   published regional measures touching the city: owned by a region, or touching
--                       several municipalities (links at level city, share > 0); regional_share is
--                       the sum of their shares in the city (how many "whole measures" lie in it)
--   budget_*            the budget lines of the city's own published measures (every line, as
--                       /api/budget/?city= sums them); per year = total / the region's fiscal years
--   regional_budget     the budget lines of the region's own published measures times their share in
--                       the city (a region-wide programme without a place is in no city)
--   contributions       published contributions of the city (Contribution.city)
--   quartiere, …_gap    the city's Quartiere, those with a gap in the overall priority index and the
--                       top-ranked one: planning's priority snapshot (each city's default weighting)
--   indicators          the city-level indicator values, the latest year of each indicator
WITH city AS (
    SELECT a.id, a.code, a.name, a.slug, a.parent_id, a.population, ST_Area(a.geom) AS area_m2
    FROM quartiere_area AS a
    WHERE a.level = 2 AND (%(region)s::bigint IS NULL OR a.parent_id = %(region)s::bigint)
),
city_ids AS (
    SELECT ARRAY(SELECT id FROM city) AS ids
),
owned AS (
    SELECT m.city_id, count(*) AS measures
    FROM measures_measure AS m
    WHERE m.published AND m.city_id = ANY ((SELECT ids FROM city_ids)::bigint[])
    GROUP BY m.city_id
),
-- the cities' own money per fiscal year: one pass over the lines of their published measures
owned_money AS (
    SELECT m.city_id, b.fiscal_year, sum(b.amount) AS amount
    FROM measures_measure AS m
    JOIN measures_budgetline AS b ON b.measure_id = m.id
    WHERE m.published AND m.city_id = ANY ((SELECT ids FROM city_ids)::bigint[])
    GROUP BY m.city_id, b.fiscal_year
),
years AS (
    SELECT min(fiscal_year) AS first_year, max(fiscal_year) AS last_year,
           max(fiscal_year) - min(fiscal_year) + 1 AS n
    FROM owned_money
),
money AS (
    SELECT o.city_id, sum(o.amount) AS total,
           json_object_agg(o.fiscal_year, round(o.amount, 2) ORDER BY o.fiscal_year) AS by_year
    FROM owned_money AS o
    GROUP BY o.city_id
),
-- every link of a published measure to one of the cities
link AS NOT MATERIALIZED (
    SELECT l.measure_id, l.area_id, l.share
    FROM measures_measurearea AS l
    WHERE l.area_id = ANY ((SELECT ids FROM city_ids)::bigint[]) AND l.level = 2 AND l.share > 0
),
-- regional measures: owned by a region, or touching several of the cities
regional AS (
    SELECT r.measure_id, bool_or(r.by_region) AS by_region
    FROM (
        SELECT l.measure_id, false AS by_region
        FROM link AS l
        GROUP BY l.measure_id
        HAVING count(*) > 1
        UNION ALL
        SELECT m.id, true
        FROM measures_measure AS m
        JOIN quartiere_area AS o ON o.id = m.city_id AND o.level = 1
        WHERE %(region)s::bigint IS NULL OR m.city_id = %(region)s::bigint
    ) AS r
    GROUP BY r.measure_id
),
touch AS (
    SELECT l.area_id AS city_id, l.measure_id, l.share, r.by_region
    FROM link AS l
    JOIN regional AS r ON r.measure_id = l.measure_id
    JOIN measures_measure AS m ON m.id = l.measure_id AND m.published
),
touched AS (
    SELECT t.city_id, count(*) AS regional_measures, sum(t.share) AS regional_share
    FROM touch AS t
    GROUP BY t.city_id
),
regional_money AS (
    SELECT t.city_id, sum(b.amount * t.share::numeric) AS amount
    FROM touch AS t
    JOIN measures_budgetline AS b ON b.measure_id = t.measure_id
    WHERE t.by_region
    GROUP BY t.city_id
),
contributions AS (
    SELECT c.city_id, count(*) AS n
    FROM participation_contribution AS c
    WHERE c.status = 'published' AND c.city_id = ANY ((SELECT ids FROM city_ids)::bigint[])
    GROUP BY c.city_id
),
quartiere AS (
    SELECT q.parent_id AS city_id, count(*) AS n,
           count(*) FILTER (WHERE 'all' = ANY (string_to_array(s.gaps, ','))) AS with_gap,
           (array_agg(json_build_object('id', q.id, 'name', q.name, 'slug', q.slug,
                                        'score', s.score) ORDER BY s.rank, q.name, q.id)
                FILTER (WHERE s.rank IS NOT NULL))[1] AS top
    FROM quartiere_area AS q
    LEFT JOIN planning_prioritysnapshot AS s ON s.quartier_id = q.id
    WHERE q.level = 3 AND q.parent_id = ANY ((SELECT ids FROM city_ids)::bigint[])
    GROUP BY q.parent_id
),
indicator AS (
    SELECT v.area_id,
           json_object_agg(v.key, json_build_object('value', v.value, 'year', v.year, 'unit', v.unit)
                           ORDER BY v.key) AS values
    FROM (
        SELECT DISTINCT ON (v.area_id, v.indicator_id) v.area_id, i.key, v.value, v.year, i.unit
        FROM indicators_indicatorvalue AS v
        JOIN indicators_indicator AS i ON i.id = v.indicator_id
        WHERE v.area_id = ANY ((SELECT ids FROM city_ids)::bigint[])
        ORDER BY v.area_id, v.indicator_id, v.year DESC
    ) AS v
    GROUP BY v.area_id
)
SELECT c.id, c.code, c.name, c.slug, c.parent_id AS region, c.population,
       round((c.area_m2 / 1e6)::numeric, 2)::float8 AS area_km2,
       round((c.population / nullif(c.area_m2 / 1e6, 0))::numeric, 1)::float8 AS density,
       coalesce(o.measures, 0)::int AS measures,
       coalesce(t.regional_measures, 0)::int AS regional_measures,
       round(coalesce(t.regional_share, 0)::numeric, 3)::float8 AS regional_share,
       round(coalesce(mo.total, 0), 2)::float8 AS budget_total,
       round(coalesce(mo.total, 0) / nullif(c.population, 0), 2)::float8 AS budget_per_inhabitant,
       round(coalesce(mo.total, 0) / nullif(y.n, 0), 2)::float8 AS budget_per_year,
       coalesce(mo.by_year, '{}'::json) AS budget_by_year,
       round(coalesce(rm.amount, 0), 2)::float8 AS regional_budget,
       coalesce(k.n, 0)::int AS contributions,
       round(1000.0 * coalesce(k.n, 0) / nullif(c.population, 0), 2)::float8 AS contributions_per_1000,
       coalesce(q.n, 0)::int AS quartiere,
       coalesce(q.with_gap, 0)::int AS quartiere_with_gap,
       q.top AS top_quartier,
       coalesce(i.values, '{}'::json) AS indicators,
       y.first_year, y.last_year
FROM city AS c
CROSS JOIN years AS y
LEFT JOIN owned AS o ON o.city_id = c.id
LEFT JOIN money AS mo ON mo.city_id = c.id
LEFT JOIN touched AS t ON t.city_id = c.id
LEFT JOIN regional_money AS rm ON rm.city_id = c.id
LEFT JOIN contributions AS k ON k.city_id = c.id
LEFT JOIN quartiere AS q ON q.city_id = c.id
LEFT JOIN indicator AS i ON i.area_id = c.id
