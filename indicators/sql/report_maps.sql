-- The report's choropleths (indicators.selectors.report_maps): for each indicator, its latest year
-- with values of the city's Quartiere, and every Quartier of the city with its value and need class in
-- that year (as the `indicators` layer computes them: position between the city's lowest and highest
-- Quartier, turned round where a higher value means less need). Geometry as SVG path data in a frame
-- of the city's extent (EPSG:25832, y flipped by ST_AsSVG), simplified to ≈ 1/400 of its width.
WITH city AS (
    SELECT c.id, ST_XMin(c.geom::box2d) AS x0, ST_YMax(c.geom::box2d) AS y1,
           greatest(ST_XMax(c.geom::box2d) - ST_XMin(c.geom::box2d), 1) AS w,
           greatest(ST_YMax(c.geom::box2d) - ST_YMin(c.geom::box2d), 1) AS h
    FROM quartiere_area AS c WHERE c.id = %(city)s
),
latest AS (
    SELECT v.indicator_id, max(v.year) AS year
    FROM indicators_indicatorvalue AS v JOIN quartiere_area AS q ON q.id = v.area_id
    WHERE q.parent_id = %(city)s AND q.level = 3
    GROUP BY v.indicator_id
),
vals AS (
    SELECT l.indicator_id, l.year, v.area_id, v.value,
           min(v.value) OVER w AS lo, max(v.value) OVER w AS hi
    FROM latest AS l
    JOIN indicators_indicatorvalue AS v ON v.indicator_id = l.indicator_id AND v.year = l.year
    JOIN quartiere_area AS q ON q.id = v.area_id AND q.parent_id = %(city)s AND q.level = 3
    WINDOW w AS (PARTITION BY l.indicator_id)
)
SELECT i.id, i.key, l.year, q.id AS area_id, q.name, x.value,
       CASE WHEN x.value IS NULL THEN NULL
            WHEN x.hi = x.lo THEN 0.5
            WHEN i.direction = 'less_need' THEN (x.hi - x.value) / (x.hi - x.lo)
            ELSE (x.value - x.lo) / (x.hi - x.lo) END AS need,
       ST_AsSVG(ST_Simplify(ST_Translate(q.geom, -city.x0, -city.y1), city.w / 400), 0, 0) AS path,
       city.w, city.h
FROM latest AS l
JOIN indicators_indicator AS i ON i.id = l.indicator_id
CROSS JOIN city
JOIN quartiere_area AS q ON q.parent_id = city.id AND q.level = 3
LEFT JOIN vals AS x ON x.indicator_id = l.indicator_id AND x.area_id = q.id
ORDER BY i.dimension, i.key, q.name
