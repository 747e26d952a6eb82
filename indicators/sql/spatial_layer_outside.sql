-- Whether any staged feature touches the service's area (its regions, buffered): a layer none of
-- whose features does lies elsewhere — most often a file whose CRS is not what it says. NULL when
-- there are no regions yet (nothing to compare with).
WITH extent AS (
    SELECT ST_Expand(ST_Extent(a.geom)::geometry, %(buffer)s) AS box
    FROM quartiere_area AS a
    WHERE a.level = 1
)
SELECT CASE WHEN e.box IS NULL THEN NULL
            ELSE EXISTS (SELECT 1 FROM layer_stage AS s WHERE s.geom && ST_SetSRID(e.box, %(storage_srid)s))
       END
FROM extent AS e;
