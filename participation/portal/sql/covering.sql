-- The ids of the consultations whose area (own polygon, or the named area) covers part of the
-- Quartier named by the one parameter: their interiors intersect (a neighbour that only shares a
-- boundary does not).
SELECT c.id
FROM participation_consultation AS c
LEFT JOIN quartiere_area AS a ON a.id = c.area_id
JOIN quartiere_area AS q ON q.id = %s
WHERE ST_Intersects(coalesce(c.geom, a.geom), q.geom)
  AND ST_Relate(coalesce(c.geom, a.geom), q.geom, 'T********')
