-- The service's extent in EPSG:4326 (west, south, east, north): the regions' bounding box, buffered
-- by %(buffer)s metres, as geo/sql/validate_geometry.sql checks geometry from outside. NULLs without regions.
SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
FROM (SELECT ST_Transform(ST_Segmentize(ST_Expand(ST_SetSRID(ST_Extent(geom)::geometry, %(storage_srid)s), %(buffer)s), 1000), 4326)::box2d AS b
      FROM quartiere_area WHERE level = 1) AS e
