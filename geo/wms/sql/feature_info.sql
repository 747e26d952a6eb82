-- GetFeatureInfo: the features of one layer within a few pixels of the clicked point, nearest first
-- (a polygon containing the point is at distance 0). The search box is given in the request CRS and
-- turned into a storage-CRS polygon (index). Python inserts the layer's registered source and its
-- queryable columns; everything else is bound.
SELECT src.id, {columns},
       ST_AsGeoJSON(ST_Transform(src.geom, 4326), 7) AS geometry
FROM ({source}) AS src,
     (SELECT qa_bbox_in_storage(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(srid)s, %(storage)s) AS box) AS q
WHERE ST_Intersects(src.geom, q.box)
ORDER BY ST_Distance(src.geom, ST_Centroid(q.box)), src.id
LIMIT %(limit)s
