-- One area's bounding box in %(out_srid)s (EPSG:4326 for a web map): the box of the transformed
-- geometry, not the transformed corners of the stored box (a projected rectangle's edges are not
-- straight in lon/lat). Rounded to %(precision)s decimals; no row when there is no such area.
SELECT round(ST_XMin(b)::numeric, %(precision)s)::float8,
       round(ST_YMin(b)::numeric, %(precision)s)::float8,
       round(ST_XMax(b)::numeric, %(precision)s)::float8,
       round(ST_YMax(b)::numeric, %(precision)s)::float8
FROM (SELECT ST_Transform(geom, %(out_srid)s)::box2d AS b FROM quartiere_area WHERE id = %(id)s) AS a
