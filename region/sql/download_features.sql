-- The municipalities of a region as GeoJSON features for the download (EPSG:4326, 6 decimals: the
-- official outline as stored, ≈0.1 m), with the numbers of sql/summary.sql (composed in below) in the
-- order asked for ({order}: from region.summary's fixed table of sort keys). One statement.
WITH s AS (
{core}
)
SELECT coalesce(string_agg(json_build_object(
           'type', 'Feature',
           'id', s.id,
           'geometry', ST_AsGeoJSON(ST_Transform(a.geom, 4326), 6)::json,
           'properties', to_jsonb(s) - 'first_year' - 'last_year'
       )::text, ',' ORDER BY {order}), '') AS features
FROM s
JOIN quartiere_area AS a ON a.id = s.id
