-- A lon/lat point (EPSG:4326) in the storage CRS, and whether it lies in the consultation's area
-- (its own polygon, or the area of the hierarchy it names).
WITH pt AS (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(storage_srid)s) AS geom
)
SELECT ST_X(pt.geom), ST_Y(pt.geom), ST_Intersects(coalesce(c.geom, a.geom), pt.geom)
FROM participation_consultation AS c
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
CROSS JOIN pt
WHERE c.id = %(id)s
