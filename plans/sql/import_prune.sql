-- Step 3 of an XPlanGML import with --prune (plans/services.py): the stored plans of every (city, kind)
-- the run staged plans of whose number the run does not hold — (id, kind, number, city's AGS).
SELECT p.id, p.kind, p.number, c.code
FROM plans_developmentplan AS p
JOIN quartiere_area AS c ON c.id = p.city_id
WHERE (p.city_id, p.kind) IN (SELECT DISTINCT s.city_id, s.kind FROM plan_stage AS s)
  AND NOT EXISTS (
      SELECT 1 FROM plan_stage AS s
      WHERE s.city_id = p.city_id AND s.kind = p.kind AND s.number = p.number
  )
ORDER BY c.code, p.kind, p.number
