-- Step 2 of an XPlanGML import: insert the staged plans or update the stored ones with the same
-- (city, kind, number) where anything about them differs. Returns (id, created) of the rows written;
-- a staged plan equal to its stored row is not returned (unchanged).
INSERT INTO plans_developmentplan AS p (
    city_id, kind, name, number, legal_status, legal_status_label, status_group, preparation_date,
    in_force_date, geom, gml_id, municipalities, xplan_version, source_file, imported_at, updated_at
)
SELECT s.city_id, s.kind, s.name, s.number, s.legal_status, s.legal_status_label, s.status_group,
       s.preparation_date, s.in_force_date, ST_SetSRID(s.geom, %(storage_srid)s), s.gml_id, s.municipalities,
       s.version, s.source_file, clock_timestamp(), clock_timestamp()
FROM plan_stage AS s
ORDER BY s.ord
ON CONFLICT (city_id, kind, number) DO UPDATE
SET name = EXCLUDED.name, legal_status = EXCLUDED.legal_status,
    legal_status_label = EXCLUDED.legal_status_label, status_group = EXCLUDED.status_group,
    preparation_date = EXCLUDED.preparation_date, in_force_date = EXCLUDED.in_force_date,
    geom = EXCLUDED.geom, gml_id = EXCLUDED.gml_id, municipalities = EXCLUDED.municipalities,
    xplan_version = EXCLUDED.xplan_version,
    source_file = EXCLUDED.source_file, updated_at = EXCLUDED.updated_at
WHERE (p.name, p.legal_status, p.preparation_date, p.in_force_date, p.geom, p.gml_id, p.municipalities,
       p.xplan_version)
    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.legal_status, EXCLUDED.preparation_date,
                      EXCLUDED.in_force_date, EXCLUDED.geom, EXCLUDED.gml_id, EXCLUDED.municipalities,
                      EXCLUDED.xplan_version)
RETURNING p.id, (p.xmax = 0) AS created
