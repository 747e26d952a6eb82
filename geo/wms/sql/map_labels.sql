-- The labels of one layer of a GetMap: a point inside each feature that has room for its label
-- (lines and points always; polygons from a minimum area in pixels), transformed by PostGIS. Drawn
-- after every layer's geometry, so that no layer covers another's labels. Python inserts the
-- layer's registered source, the label column and numbers; Mapnik replaces the !…! tokens.
(
SELECT src.id,
       ST_Transform(ST_PointOnSurface(src.geom), {srid}) AS geom,
       src."{label}"::text AS qa_label
FROM ({source}) AS src
WHERE src.geom && {bbox}
  AND src."{label}" IS NOT NULL
  AND (ST_Dimension(src.geom) < 2 OR ST_Area(src.geom) >= {min_area})
) AS wms_labels
