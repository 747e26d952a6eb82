-- Indicators of one Quartier next to its city's (planning.reports.quartier_profile), one row each:
-- inhabitants, surface (km², EPSG:25832), published contributions (per 1,000 inhabitants), published
-- measures located there (by share), their budget (EUR, by share; per inhabitant) and the share of the
-- surface covered by published focus areas. The city row counts the measures of the city (any place).
WITH target AS (
    SELECT q.id, q.population, q.geom, c.id AS city_id, c.population AS city_population, c.geom AS city_geom
    FROM quartiere_area AS q JOIN quartiere_area AS c ON c.id = q.parent_id
    WHERE q.id = %(quartier)s
),
located AS (
    SELECT l.measure_id, l.share
    FROM measures_measurearea AS l JOIN measures_measure AS m ON m.id = l.measure_id AND m.published
    WHERE l.area_id = %(quartier)s AND l.level = 3
),
city_measures AS (
    SELECT m.id FROM measures_measure AS m, target AS t WHERE m.published AND m.city_id = t.city_id
),
rows AS (
    SELECT 'quartier' AS scope, t.population, ST_Area(t.geom) / 1e6 AS km2,
        (SELECT count(*) FROM participation_contributionarea AS l
         JOIN participation_contribution AS c ON c.id = l.contribution_id AND c.status = 'published'
         WHERE l.area_id = t.id) AS contributions,
        (SELECT coalesce(sum(share), 0) FROM located) AS measures,
        (SELECT coalesce(sum(b.amount * x.share::numeric), 0)
         FROM located AS x JOIN measures_budgetline AS b ON b.measure_id = x.measure_id) AS budget,
        (SELECT ST_Area(ST_Intersection(ST_Union(f.geom), t.geom)) / nullif(ST_Area(t.geom), 0)
         FROM planning_focusarea AS f
         WHERE f.published AND f.id IN (SELECT l.focus_area_id FROM planning_focusareaarea AS l
                                        WHERE l.area_id = t.id)) AS coverage
    FROM target AS t
    UNION ALL
    SELECT 'city', t.city_population, ST_Area(t.city_geom) / 1e6,
        (SELECT count(*) FROM participation_contributionarea AS l
         JOIN participation_contribution AS c ON c.id = l.contribution_id AND c.status = 'published'
         WHERE l.area_id = t.city_id),
        (SELECT count(*) FROM city_measures),
        (SELECT coalesce(sum(b.amount), 0) FROM measures_budgetline AS b
         WHERE b.measure_id IN (SELECT id FROM city_measures)),
        (SELECT ST_Area(ST_Intersection(ST_Union(f.geom), t.city_geom)) / nullif(ST_Area(t.city_geom), 0)
         FROM planning_focusarea AS f WHERE f.published AND f.city_id = t.city_id)
    FROM target AS t
)
SELECT scope, population, km2, contributions, measures, budget, coverage,
    CASE WHEN population > 0 THEN 1000.0 * contributions / population END AS contributions_per_1000,
    CASE WHEN population > 0 THEN budget / population END AS budget_per_inhabitant,
    CASE WHEN km2 > 0 THEN population / km2 END AS density
FROM rows
ORDER BY scope DESC
