-- Consultations as GeoJSON features: their area (own polygon, or the named area) in %(out_srid)s,
-- with their phase, process, formats (%(formats)s: id → keys, from the registry), the Quartiere their
-- area covers part of (interiors intersect) and, once published, the evaluation. %(ids)s (NULL: all)
-- narrows to the consultations the filters chose.
SELECT coalesce(string_agg(json_build_object(
    'type', 'Feature',
    'id', c.id,
    'geometry', ST_AsGeoJSON(ST_Transform(coalesce(c.geom, a.geom), %(out_srid)s), %(precision)s)::json,
    'properties', json_build_object(
        'title', c.title, 'slug', c.slug, 'description', c.description, 'city', c.city_id,
        'area', c.area_id,
        'opens_at', c.opens_at, 'closes_at', c.closes_at,
        'is_open', now() >= c.opens_at AND now() < c.closes_at,
        'categories', to_json(c.categories), 'moderation', c.moderation,
        'allow_anonymous', c.allow_anonymous, 'generalise_m', c.generalise_m,
        'themes', to_json(c.themes), 'target_groups', to_json(c.target_groups),
        'phase', CASE WHEN now() < c.opens_at THEN 'planned'
                      WHEN now() < c.closes_at THEN 'open'
                      WHEN c.evaluation_published_at IS NOT NULL THEN 'evaluated'
                      ELSE 'closed' END,
        'process', p.slug, 'pins', c.pins,
        'formats', coalesce(%(formats)s::jsonb -> c.id::text, '[]'::jsonb),
        'quartiere', (
            SELECT coalesce(json_agg(json_build_object('id', q.id, 'name', q.name, 'slug', q.slug)
                                     ORDER BY q.name, q.id), '[]'::json)
            FROM quartiere_area AS q
            WHERE q.parent_id = c.city_id AND q.level = 3
              AND ST_Intersects(coalesce(c.geom, a.geom), q.geom)
              AND ST_Relate(coalesce(c.geom, a.geom), q.geom, 'T********')
        ),
        'evaluation', CASE WHEN c.evaluation_published_at IS NOT NULL THEN c.evaluation END,
        'evaluation_published_at', c.evaluation_published_at
    )
)::text, ',' ORDER BY c.opens_at DESC, c.id), '')
FROM participation_consultation AS c
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
LEFT JOIN participation_process AS p ON p.id = c.process_id
WHERE (%(id)s::bigint IS NULL OR c.id = %(id)s::bigint)
  AND (%(ids)s::bigint[] IS NULL OR c.id = ANY(%(ids)s::bigint[]))
