-- What a scenario changes, for the comparison's map and its list of changes (one statement):
-- one row per proposed measure ('new'), dropped or postponed published measure ('dropped',
-- 'postponed', with the years) and published measure whose budget lines the scenario changes, removes
-- or adds to ('budget', with the number of line changes). Geometry as GeoJSON in EPSG:4326 (RFC 7946,
-- 6 decimals ≈ 0.1 m); NULL for measures located by a declared scope. Parameter: %(scenario_id)s.
WITH measure_changes AS (
    SELECT c.measure_id, c.action, c.years
    FROM scenarios_measurechange AS c
    WHERE c.scenario_id = %(scenario_id)s::bigint
),
line_changes AS (
    SELECT coalesce(b.measure_id, ch.measure_id) AS measure_id, count(*) AS n
    FROM scenarios_budgetlinechange AS ch
    LEFT JOIN measures_budgetline AS b ON b.id = ch.budget_line_id
    WHERE ch.scenario_id = %(scenario_id)s::bigint
    GROUP BY 1
),
rows AS (
    SELECT 'new' AS change, p.id, p.title, p.dimensions, NULL::int AS years, NULL::bigint AS lines,
           p.geom
    FROM scenarios_proposedmeasure AS p
    WHERE p.scenario_id = %(scenario_id)s::bigint
    UNION ALL
    SELECT CASE c.action WHEN 'drop' THEN 'dropped' ELSE 'postponed' END, m.id, m.title, m.dimensions,
           c.years, lc.n, m.geom
    FROM measure_changes AS c
    JOIN measures_measure AS m ON m.id = c.measure_id
    LEFT JOIN line_changes AS lc ON lc.measure_id = c.measure_id
    UNION ALL
    SELECT 'budget', m.id, m.title, m.dimensions, NULL, lc.n, m.geom
    FROM line_changes AS lc
    JOIN measures_measure AS m ON m.id = lc.measure_id
    WHERE NOT EXISTS (SELECT 1 FROM measure_changes AS c WHERE c.measure_id = lc.measure_id)
)
SELECT r.change, r.id, r.title, r.dimensions, r.years, r.lines,
       CASE WHEN r.geom IS NOT NULL THEN ST_AsGeoJSON(ST_Transform(r.geom, 4326), 6) END AS geojson
FROM rows AS r
ORDER BY array_position(ARRAY['new', 'dropped', 'postponed', 'budget'], r.change), r.title, r.id
