-- Synthetic scenarios for bench/scenarios.py over the data of bench/planning.py, set-based (no loops):
-- one scenario for each of the first %(cities)s cities (budget 2024, shared), each with about 1,000
-- changes to that city's ≈900 published measures and ≈1,800 budget lines: of the published measures in
-- id order (rank r), r mod 5 = 0 dropped, = 1 postponed by 1–3 years, = 2 first line changed (amount
-- +20 %%, from grants), = 3 second line removed, r mod 10 = 4 a line added in 2026; and
-- %(proposed)s proposed measures at points in random Quartiere of the city (one or two dimensions),
-- two lines each (linked afterwards by the real quartiere.linking). Deterministic: hashes of row numbers.
TRUNCATE scenarios_scenario, scenarios_measurechange, scenarios_budgetlinechange, scenarios_proposedmeasure,
    scenarios_proposedmeasurearea, scenarios_proposedbudgetline RESTART IDENTITY CASCADE;

INSERT INTO scenarios_scenario (name, description, budget_year, state, created_at, updated_at, version, decision,
    city_id)
SELECT 'Bench-Szenario ' || c.slug, '', 2024, 'shared', now(), now(), 1, '', c.id
FROM (SELECT id, slug FROM quartiere_area WHERE level = 2 ORDER BY id LIMIT %(cities)s) AS c;

DROP TABLE IF EXISTS pg_temp.bench_sm;
CREATE TEMP TABLE bench_sm ON COMMIT DROP AS
SELECT s.id AS scenario_id, m.id AS measure_id, m.dimensions,
       row_number() OVER (PARTITION BY s.id ORDER BY m.id) AS r
FROM scenarios_scenario AS s
JOIN measures_measure AS m ON m.city_id = s.city_id AND m.published;

INSERT INTO scenarios_measurechange (scenario_id, measure_id, action, years, note, label, target_version)
SELECT x.scenario_id, x.measure_id, CASE WHEN x.r %% 5 = 0 THEN 'drop' ELSE 'postpone' END,
       CASE WHEN x.r %% 5 = 1 THEN 1 + x.r %% 3 END, '', left(m.title, 300), m.version
FROM bench_sm AS x JOIN measures_measure AS m ON m.id = x.measure_id WHERE x.r %% 5 IN (0, 1);

INSERT INTO scenarios_budgetlinechange (scenario_id, action, budget_line_id, measure_id, fiscal_year, amount, kind,
    funding, note, label, target_version)
SELECT x.scenario_id, CASE WHEN x.r %% 5 = 2 THEN 'change' ELSE 'remove' END, b.id, NULL,
       NULL, CASE WHEN x.r %% 5 = 2 THEN round(b.amount * 1.2, 2) END, '',
       CASE WHEN x.r %% 5 = 2 THEN 'grant' ELSE '' END, '', 'Bench ' || b.id, b.version
FROM bench_sm AS x
JOIN LATERAL (
    SELECT b.id, b.amount, b.version FROM measures_budgetline AS b WHERE b.measure_id = x.measure_id
    ORDER BY b.fiscal_year, b.id OFFSET CASE WHEN x.r %% 5 = 2 THEN 0 ELSE 1 END LIMIT 1
) AS b ON true
WHERE x.r %% 5 IN (2, 3);

INSERT INTO scenarios_budgetlinechange (scenario_id, action, budget_line_id, measure_id, fiscal_year, amount, kind,
    funding, note, label, target_version)
SELECT x.scenario_id, 'add', NULL, x.measure_id, 2026, 5000 + abs(hashint4(x.measure_id::int)) %% 100000,
       'maintenance', 'own', '', 'Bench ' || x.measure_id, NULL
FROM bench_sm AS x WHERE x.r %% 10 = 4;

INSERT INTO scenarios_proposedmeasure (scenario_id, title, description, dimensions, tags, geom)
SELECT s.id, 'Bench-Vorschlag ' || s.id || '-' || p.i, '',
       CASE abs(hashint4(p.i + 3)) %% 3 WHEN 0 THEN ARRAY['just'] WHEN 1 THEN ARRAY['green']
            ELSE ARRAY['green', 'productive'] END::varchar[],
       ARRAY[]::varchar[], ST_PointOnSurface(q.geom)
FROM scenarios_scenario AS s
CROSS JOIN generate_series(1, %(proposed)s) AS p (i)
CROSS JOIN LATERAL (
    SELECT a.geom FROM quartiere_area AS a
    WHERE a.level = 3 AND a.parent_id = s.city_id
    ORDER BY a.id OFFSET abs(hashint4(p.i * 7 + s.id::int)) %% 100 LIMIT 1
) AS q;

INSERT INTO scenarios_proposedbudgetline (proposed_measure_id, fiscal_year, amount, kind, funding)
SELECT p.id, 2024 + y, 20000 + abs(hashint4(p.id::int * 5 + y)) %% 400000,
       (ARRAY['investment', 'maintenance'])[1 + y],
       (ARRAY['own', 'grant', 'complementary'])[1 + (p.id + y) %% 3]
FROM scenarios_proposedmeasure AS p CROSS JOIN generate_series(0, 1) AS y;
