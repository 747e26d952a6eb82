-- The priority index per Quartier and Charter dimension (just, green, productive, and 'all'), one row
-- per (Quartier, dimension); see docs/priorities.md, which this file implements. Geometry is in the
-- storage CRS (EPSG:25832, metres). Parameters are bound; %(city)s NULL means every city (or those of
-- %(cities)s when not NULL), each normalised on its own.
WITH quartier AS (
    SELECT a.id, a.parent_id AS city_id, a.name, a.slug, a.population, a.geom, ST_Area(a.geom) AS area_m2
    FROM quartiere_area AS a
    WHERE a.level = 3 AND (%(city)s::bigint IS NULL OR a.parent_id = %(city)s::bigint)
      AND (%(cities)s::bigint[] IS NULL OR a.parent_id = ANY (%(cities)s::bigint[]))
),
wanted AS (
    SELECT d.dimension
    FROM unnest(ARRAY['all', 'just', 'green', 'productive']) WITH ORDINALITY AS d (dimension, ord)
    WHERE %(dimension)s::text IS NULL OR d.dimension = %(dimension)s::text
),
-- the Quartiere as an array: link rows are then found by their area index (a join with the CTE lets the
-- planner prefer a full scan of the link tables)
quartier_ids AS (
    SELECT ARRAY(SELECT id FROM quartier) AS ids
),
-- participation demand: published contributions linked to the Quartier (share: 1, ½ on a boundary),
-- weighted by category; the same in every dimension (contributions carry no dimension). The weight is
-- read from the arrays by position (a join with the unnested pairs became a loop over them for every
-- contribution); a category the weighting does not name is left out, as a join would.
demand AS (
    SELECT l.area_id, sum(l.share) AS contributions,
           sum(l.share * (%(category_weights)s::float8[])[array_position(%(categories)s::text[], c.category::text)])
               AS weighted
    FROM participation_contributionarea AS l
    JOIN participation_contribution AS c ON c.id = l.contribution_id AND c.status = 'published'
    WHERE l.area_id = ANY ((SELECT ids FROM quartier_ids)::bigint[]) AND l.level = 3
      AND c.category::text = ANY (%(categories)s::text[])
    GROUP BY l.area_id
),
{supply},
supply AS (
    SELECT x.area_id, w.dimension, sum(x.share) AS measures, sum(x.share * coalesce(mo.amount, 0)) AS budget
    FROM located AS x
    JOIN wanted AS w ON w.dimension = 'all' OR w.dimension = ANY (x.dimensions)
    LEFT JOIN money AS mo ON mo.measure_id = x.measure_id
    GROUP BY x.area_id, w.dimension
),
-- focus-area coverage: the share of the Quartier's surface covered by published focus areas of the
-- dimension; one focus area covers share × its area, several are unioned first (no double counting)
covering AS (
    SELECT l.area_id, w.dimension, count(*) AS n, sum(l.share * ST_Area(f.geom)) AS single_m2,
           ST_Union(f.geom) AS united
    FROM planning_focusareaarea AS l
    JOIN planning_focusarea AS f ON f.id = l.focus_area_id AND f.published
    JOIN wanted AS w ON w.dimension = 'all' OR w.dimension = ANY (f.dimensions)
    WHERE l.area_id = ANY ((SELECT ids FROM quartier_ids)::bigint[]) AND l.level = 3 AND l.share > 0
    GROUP BY l.area_id, w.dimension
),
coverage AS (
    SELECT c.area_id, c.dimension,
           least(1.0, CASE WHEN c.n = 1 THEN c.single_m2
                           ELSE ST_Area(ST_Intersection(c.united, q.geom)) END / nullif(q.area_m2, 0)) AS share
    FROM covering AS c
    JOIN quartier AS q ON q.id = c.area_id
),
-- evidence: the weighting's indicators (weight > 0), in the weighting's order
indicator_weight AS (
    SELECT i.id AS indicator_id, i.key, i.dimension, i.direction, w.weight, w.ord
    FROM unnest(%(indicator_keys)s::text[], %(indicator_weights)s::float8[]) WITH ORDINALITY AS w (key, weight, ord)
    JOIN indicators_indicator AS i ON i.key = w.key
    WHERE w.weight > 0
),
-- the values of the chosen indicators for the Quartiere (by the index on (area, indicator, year)); per
-- indicator and city only those of the latest year with values of the city's Quartiere (up to %(year)s)
indicator_raw AS (
    SELECT v.area_id, q.city_id, v.indicator_id, v.value, v.year,
           max(v.year) OVER (PARTITION BY q.city_id, v.indicator_id) AS latest
    FROM indicators_indicatorvalue AS v
    JOIN quartier AS q ON q.id = v.area_id
    WHERE v.area_id = ANY ((SELECT ids FROM quartier_ids)::bigint[])
      AND v.indicator_id = ANY (ARRAY(SELECT indicator_id FROM indicator_weight))
      AND (%(year)s::int IS NULL OR v.year <= %(year)s::int)
),
indicator_value AS (
    SELECT r.area_id, r.city_id, r.indicator_id, r.value, r.year
    FROM indicator_raw AS r
    WHERE r.year = r.latest
),
-- min-max within the city, oriented by direction: 1 = most need; 0 for all when all values are equal
indicator_need AS (
    SELECT x.area_id, x.indicator_id, x.value, x.year,
        CASE WHEN max(x.value) OVER c = min(x.value) OVER c THEN 0.0
             WHEN iw.direction = 'less_need'
                 THEN (max(x.value) OVER c - x.value) / (max(x.value) OVER c - min(x.value) OVER c)
             ELSE (x.value - min(x.value) OVER c) / (max(x.value) OVER c - min(x.value) OVER c) END AS need
    FROM indicator_value AS x
    JOIN indicator_weight AS iw ON iw.indicator_id = x.indicator_id
    WINDOW c AS (PARTITION BY x.city_id, x.indicator_id)
),
-- need per Quartier and dimension: Σ w·need ÷ Σ w over the weighting's indicators of the dimension
-- (all of them for 'all'); the keys without a value are listed in `missing`
evidence AS (
    SELECT q.id AS area_id, w.dimension,
        array_agg(iw.key ORDER BY iw.ord) AS keys,
        array_agg(iw.weight ORDER BY iw.ord) AS weights,
        array_agg(n.need ORDER BY iw.ord) AS needs,
        array_agg(n.value ORDER BY iw.ord) AS vals,
        array_agg(n.year ORDER BY iw.ord) AS years,
        coalesce(array_agg(iw.key ORDER BY iw.ord) FILTER (WHERE n.need IS NULL), '{}') AS missing,
        sum(iw.weight * n.need) AS need_num,
        sum(iw.weight) AS need_den
    FROM quartier AS q
    CROSS JOIN wanted AS w
    JOIN indicator_weight AS iw ON w.dimension = 'all' OR iw.dimension = w.dimension
    LEFT JOIN indicator_need AS n ON n.area_id = q.id AND n.indicator_id = iw.indicator_id
    GROUP BY q.id, w.dimension
),
raw AS (
    SELECT q.id AS quartier_id, q.city_id, q.name, q.slug, q.population, q.area_m2, w.dimension,
           coalesce(d.contributions, 0) AS contributions,
           coalesce(d.weighted, 0) AS weighted_contributions,
           CASE WHEN q.population > 0 THEN 1000.0 * coalesce(d.weighted, 0) / q.population END AS demand,
           coalesce(s.measures, 0) AS measures,
           coalesce(s.budget, 0) AS budget,
           CASE WHEN q.population > 0 THEN 1000.0 * coalesce(s.measures, 0) / q.population END
               AS measures_per_1000,
           CASE WHEN q.population > 0 THEN coalesce(s.budget, 0)::float8 / q.population END
               AS budget_per_inhabitant,
           coalesce(cv.share, 0) AS coverage,
           ev.keys AS indicator_keys, ev.weights AS indicator_weights, ev.needs AS indicator_needs,
           ev.vals AS indicator_values, ev.years AS indicator_years,
           coalesce(ev.missing, '{}') AS missing,
           ev.need_num, ev.need_den,
           CASE WHEN cardinality(ev.missing) = 0 THEN ev.need_num / nullif(ev.need_den, 0) END AS need,
           -- a dimension without weighted indicators: w_I falls back to 0
           CASE WHEN ev.area_id IS NULL THEN 0.0 ELSE %(w_indicators)s::float8 END AS w_indicators
    FROM quartier AS q
    CROSS JOIN wanted AS w
    LEFT JOIN evidence AS ev ON ev.area_id = q.id AND ev.dimension = w.dimension
    LEFT JOIN demand AS d ON d.area_id = q.id
    LEFT JOIN supply AS s ON s.area_id = q.id AND s.dimension = w.dimension
    LEFT JOIN coverage AS cv ON cv.area_id = q.id AND cv.dimension = w.dimension
),
-- min-max normalisation within the city and dimension: (x - min) / (max - min), 0 when all are equal;
-- Quartiere without population have no per-inhabitant values and take no part
normalised AS (
    SELECT r.*,
        coalesce((r.demand - min(r.demand) OVER c)
                 / nullif(max(r.demand) OVER c - min(r.demand) OVER c, 0), 0) AS demand_norm,
        coalesce((r.measures_per_1000 - min(r.measures_per_1000) OVER c)
                 / nullif(max(r.measures_per_1000) OVER c - min(r.measures_per_1000) OVER c, 0), 0)
            AS measures_norm,
        coalesce((r.budget_per_inhabitant - min(r.budget_per_inhabitant) OVER c)
                 / nullif(max(r.budget_per_inhabitant) OVER c - min(r.budget_per_inhabitant) OVER c, 0), 0)
            AS budget_norm,
        coalesce((r.coverage - min(r.coverage) OVER c)
                 / nullif(max(r.coverage) OVER c - min(r.coverage) OVER c, 0), 0) AS coverage_norm
    FROM raw AS r
    WINDOW c AS (PARTITION BY r.city_id, r.dimension)
),
scored AS (
    SELECT n.*,
        (n.measures_norm + n.budget_norm) / 2 AS supply_norm,
        CASE WHEN n.population > 0 AND cardinality(n.missing) = 0 THEN
            (n.w_indicators * coalesce(n.need, 0)
             + %(w_demand)s::float8 * n.demand_norm
             + %(w_supply)s::float8 * (1 - (n.measures_norm + n.budget_norm) / 2)
             + %(w_coverage)s::float8 * n.coverage_norm)
            / nullif(n.w_indicators + %(w_demand)s::float8 + %(w_supply)s::float8 + %(w_coverage)s::float8, 0)
        END AS score
    FROM normalised AS n
)
SELECT s.quartier_id, s.city_id, s.name, s.slug, s.population, s.area_m2, s.dimension,
       s.contributions, s.weighted_contributions, s.demand, s.measures, s.budget, s.measures_per_1000,
       s.budget_per_inhabitant, s.coverage, s.demand_norm, s.measures_norm, s.budget_norm, s.supply_norm,
       s.coverage_norm, s.need, s.w_indicators, s.indicator_keys, s.indicator_weights, s.indicator_needs,
       s.indicator_values, s.indicator_years, s.missing, s.need_num, s.need_den, s.score,
       CASE WHEN s.score IS NOT NULL
            THEN rank() OVER (PARTITION BY s.city_id, s.dimension ORDER BY s.score DESC NULLS LAST) END AS rank,
       -- a gap: high demand, low planned supply (both normalised within the city)
       coalesce(s.population > 0 AND s.demand_norm >= %(gap_min_demand)s::float8
                AND s.demand_norm - s.supply_norm >= %(gap_min_difference)s::float8, false) AS gap,
       s.demand_norm - s.supply_norm AS gap_size
FROM scored AS s
