-- Children whose area outside their parent exceeds the tolerance (a share of the child's area).
SELECT c.id, c.code, c.name, p.code AS parent_code, p.name AS parent_name,
       1 - ST_Area(ST_Intersection(c.geom, p.geom)) / nullif(ST_Area(c.geom), 0) AS outside_share
FROM quartiere_area AS c
JOIN quartiere_area AS p ON p.id = c.parent_id
WHERE NOT ST_Covers(p.geom, c.geom)
  AND 1 - ST_Area(ST_Intersection(c.geom, p.geom)) / nullif(ST_Area(c.geom), 0) > %(tolerance)s
ORDER BY outside_share DESC, c.code
