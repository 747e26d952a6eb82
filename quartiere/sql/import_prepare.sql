-- Step 1 of an area import: transform the staged features into the storage CRS and name what
-- is wrong with each (NULL when nothing is). With make_valid, invalid polygons are repaired.
UPDATE import_stage AS s
SET geom = CASE
        WHEN s.src IS NULL OR ST_IsEmpty(s.src) THEN NULL
        ELSE ST_Transform(ST_SetSRID(s.src, %(source_srid)s), %(storage_srid)s)
    END;

UPDATE import_stage AS s
SET problem = CASE
        WHEN s.geom IS NULL THEN 'empty or missing geometry'
        WHEN GeometryType(s.geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
            THEN 'not a polygon but a ' || GeometryType(s.geom)
        WHEN NOT ST_IsValid(s.geom) THEN ST_IsValidReason(s.geom)
    END;

UPDATE import_stage AS s
SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(s.geom), 3)), repaired = true
WHERE %(make_valid)s AND s.problem IS NOT NULL AND s.geom IS NOT NULL
  AND GeometryType(s.geom) IN ('POLYGON', 'MULTIPOLYGON');

UPDATE import_stage AS s
SET problem = CASE WHEN ST_IsEmpty(s.geom) OR NOT ST_IsValid(s.geom)
                   THEN 'nothing valid left after repair: ' || s.problem END
WHERE s.repaired;

UPDATE import_stage AS s SET geom = ST_Multi(s.geom) WHERE s.problem IS NULL;
