-- One page of areas as GeoJSON features, with the number of all matches.
-- Filters are optional (NULL = no filter); values are bound client-side, so the planner sees
-- constants and drops the unused conditions. The bbox test uses the spatial index.
WITH matched AS (
    SELECT a.id, a.level, a.parent_id, a.code, a.name, a.slug, a.population, a.geom
    FROM quartiere_area AS a
    WHERE (%(id)s::bigint IS NULL OR a.id = %(id)s::bigint)
      AND (%(level)s::smallint IS NULL OR a.level = %(level)s::smallint)
      AND (%(parent)s::bigint IS NULL OR a.parent_id = %(parent)s::bigint)
      AND (%(minx)s::float8 IS NULL OR ST_Intersects(
            a.geom, qa_bbox_in_storage(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(bbox_srid)s, %(storage_srid)s)))
),
page AS (
    SELECT * FROM matched ORDER BY level, name, id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT
    (SELECT count(*) FROM matched) AS matched,
    (SELECT count(*) FROM page) AS returned,
    coalesce(string_agg(feature, ',' ORDER BY level, name, id), '') AS features
FROM (
    SELECT p.level, p.name, p.id,
        json_build_object(
            'type', 'Feature',
            'id', p.id,
            'geometry', ST_AsGeoJSON(ST_Transform(p.geom, %(out_srid)s), %(precision)s)::json,
            'properties', json_build_object(
                'level', CASE p.level WHEN 1 THEN 'region' WHEN 2 THEN 'city' ELSE 'quartier' END,
                'code', p.code, 'name', p.name, 'slug', p.slug, 'parent', p.parent_id,
                'population', p.population, 'area_m2', round(ST_Area(p.geom)::numeric, 1)
            )
        )::text AS feature
    FROM page AS p
) AS f
