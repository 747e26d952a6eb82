-- Step 1 of a layer import (indicators/layer_import.py): transform the staged features from the
-- source CRS into EPSG:25832 (2D) and name what is wrong with each (NULL when nothing is). With
-- make_valid, invalid geometry is repaired by ST_MakeValid, keeping the parts of its own dimension.
UPDATE layer_stage AS s
SET geom = CASE
        WHEN s.src IS NULL OR ST_IsEmpty(s.src) THEN NULL
        ELSE ST_Transform(ST_SetSRID(ST_Force2D(s.src), %(source_srid)s), %(storage_srid)s)
    END;

UPDATE layer_stage AS s
SET problem = CASE
        WHEN s.geom IS NULL THEN 'empty or missing geometry'
        WHEN NOT (ST_XMin(s.geom) > -1e9 AND ST_XMax(s.geom) < 1e9
                  AND ST_YMin(s.geom) > -1e9 AND ST_YMax(s.geom) < 1e9)
            THEN 'coordinates out of range for the CRS'
        WHEN NOT ST_IsValid(s.geom) THEN ST_IsValidReason(s.geom)
    END;

UPDATE layer_stage AS s
SET geom = ST_CollectionExtract(ST_MakeValid(s.geom), ST_Dimension(s.geom) + 1), repaired = true
WHERE %(make_valid)s AND s.problem IS NOT NULL AND s.geom IS NOT NULL
  AND s.problem <> 'coordinates out of range for the CRS';

UPDATE layer_stage AS s
SET problem = CASE WHEN ST_IsEmpty(s.geom) OR NOT ST_IsValid(s.geom)
                   THEN 'nothing valid left after repair: ' || s.problem END
WHERE s.repaired;
