-- The edges of the tiling, each computed once: m + 1 vertices from corner to corner (left → right,
-- bottom → top). An edge between two cells wiggles its intermediate vertices across itself; an edge
-- on the outline stays straight. block_a/block_b: the city blocks of the cells below/left and
-- above/right (NULL where there is no cell).
DROP TABLE IF EXISTS pg_temp.bench_edge;
CREATE TEMP TABLE bench_edge ON COMMIT DROP AS
WITH candidate AS (
    -- horizontal: corner (i, j) → (i+1, j), between cells (i, j-1) and (i, j)
    SELECT true AS horizontal, i, j, i AS ai, j - 1 AS aj, i AS bi, j AS bj, i + 1 AS ei, j AS ej
    FROM generate_series(0, %(w)s::int - 1) AS i CROSS JOIN generate_series(0, %(h)s::int) AS j
    UNION ALL
    -- vertical: corner (i, j) → (i, j+1), between cells (i-1, j) and (i, j)
    SELECT false, i, j, i - 1, j, i, j, i, j + 1
    FROM generate_series(0, %(w)s::int) AS i CROSS JOIN generate_series(0, %(h)s::int - 1) AS j
),
flagged AS (
    SELECT candidate.*,
        ai >= 0 AND ai < %(w)s::int AND aj >= 0 AND aj::bigint * %(w)s::int + ai < %(n)s::bigint AS a_exists,
        bi >= 0 AND bi < %(w)s::int AND bj >= 0 AND bj::bigint * %(w)s::int + bi < %(n)s::bigint AS b_exists
    FROM candidate
)
SELECT f.horizontal, f.i, f.j,
    CASE WHEN f.a_exists THEN (f.aj / %(block_rows)s::int) * %(block_columns)s::int + f.ai / %(block)s::int END
        AS block_a,
    CASE WHEN f.b_exists THEN (f.bj / %(block_rows)s::int) * %(block_columns)s::int + f.bi / %(block)s::int END
        AS block_b,
    line.geom
FROM flagged AS f
JOIN bench_corner AS a ON a.i = f.i AND a.j = f.j
JOIN bench_corner AS b ON b.i = f.ei AND b.j = f.ej
CROSS JOIN LATERAL (
    SELECT ST_SetSRID(ST_MakeLine(array_agg(ST_MakePoint(
        CASE k WHEN 0 THEN a.x WHEN %(m)s::int THEN b.x
            ELSE a.x + (b.x - a.x) * k / %(m)s::float8 + CASE WHEN f.horizontal THEN 0 ELSE off END END,
        CASE k WHEN 0 THEN a.y WHEN %(m)s::int THEN b.y
            ELSE a.y + (b.y - a.y) * k / %(m)s::float8 + CASE WHEN f.horizontal THEN off ELSE 0 END END
    ) ORDER BY k)), 25832) AS geom
    FROM generate_series(0, %(m)s::int) AS k
    CROSS JOIN LATERAL (
        SELECT CASE WHEN f.a_exists AND f.b_exists THEN
            (hashint8(((f.i::bigint * 100003 + f.j) * 2 + f.horizontal::int) * 64 + k)::float8 / 2147483648)
                * %(wiggle)s::float8 * %(s)s::float8
            ELSE 0 END AS off
    ) AS o
) AS line
WHERE f.a_exists OR f.b_exists;
CREATE INDEX ON bench_edge (horizontal, i, j);
ANALYZE bench_edge;
