-- Step 4: insert or update by (level, code). Rows whose content is identical are left alone
-- (counted as unchanged).
INSERT INTO quartiere_area AS a (level, parent_id, code, name, slug, population, geom, updated_at)
SELECT %(level)s, s.parent_id, s.code, s.name, s.slug, s.population, s.geom, now()
FROM import_stage AS s
WHERE s.problem IS NULL AND (%(level)s = 1 OR s.parent_id IS NOT NULL)
ON CONFLICT (level, code) DO UPDATE
SET parent_id = EXCLUDED.parent_id, name = EXCLUDED.name, slug = EXCLUDED.slug,
    population = EXCLUDED.population, geom = EXCLUDED.geom, updated_at = now()
WHERE (a.parent_id, a.name, a.slug, a.population, ST_AsEWKB(a.geom))
      IS DISTINCT FROM (EXCLUDED.parent_id, EXCLUDED.name, EXCLUDED.slug, EXCLUDED.population, ST_AsEWKB(EXCLUDED.geom))
RETURNING a.id, (xmax = 0) AS created
