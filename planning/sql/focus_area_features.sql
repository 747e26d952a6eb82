-- One page of focus areas as GeoJSON features, with the number of all matches (planning.selectors).
-- The linked measures: only published ones unless all_visible (planners see every measure).
-- Filters are optional (NULL = no filter); values are bound client-side, so the planner sees
-- constants and drops unused conditions. The bbox test uses the spatial index.
WITH matched AS (
    SELECT f.*
    FROM planning_focusarea AS f
    WHERE (%(id)s::bigint IS NULL OR f.id = %(id)s::bigint)
      AND (%(all_visible)s OR f.published OR f.city_id = ANY(%(own_cities)s::bigint[]))
      AND (%(published)s::boolean IS NULL OR f.published = %(published)s::boolean)
      AND (%(city)s::bigint IS NULL OR f.city_id = %(city)s::bigint)
      AND (%(priority)s::text IS NULL OR f.priority = %(priority)s::text)
      AND (%(dimension)s::text IS NULL OR %(dimension)s::varchar = ANY (f.dimensions))
      AND (%(area)s::bigint IS NULL OR f.id IN (
            SELECT l.focus_area_id FROM planning_focusareaarea AS l WHERE l.area_id = %(area)s::bigint))
      AND (%(minx)s::float8 IS NULL OR ST_Intersects(
            f.geom, qa_bbox_in_storage(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(bbox_srid)s, %(storage_srid)s)))
),
page AS (
    SELECT * FROM matched ORDER BY name, id LIMIT %(limit)s OFFSET %(offset)s
)
SELECT
    (SELECT count(*) FROM matched) AS matched,
    (SELECT count(*) FROM page) AS returned,
    coalesce(string_agg(feature, ',' ORDER BY name, id), '') AS features
FROM (
    SELECT p.name, p.id,
        json_build_object(
            'type', 'Feature',
            'id', p.id,
            'geometry', ST_AsGeoJSON(ST_Transform(p.geom, %(out_srid)s), %(precision)s)::json,
            'properties', json_build_object(
                'name', p.name, 'rationale', p.rationale, 'priority', p.priority,
                'dimensions', p.dimensions, 'time_horizon', p.time_horizon, 'city', p.city_id,
                'published', p.published, 'version', p.version, 'updated_at', p.updated_at,
                'area_m2', round(ST_Area(p.geom)::numeric, 1),
                'measures', ARRAY(
                    SELECT fm.measure_id FROM planning_focusarea_measures AS fm
                    JOIN measures_measure AS m ON m.id = fm.measure_id
                    WHERE fm.focusarea_id = p.id
                      AND (%(all_visible)s OR m.published OR m.city_id = ANY(%(own_cities)s::bigint[]))
                    ORDER BY 1),
                'quartiere', (
                    SELECT coalesce(json_agg(json_build_object(
                        'area', a.id, 'name', a.name, 'slug', a.slug, 'share', round(l.share::numeric, 4)
                    ) ORDER BY l.share DESC, a.name), '[]'::json)
                    FROM planning_focusareaarea AS l JOIN quartiere_area AS a ON a.id = l.area_id
                    WHERE l.focus_area_id = p.id AND l.level = 3)
            )
        )::text AS feature
    FROM page AS p
) AS f
