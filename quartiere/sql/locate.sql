-- The areas containing a point, one per level (region → city → quartier), as the JSON answer of
-- /api/locate/ ({"areas": [...]}, region first). On a shared boundary the point touches two areas of
-- a level; the lower id wins so the answer is stable.
WITH pt AS (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), %(srid)s), %(storage_srid)s) AS geom
),
hit AS (
    SELECT DISTINCT ON (a.level)
        a.id, a.level, a.code, a.name, a.slug, a.parent_id, a.population
    FROM quartiere_area AS a, pt
    WHERE ST_Intersects(a.geom, pt.geom)
    ORDER BY a.level, a.id
)
SELECT json_build_object('areas', coalesce(json_agg(json_build_object(
    'id', h.id,
    'level', CASE h.level WHEN 1 THEN 'region' WHEN 2 THEN 'city' ELSE 'quartier' END,
    'code', h.code, 'name', h.name, 'slug', h.slug, 'parent', h.parent_id, 'population', h.population
) ORDER BY h.level), '[]'))::text
FROM hit AS h
