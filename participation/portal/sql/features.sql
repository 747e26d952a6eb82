-- The consultations %(ids)s as a GeoJSON FeatureCollection (text) in EPSG:4326: their area, title,
-- phase and page. Only public fields.
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
    'type', 'Feature',
    'id', c.id,
    'geometry', ST_AsGeoJSON(ST_Transform(coalesce(c.geom, a.geom), 4326), 6)::json,
    'properties', json_build_object(
        'title', c.title, 'slug', c.slug,
        'phase', CASE WHEN now() < c.opens_at THEN 'planned'
                      WHEN now() < c.closes_at THEN 'open'
                      WHEN c.evaluation_published_at IS NOT NULL THEN 'evaluated'
                      ELSE 'closed' END,
        'opens_at', c.opens_at, 'closes_at', c.closes_at
    )
) ORDER BY c.opens_at DESC, c.id), '[]'::json))::text
FROM participation_consultation AS c
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
WHERE c.id = ANY(%(ids)s::bigint[])
