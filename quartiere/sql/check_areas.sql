-- Children that stick out of their parent: the part of the child farther than %(distance)s metres
-- outside the parent (generalisation noise of official data lies within a few metres of the line) as
-- a share of the child's area, where it exceeds %(tolerance)s. Only children not covered by their
-- parent are measured, and each parent is buffered once.
WITH candidate AS (
    SELECT c.id, c.code, c.name, c.geom, c.parent_id, ST_Area(c.geom) AS area_m2
    FROM quartiere_area AS c
    JOIN quartiere_area AS p ON p.id = c.parent_id
    WHERE NOT ST_Covers(p.geom, c.geom)
),
parent AS MATERIALIZED (
    SELECT p.id, p.code, p.name,
           CASE WHEN %(distance)s::float8 > 0 THEN ST_Buffer(p.geom, %(distance)s::float8) ELSE p.geom END AS near
    FROM quartiere_area AS p
    WHERE p.id IN (SELECT parent_id FROM candidate)
),
measured AS (
    SELECT c.id, c.code, c.name, p.code AS parent_code, p.name AS parent_name,
           ST_Area(ST_Difference(c.geom, p.near)) / nullif(c.area_m2, 0) AS outside_share
    FROM candidate AS c
    JOIN parent AS p ON p.id = c.parent_id
)
SELECT id, code, name, parent_code, parent_name, outside_share
FROM measured
WHERE outside_share > %(tolerance)s
ORDER BY outside_share DESC, code
