-- Step 2: each staged feature's parent is the area one level up that it overlaps most
-- (index-assisted: only intersecting candidates are measured).
UPDATE import_stage AS s
SET parent_id = best.id, parent_share = best.share
FROM (
    SELECT DISTINCT ON (s2.ord) s2.ord, p.id,
        ST_Area(ST_Intersection(p.geom, s2.geom)) / nullif(ST_Area(s2.geom), 0) AS share
    FROM import_stage AS s2
    JOIN quartiere_area AS p ON p.level = %(parent_level)s AND ST_Intersects(p.geom, s2.geom)
    WHERE s2.problem IS NULL
    ORDER BY s2.ord, ST_Area(ST_Intersection(p.geom, s2.geom)) DESC, p.id
) AS best
WHERE best.ord = s.ord AND best.share > 0
