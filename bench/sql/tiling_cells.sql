-- The cells of the tiling as polygons, each ring made of its four edges (counter-clockwise). Neighbours
-- share their edges' vertices exactly: no gaps, no overlaps.
DROP TABLE IF EXISTS pg_temp.bench_cell;
CREATE TEMP TABLE bench_cell ON COMMIT DROP AS
WITH cell AS (
    SELECT c, mod(c, %(w)s::int) AS i, c / %(w)s::int AS j
    FROM generate_series(0, %(n)s::int - 1) AS c
)
SELECT
    cell.c,
    (cell.j / %(block_rows)s::int) * %(block_columns)s::int + cell.i / %(block)s::int AS block,
    1000 + floor(9000 * (hashint8(cell.c::bigint * 8 + 5)::float8 + 2147483648) / 4294967296)::int
        AS population,
    -- ST_MakeLine collapses the node repeated where one edge ends and the next begins
    ST_Multi(ST_MakePolygon(ST_MakeLine(ARRAY[
        bottom.geom, right_.geom, ST_Reverse(top.geom), ST_Reverse(left_.geom)
    ]))) AS geom
FROM cell
JOIN bench_edge AS bottom ON bottom.horizontal AND bottom.i = cell.i AND bottom.j = cell.j
JOIN bench_edge AS right_ ON NOT right_.horizontal AND right_.i = cell.i + 1 AND right_.j = cell.j
JOIN bench_edge AS top ON top.horizontal AND top.i = cell.i AND top.j = cell.j + 1
JOIN bench_edge AS left_ ON NOT left_.horizontal AND left_.i = cell.i AND left_.j = cell.j;
