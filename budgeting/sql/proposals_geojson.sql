-- The published proposals of one budget as a GeoJSON FeatureCollection (EPSG:4326), built in PostGIS.
-- Only public attributes: no author, no browser, no moderation notes.
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'id', p.id,
        'geometry', ST_AsGeoJSON(ST_Transform(p.geom, 4326), 7)::json,
        'properties', json_build_object(
            'title', p.title,
            'cost', coalesce(p.revised_cost, p.cost_estimate),
            'feasibility', p.feasibility,
            'url', %(prefix)s || p.id || '/'
        )
    ) ORDER BY p.id), '[]'::json)
)::text
FROM budgeting_proposal AS p
WHERE p.budget_id = %(budget)s AND p.status = 'published'
