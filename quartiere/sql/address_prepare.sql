-- Step 1 of an address import: the staged rows' points in the storage CRS, the ref of rows without
-- an id column (the address itself), what is wrong with each row, and the city containing each point.
UPDATE address_stage AS s
SET geom = CASE
        WHEN s.x IS NOT NULL THEN ST_SetSRID(ST_MakePoint(s.x, s.y), %(source_srid)s)
        WHEN s.src IS NOT NULL THEN ST_SetSRID(ST_Force2D(ST_GeomFromWKB(decode(s.src, 'hex'))), %(source_srid)s)
    END,
    ref = CASE WHEN s.ref = '' THEN qa_place_key(s.street || ' ' || s.number || ' ' || s.postcode || ' ' || s.place)
               ELSE s.ref END;

-- a MultiPoint of one point (some files store every point so) is that point
UPDATE address_stage AS s SET geom = ST_GeometryN(s.geom, 1)
WHERE GeometryType(s.geom) = 'MULTIPOINT' AND ST_NumGeometries(s.geom) = 1;

UPDATE address_stage AS s
SET problem = CASE
        WHEN GeometryType(s.geom) <> 'POINT' THEN 'not a point but a ' || GeometryType(s.geom)
        WHEN %(geographic)s AND (abs(ST_X(s.geom)) > 180 OR abs(ST_Y(s.geom)) > 90)
            THEN 'coordinates out of range'
    END
WHERE s.problem IS NULL AND s.geom IS NOT NULL;

UPDATE address_stage AS s SET geom = ST_Transform(s.geom, %(storage_srid)s) WHERE s.problem IS NULL;

UPDATE address_stage AS s SET problem = 'the same address or id occurs more than once in the file'
FROM (SELECT ref FROM address_stage GROUP BY ref HAVING count(*) > 1) AS twice
WHERE s.ref = twice.ref AND s.problem IS NULL;

UPDATE address_stage AS s
SET city_id = (SELECT c.id FROM quartiere_area AS c
               WHERE c.level = 2 AND ST_Intersects(c.geom, s.geom) ORDER BY c.id LIMIT 1)
WHERE s.problem IS NULL;

UPDATE address_stage AS s SET problem = 'lies in no city'
WHERE s.problem IS NULL AND s.city_id IS NULL;
