-- Shared spatial SQL functions. Installed and replaced by geo's migrations.

-- A bbox given by a client, as a polygon in the storage CRS, ready for an index-assisted
-- ST_Intersects. It is first clipped to a generous box around Europe (no area of the service lies
-- outside it), so that world-wide client requests transform without PROJ failures; edges are
-- densified so that the box keeps its shape in the storage CRS. Empty when nothing is left.
CREATE OR REPLACE FUNCTION qa_bbox_in_storage(
    minx double precision, miny double precision, maxx double precision, maxy double precision,
    bbox_srid integer, storage_srid integer
) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN ST_IsEmpty(clipped) THEN ST_SetSRID('POLYGON EMPTY'::geometry, storage_srid)
        ELSE ST_Transform(
            ST_Segmentize(clipped, greatest(maxx - minx, maxy - miny, 1e-9) / 32), storage_srid)
    END
    FROM (
        SELECT ST_Intersection(
            ST_MakeEnvelope(minx, miny, maxx, maxy, bbox_srid),
            ST_Transform(ST_MakeEnvelope(-20, 30, 40, 75, 4326), bbox_srid)
        ) AS clipped
    ) AS c
$$;
