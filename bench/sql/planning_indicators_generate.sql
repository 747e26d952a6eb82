-- Synthetic indicators for bench/planning.py's priority index: %(indicators)s indicators (dimensions and
-- directions in turn) with a value for every Quartier and each year %(first_year)s–%(last_year)s
-- (at 10k Quartiere, 12 indicators and 6 years: 720k values), except the last indicator's last year for
-- every 200th Quartier (missing values, marked by the index); and a default weighting per city choosing
-- every indicator (weights 1–3). Set-based; deterministic: values are hashes of their keys.
DELETE FROM planning_weighting WHERE city_id IN (SELECT id FROM quartiere_area WHERE level = 2);
DELETE FROM indicators_indicator WHERE left(key, 10) = 'bench_ind_';

INSERT INTO indicators_indicator (key, name_de, name_en, unit, dimension, direction, description, source,
    licence, illustrative, created_at, updated_at)
SELECT 'bench_ind_' || lpad(i::text, 2, '0'), 'Bench-Indikator ' || i, 'Bench indicator ' || i, '%%',
    (ARRAY['just', 'green', 'productive'])[1 + i %% 3],
    CASE WHEN i %% 2 = 0 THEN 'more_need' ELSE 'less_need' END, '', 'bench', '', true, now(), now()
FROM generate_series(1, %(indicators)s) AS i;

INSERT INTO indicators_indicatorvalue (indicator_id, area_id, year, value, quality, note, updated_at)
SELECT i.id, a.id, y, (abs(hashtext(i.key || ':' || a.id || ':' || y)) %% 10000) / 100.0, 'measured', '', now()
FROM indicators_indicator AS i
CROSS JOIN quartiere_area AS a
CROSS JOIN generate_series(%(first_year)s, %(last_year)s) AS y
WHERE left(i.key, 10) = 'bench_ind_' AND a.level = 3
  AND NOT (i.key = 'bench_ind_' || lpad(%(indicators)s::text, 2, '0') AND y = %(last_year)s AND a.id %% 200 = 0);

INSERT INTO planning_weighting (city_id, name, slug, description, is_default, w_indicators, w_demand,
    w_supply, w_coverage, category_weights, created_at, updated_at)
SELECT c.id, 'Bench', 'bench', '', true, 1, 0.5, 0.3, 0.2, '{}'::jsonb, now(), now()
FROM quartiere_area AS c WHERE c.level = 2;

INSERT INTO planning_weightingindicator (weighting_id, indicator_id, weight)
SELECT w.id, i.id, 1 + i.id %% 3
FROM planning_weighting AS w
CROSS JOIN indicators_indicator AS i
WHERE w.slug = 'bench' AND left(i.key, 10) = 'bench_ind_';
