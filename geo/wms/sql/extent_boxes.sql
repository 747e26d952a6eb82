-- A box in the storage CRS (minx, miny, maxx, maxy), as boxes in each of the given CRSs (x/y order).
-- Edges are densified, so that each result encloses the curved image of the box.
SELECT s.srid, ST_XMin(b.box), ST_YMin(b.box), ST_XMax(b.box), ST_YMax(b.box)
FROM unnest(%(srids)s::integer[]) AS s(srid)
CROSS JOIN LATERAL (
    SELECT ST_Transform(
        ST_Segmentize(ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, %(storage)s), %(step)s),
        s.srid)::box2d AS box
) AS b
