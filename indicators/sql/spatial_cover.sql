-- area_share and area_per_inhabitant (indicators/spatial.py): per area of the city and Quartier
-- levels, the area covered by the layer's polygons, their union first (overlapping features count
-- once). Each area is cut into pieces of at most %(max_vertices)s vertices (ST_Subdivide: disjoint,
-- so their covered areas add up); per piece, the polygons that intersect it (spatial index) are
-- clipped to it — a polygon inside the piece as it is — and unioned.
--   area_share          = 100 × covered m² / area m²
--   area_per_inhabitant = covered m² / population  (no value without inhabitants)
WITH areas AS (
    SELECT a.id, a.geom, a.population, ST_Area(a.geom) AS m2
    FROM quartiere_area AS a
    WHERE a.level IN (2, 3)
),
pieces AS (
    SELECT a.id AS area_id, ST_Subdivide(a.geom, %(max_vertices)s) AS geom
    FROM areas AS a
),
covered AS (
    SELECT p.area_id, sum(ST_Area(c.geom)) AS m2
    FROM pieces AS p
    CROSS JOIN LATERAL (
        SELECT ST_Union(
                   CASE WHEN ST_CoveredBy(f.geom, p.geom) THEN ST_CollectionExtract(f.geom, 3)
                        ELSE ST_CollectionExtract(ST_Intersection(f.geom, p.geom), 3) END
               ) AS geom
        FROM indicators_referencefeature AS f
        WHERE f.layer_id = %(layer)s
          AND ST_Dimension(f.geom) = 2
          AND ST_Intersects(f.geom, p.geom)
    ) AS c
    WHERE c.geom IS NOT NULL
    GROUP BY p.area_id
)
SELECT a.id AS area_id,
       CASE WHEN %(method)s = 'area_share' THEN 100.0 * coalesce(c.m2, 0) / a.m2
            WHEN a.population > 0 THEN coalesce(c.m2, 0) / a.population
       END AS value
FROM areas AS a
LEFT JOIN covered AS c ON c.area_id = a.id
WHERE a.m2 > 0
