-- count_per_1000 (indicators/spatial.py): per area of the city and Quartier levels, the layer's
-- features that intersect the area (ST_Intersects: a point inside or on its boundary, a line or
-- polygon with any part in it or on its boundary; spatial index), per 1,000 inhabitants:
--   1000 × count / population  (no value without inhabitants)
SELECT a.id AS area_id,
       1000.0 * (
           SELECT count(*)
           FROM indicators_referencefeature AS f
           WHERE f.layer_id = %(layer)s AND ST_Intersects(f.geom, a.geom)
       ) / a.population AS value
FROM quartiere_area AS a
WHERE a.level IN (2, 3) AND a.population > 0
