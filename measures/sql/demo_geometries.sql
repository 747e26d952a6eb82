-- The demo measures' GeoJSON geometries (RFC 7946, EPSG:4326) in the storage CRS, all in one
-- statement, with what a fixture must satisfy: valid, and covered by the measure's owner (its city,
-- or the region for a regional measure).
-- %(features)s is a JSON array of {"geometry": <GeoJSON geometry>, "city": <code of the owner: the
-- AGS of the city or the region's code>}.
SELECT t.ord::int AS ord,
       ST_AsEWKB(g.geom) AS ewkb,
       CASE WHEN NOT ST_IsValid(s.src) THEN ST_IsValidReason(s.src) END AS invalid,
       coalesce(ST_CoveredBy(g.geom, c.geom), false) AS in_city
FROM jsonb_array_elements(%(features)s::jsonb) WITH ORDINALITY AS t (doc, ord)
CROSS JOIN LATERAL (
    SELECT ST_SetSRID(ST_GeomFromGeoJSON(t.doc -> 'geometry'), %(source_srid)s) AS src
) AS s
CROSS JOIN LATERAL (SELECT ST_Transform(s.src, %(storage_srid)s) AS geom) AS g
LEFT JOIN quartiere_area AS c ON c.level IN (%(region_level)s, %(city_level)s) AND c.code = t.doc ->> 'city'
ORDER BY t.ord
