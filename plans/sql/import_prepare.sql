-- Step 1 of an XPlanGML import (plans/services.py): transform each staged plan's area from its CRS
-- into EPSG:25832 (2D, arcs stroked), name what is wrong with it, and find its city: the one given
-- (%(city_id)s), else the cities with the plan's AGS, else the city holding the largest part of it.
-- Several statements; values are bound parameters.
UPDATE plan_stage AS s
SET geom = CASE
        WHEN s.src IS NULL OR ST_IsEmpty(s.src) THEN NULL
        ELSE ST_Transform(ST_SetSRID(ST_Force2D(ST_CurveToLine(s.src)), s.srid), %(storage_srid)s)
    END;

UPDATE plan_stage AS s
SET problem = CASE
        WHEN s.geom IS NULL OR ST_IsEmpty(s.geom) THEN 'has no raeumlicherGeltungsbereich (the plan''s area)'
        WHEN GeometryType(s.geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
            THEN 'raeumlicherGeltungsbereich is not a surface but a ' || GeometryType(s.geom)
        WHEN NOT (ST_XMin(s.geom) > -1e7 AND ST_XMax(s.geom) < 1e7
                  AND ST_YMin(s.geom) > -1e8 AND ST_YMax(s.geom) < 1e8)
            THEN 'coordinates out of range for EPSG:' || s.srid
        WHEN NOT ST_IsValid(s.geom) THEN 'invalid geometry: ' || ST_IsValidReason(s.geom)
        WHEN ST_Area(s.geom) <= 0 THEN 'the area is zero'
    END;

UPDATE plan_stage AS s SET geom = ST_Multi(s.geom) WHERE s.problem IS NULL;

-- the city: given, by AGS, or by the largest part (the index finds the candidates). A plan has a row
-- for each AGS it names (plan_ord: the plan, part: the AGS's place); an AGS that is no city of the
-- service is dropped while another of the plan's is one; with none, the first row falls back to the
-- largest part.
UPDATE plan_stage AS s
SET city_id = coalesce(
        %(city_id)s::bigint,
        (SELECT a.id FROM quartiere_area AS a WHERE a.level = 2 AND a.code = s.ags)
    )
WHERE s.problem IS NULL;

DELETE FROM plan_stage AS s
WHERE s.city_id IS NULL
  AND (EXISTS (SELECT 1 FROM plan_stage AS o WHERE o.plan_ord = s.plan_ord AND o.city_id IS NOT NULL)
       OR EXISTS (SELECT 1 FROM plan_stage AS o WHERE o.plan_ord = s.plan_ord AND o.part < s.part));

UPDATE plan_stage AS s
SET city_id = (SELECT a.id FROM quartiere_area AS a
               WHERE a.level = 2 AND ST_Intersects(a.geom, s.geom)
               ORDER BY ST_Area(ST_Intersection(a.geom, s.geom)) DESC, a.id
               LIMIT 1)
WHERE s.problem IS NULL AND s.city_id IS NULL;

-- a joint plan (it names several municipalities): each city's row holds the plan's part in the city
UPDATE plan_stage AS s
SET geom = ST_Multi(ST_CollectionExtract(ST_Intersection(s.geom, c.geom), 3))
FROM quartiere_area AS c
WHERE s.problem IS NULL AND s.joint AND c.id = s.city_id;

UPDATE plan_stage AS s
SET problem = CASE
        WHEN s.city_id IS NULL THEN 'lies in no city of the service'
        ELSE 'lies outside its city ' || a.name || ' (AGS ' || a.code || ')'
    END
FROM (SELECT s2.ord, c.name, c.code, c.geom
      FROM plan_stage AS s2 LEFT JOIN quartiere_area AS c ON c.id = s2.city_id
      WHERE s2.problem IS NULL) AS a
WHERE a.ord = s.ord
  AND (a.geom IS NULL OR ST_IsEmpty(s.geom) OR ST_Area(s.geom) <= 0 OR NOT ST_Intersects(a.geom, s.geom));

-- the same plan twice in one run (same city, kind and number)
UPDATE plan_stage AS s
SET problem = 'the number ' || s.number || ' occurs more than once for this city and kind'
FROM (SELECT city_id, kind, number FROM plan_stage WHERE problem IS NULL
      GROUP BY city_id, kind, number HAVING count(*) > 1) AS d
WHERE s.problem IS NULL AND d.city_id = s.city_id AND d.kind = s.kind AND d.number = s.number;
