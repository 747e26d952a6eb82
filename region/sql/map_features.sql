-- The municipalities of a region for the page's map: the outline simplified to 20 m (EPSG:25832) and
-- sent in EPSG:4326 with 5 decimals (≈1 m), with the numbers of sql/summary.sql (composed in below)
-- as properties. One statement; the features (comma-joined GeoJSON text) are built by PostGIS.
WITH s AS (
{core}
)
SELECT coalesce(string_agg(json_build_object(
           'type', 'Feature',
           'id', s.id,
           'geometry', ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(a.geom, 20), 4326), 5)::json,
           'properties', to_jsonb(s) - 'first_year' - 'last_year' - 'indicators' - 'budget_by_year'
       )::text, ',' ORDER BY s.name, s.id), '') AS features
FROM s
JOIN quartiere_area AS a ON a.id = s.id
