-- share_within (indicators/spatial.py): per area of the city and Quartier levels, the share of the
-- area within %(distance)s m of any feature of the layer:
--   100 × area(area ∩ ∪ ST_Buffer(feature, distance)) / area m²
-- Each area is cut into pieces of at most %(max_vertices)s vertices (ST_Subdivide: disjoint, so their
-- areas add up); per piece, only the features within the distance of it (ST_DWithin: spatial index)
-- are buffered, unioned and clipped to the piece. Buffers are polygons with %(quad_segs)s segments
-- per quarter circle (docs/reference-layers.md gives the error).
WITH areas AS (
    SELECT a.id, a.geom, ST_Area(a.geom) AS m2
    FROM quartiere_area AS a
    WHERE a.level IN (2, 3)
),
pieces AS (
    SELECT a.id AS area_id, ST_Subdivide(a.geom, %(max_vertices)s) AS geom
    FROM areas AS a
),
near AS (
    SELECT p.area_id, sum(ST_Area(ST_Intersection(b.geom, p.geom))) AS m2
    FROM pieces AS p
    CROSS JOIN LATERAL (
        SELECT ST_Union(ST_Buffer(f.geom, %(distance)s, 'quad_segs=' || %(quad_segs)s)) AS geom
        FROM indicators_referencefeature AS f
        WHERE f.layer_id = %(layer)s
          AND ST_DWithin(f.geom, p.geom, %(distance)s)
    ) AS b
    WHERE b.geom IS NOT NULL
    GROUP BY p.area_id
)
SELECT a.id AS area_id, 100.0 * coalesce(n.m2, 0) / a.m2 AS value
FROM areas AS a
LEFT JOIN near AS n ON n.area_id = a.id
WHERE a.m2 > 0
