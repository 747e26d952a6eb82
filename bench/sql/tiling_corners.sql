-- Corners of a jittered grid of w × h cells (cell c at column c mod w, row c / w; the last row may be
-- partial), in EPSG:25832 metres. A corner moves (pseudo-randomly, by its lattice position) only when
-- all four cells around it exist, so the tiling's outline stays axis-parallel and straight.
DROP TABLE IF EXISTS pg_temp.bench_corner;
CREATE TEMP TABLE bench_corner ON COMMIT DROP AS
SELECT i, j,
    %(x0)s::float8 + i * %(s)s::float8
        + CASE WHEN inner_corner THEN (ux - 0.5) * 2 * %(jitter)s::float8 * %(s)s::float8 ELSE 0 END AS x,
    %(y0)s::float8 + j * %(s)s::float8
        + CASE WHEN inner_corner THEN (uy - 0.5) * 2 * %(jitter)s::float8 * %(s)s::float8 ELSE 0 END AS y
FROM generate_series(0, %(w)s::int) AS i
CROSS JOIN generate_series(0, %(h)s::int) AS j
CROSS JOIN LATERAL (
    SELECT
        -- cells (i-1, j-1), (i, j-1), (i-1, j) exist whenever (i, j) does and i, j >= 1
        i >= 1 AND j >= 1 AND i < %(w)s::int AND j::bigint * %(w)s::int + i < %(n)s::bigint AS inner_corner,
        (hashint8((i::bigint * 100003 + j) * 8 + 1)::float8 + 2147483648) / 4294967296 AS ux,
        (hashint8((i::bigint * 100003 + j) * 8 + 2)::float8 + 2147483648) / 4294967296 AS uy
) AS u;
CREATE INDEX ON bench_corner (i, j);
ANALYZE bench_corner;
