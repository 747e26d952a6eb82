-- Consultations as GeoJSON features: their area (own polygon, or the named area) in %(out_srid)s.
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
        'themes', to_json(c.themes), 'target_groups', to_json(c.target_groups)
    )
)::text, ',' ORDER BY c.opens_at DESC, c.id), '')
FROM participation_consultation AS c
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
WHERE (%(id)s::bigint IS NULL OR c.id = %(id)s::bigint)
