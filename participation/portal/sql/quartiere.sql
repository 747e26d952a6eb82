-- The Quartiere (level 3) of each consultation's city that its area covers part of (interiors
-- intersect), for the consultations %(ids)s; one row per consultation and Quartier, by name.
SELECT c.id, q.id, q.name, q.slug
FROM participation_consultation AS c
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
JOIN quartiere_area AS q ON q.parent_id = c.city_id AND q.level = 3
WHERE c.id = ANY(%(ids)s::bigint[])
  AND ST_Intersects(coalesce(c.geom, a.geom), q.geom)
  AND ST_Relate(coalesce(c.geom, a.geom), q.geom, 'T********')
ORDER BY c.id, q.name, q.id
