-- The areas containing a point, one per level (region → city → quartier). On a shared boundary
-- the point touches two areas of a level; the lower id wins so the answer is stable.
WITH pt AS (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), %(srid)s), %(storage_srid)s) AS geom
)
SELECT DISTINCT ON (a.level)
    a.id, a.level, a.code, a.name, a.slug, a.parent_id, a.population
FROM quartiere_area AS a, pt
WHERE ST_Intersects(a.geom, pt.geom)
ORDER BY a.level, a.id
