-- The tiling as areas: one region, a city per block of cells, the cells as Quartiere. A city's outline
-- is made of the edges between its cells and other cells (or none), the region's of the edges with a
-- cell on one side only: both are exactly the union of their Quartiere, without a costly ST_Union.
-- The region's straight outline is simplified to its corners. Ids are explicit: region 1, cities 2 …,
-- then the Quartiere in cell order.
DROP TABLE IF EXISTS pg_temp.bench_city;
CREATE TEMP TABLE bench_city ON COMMIT DROP AS
SELECT o.block, row_number() OVER (ORDER BY o.block) AS no, p.population, o.geom
FROM (
    SELECT block, ST_Multi(ST_ForcePolygonCCW(ST_BuildArea(ST_Collect(geom)))) AS geom
    FROM (
        SELECT block_a AS block, geom FROM bench_edge
        WHERE block_a IS NOT NULL AND block_a IS DISTINCT FROM block_b
        UNION ALL
        SELECT block_b, geom FROM bench_edge
        WHERE block_b IS NOT NULL AND block_a IS DISTINCT FROM block_b
    ) AS outline
    GROUP BY block
) AS o
JOIN (SELECT block, sum(population) AS population FROM bench_cell GROUP BY block) AS p USING (block);

INSERT INTO quartiere_area (id, level, parent_id, code, name, slug, population, geom, updated_at)
SELECT 1, 1, NULL, 'BENCH', 'Bench-Region', 'bench-region', (SELECT sum(population) FROM bench_city),
    ST_Multi(ST_ForcePolygonCCW(ST_Simplify(ST_BuildArea(ST_Collect(geom)), 0.01))), now()
FROM bench_edge
WHERE block_a IS NULL OR block_b IS NULL;

INSERT INTO quartiere_area (id, level, parent_id, code, name, slug, population, geom, updated_at)
SELECT 1 + no, 2, 1, lpad(no::text, 8, '0'), 'Stadt ' || no, 'stadt-' || no, population, geom, now()
FROM bench_city;

INSERT INTO quartiere_area (id, level, parent_id, code, name, slug, population, geom, updated_at)
SELECT (SELECT count(*) FROM bench_city) + 2 + cell.c, 3, 1 + city.no, 'Q' || lpad(cell.c::text, 7, '0'),
    'Quartier ' || cell.c, 'quartier-' || cell.c, cell.population, cell.geom, now()
FROM bench_cell AS cell
JOIN bench_city AS city USING (block)
ORDER BY cell.c;

SELECT setval(pg_get_serial_sequence('quartiere_area', 'id'), (SELECT max(id) FROM quartiere_area));
