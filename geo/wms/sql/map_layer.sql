-- One layer of a GetMap, as the table of Mapnik's postgis datasource. Python inserts the layer's
-- registered source and integers; Mapnik replaces !bbox! (the map's buffered extent in the
-- request CRS) and !pixel_width! (map units per pixel) on every render. The bbox filter runs in the
-- storage CRS so that the spatial index is used (the request's bbox as it is when the request is
-- in the storage CRS, else qa_bbox_in_storage); the geometry is generalised to half a pixel and
-- transformed by PostGIS, so that Mapnik never reprojects; a layer with a source_3857 is read from it in
-- EPSG:3857, filtered by !bbox! itself and not transformed. Comment lines are stripped before use.
(
SELECT src.id,
       {geometry} AS geom,
       {columns}
FROM ({source}) AS src
WHERE src.geom && {bbox}
) AS wms
