-- Validity and extent of one geometry from outside, in one statement (see geo.validation).
-- The geometry comes as GeoJSON rebuilt by geo.validation from checked coordinates only (no "crs"
-- member reaches PostGIS) or as hex EWKB from GEOS; the SRID is an integer from the allow-list.
-- The extent is the bounding box of the regions, buffered by EXTENT_BUFFER_M metres, and the
-- geometry must come within that distance of a region. Nothing is transformed before it is known to
-- lie in that box, so PROJ never sees wild coordinates.
WITH input AS (
    SELECT ST_Force2D(ST_SetSRID(
        coalesce(ST_GeomFromGeoJSON(%(geojson)s::text), ST_GeomFromEWKB(decode(%(ewkb)s::text, 'hex'))),
        %(srid)s)) AS src
),
extent AS (
    SELECT ST_Expand(ST_SetSRID(ST_Extent(r.geom)::geometry, %(storage_srid)s), %(buffer)s) AS box
    FROM quartiere_area AS r
    WHERE r.level = 1
),
checked AS (
    SELECT i.src, e.box,
        CASE WHEN NOT ST_IsValid(i.src) THEN ST_IsValidReason(i.src) END AS src_invalid,
        CASE WHEN NOT ST_IsValid(i.src) THEN NULL
             WHEN NOT %(check_extent)s THEN true
             WHEN e.box IS NOT NULL
             THEN ST_CoveredBy(i.src, ST_Transform(ST_Segmentize(e.box, 1000), %(srid)s)) END AS in_box
    FROM input AS i, extent AS e
),
stored AS (
    SELECT c.*, CASE WHEN c.in_box THEN ST_Transform(c.src, %(storage_srid)s) END AS geom
    FROM checked AS c
)
SELECT
    s.src_invalid,
    s.box IS NOT NULL OR NOT %(check_extent)s AS has_extent,
    s.geom IS NOT NULL AND (NOT %(check_extent)s OR EXISTS (
        SELECT 1 FROM quartiere_area AS r WHERE r.level = 1 AND ST_DWithin(r.geom, s.geom, %(buffer)s)
    )) AS inside,
    CASE WHEN s.geom IS NOT NULL AND NOT ST_IsValid(s.geom) THEN ST_IsValidReason(s.geom) END AS stored_invalid,
    ST_AsEWKB(s.geom) AS ewkb
FROM stored AS s
