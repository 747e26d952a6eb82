-- Synthetic data for bench/planning.py over the tiled Quartiere of bench.synth, set-based
-- (generate_series, no loops): one consultation per city; %(per_quartier)s contributions per Quartier
-- at random points inside it (85 per cent published, four categories), linked directly to their
-- Quartier and city (a point lies in the cell it was generated in: share 1); %(measures)s measures
-- at random Quartiere (half points, half squares of 60–300 m, 90 per cent published, one or two
-- dimensions) with two budget lines each (linked afterwards by the real linking service); and a focus
-- area (a 400 m octagon) in every tenth Quartier. Deterministic: random numbers are hashes of row numbers.
TRUNCATE participation_consultation, measures_measure, planning_focusarea RESTART IDENTITY CASCADE;

DROP TABLE IF EXISTS pg_temp.bench_q;
CREATE TEMP TABLE bench_q ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY a.id) - 1 AS k, a.id, a.parent_id AS city_id, a.geom
FROM quartiere_area AS a WHERE a.level = 3;
CREATE INDEX ON bench_q (k);

INSERT INTO participation_consultation (title, slug, description, city_id, area_id, opens_at, closes_at,
    categories, moderation, allow_anonymous, generalise_m, created_at, themes, target_groups, pins)
SELECT 'Bench ' || c.name, 'bench-' || c.slug, '', c.id, c.id, now() - interval '30 days',
    now() + interval '300 days', ARRAY['idea', 'problem', 'praise', 'question'], 'pre', true, 0, now(),
    ARRAY[]::varchar[], ARRAY[]::varchar[], true
FROM quartiere_area AS c WHERE c.level = 2;

DROP TABLE IF EXISTS pg_temp.bench_c;
CREATE TEMP TABLE bench_c ON COMMIT DROP AS
SELECT row_number() OVER () AS n, p.*
FROM (
    SELECT q.id AS quartier_id, q.city_id, (ST_Dump(ST_GeneratePoints(q.geom, %(per_quartier)s, 20210126))).geom AS geom
    FROM bench_q AS q
) AS p;

INSERT INTO participation_contribution (id, geom, text, category, origin, pseudonym, email, status, reject_reason,
    version, delete_token_hash, created_at, updated_at, city_id, consultation_id)
SELECT c.n, c.geom, 'Bench-Beitrag ' || c.n,
    (ARRAY['idea', 'problem', 'praise', 'question'])[1 + abs(hashint4(c.n::int)) %% 4],
    'civil_society', '', '', CASE WHEN abs(hashint4(c.n::int + 7)) %% 100 < 85 THEN 'published' ELSE 'pending' END,
    '', 1, '', now(), now(), c.city_id, k.id
FROM bench_c AS c
JOIN participation_consultation AS k ON k.city_id = c.city_id;
SELECT setval(pg_get_serial_sequence('participation_contribution', 'id'), (SELECT max(n) FROM bench_c));

INSERT INTO participation_contributionarea (contribution_id, area_id, level, share, kind)
SELECT c.n, c.quartier_id, 3, 1.0, 'geometry' FROM bench_c AS c
UNION ALL
SELECT c.n, c.city_id, 2, 1.0, 'geometry' FROM bench_c AS c;

INSERT INTO measures_measure (title, description, rationale, tags, status, responsible_unit, principles,
    dimensions, geom, published, version, created_at, updated_at, city_id)
SELECT 'Bench-Maßnahme ' || m.i, '', '', ARRAY[]::varchar[], 'planned', '', ARRAY[]::varchar[],
    CASE abs(hashint4(m.i + 3)) %% 5
        WHEN 0 THEN ARRAY['just'] WHEN 1 THEN ARRAY['green'] WHEN 2 THEN ARRAY['productive']
        WHEN 3 THEN ARRAY['green', 'just'] ELSE ARRAY['green', 'productive'] END::varchar[],
    CASE WHEN m.i %% 2 = 0 THEN p.geom
         ELSE ST_Expand(p.geom, 30 + abs(hashint4(m.i + 5)) %% 120) END,
    abs(hashint4(m.i + 11)) %% 10 <> 0, 1, now(), now(), q.city_id
FROM generate_series(1, %(measures)s) AS m (i)
JOIN bench_q AS q ON q.k = abs(hashint4(m.i)) %% (SELECT count(*) FROM bench_q)
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(q.geom) AS geom) AS p;

INSERT INTO measures_budgetline (measure_id, fiscal_year, amount, kind, funding, status, note, version)
SELECT m.id, 2023 + y, 10000 + abs(hashint4(m.id::int * 3 + y)) %% 500000, 
    (ARRAY['investment', 'maintenance', 'operating'])[1 + (m.id + y) %% 3],
    (ARRAY['own', 'grant', 'complementary'])[1 + (m.id + 2 * y) %% 3], 'planned', '', 1
FROM measures_measure AS m CROSS JOIN generate_series(0, 1) AS y;

INSERT INTO planning_focusarea (name, rationale, priority, dimensions, time_horizon, geom, published, version,
    created_at, updated_at, city_id)
SELECT 'Bench-Fokusgebiet ' || q.k, '', 'medium',
    CASE q.k %% 3 WHEN 0 THEN ARRAY['green'] WHEN 1 THEN ARRAY['just'] ELSE ARRAY['green', 'productive'] END::varchar[],
    'medium',
    ST_Multi(ST_Buffer(ST_PointOnSurface(q.geom), 400, 2)), true, 1, now(), now(), q.city_id
FROM bench_q AS q WHERE q.k %% 10 = 0;
