-- Synthetic participation for bench/participation.py over the tiled Quartiere of bench.synth, set-based
-- (no loops): one open consultation per city (its area is the city; every third one generalises
-- published locations to a 50 m grid, every third to 100 m), %(per_quartier)s contributions at random
-- points inside each Quartier (83 per cent published, 10 pending, 4 rejected, 3 hidden; four categories;
-- mostly civil society; some with pseudonym and email; texts of 40–300 characters; created over the
-- last 90 days), 0–6 supports for each published one and an official response for every twentieth.
-- The area links are made afterwards by the real linking service. Deterministic: the pseudo-random
-- numbers are hashes of row numbers (as in tiling_corners.sql).
TRUNCATE participation_consultation RESTART IDENTITY CASCADE;

INSERT INTO participation_consultation (title, slug, description, city_id, area_id, geom, opens_at, closes_at,
    categories, moderation, allow_anonymous, generalise_m, created_at, themes, target_groups, pins)
SELECT 'Bench-Beteiligung ' || c.name, 'bench-participation-' || c.id, '', c.id, c.id, NULL,
    now() - interval '120 days', now() + interval '300 days', ARRAY['idea', 'problem', 'praise', 'question'],
    'pre', true, (ARRAY[0, 50, 100])[1 + (row_number() OVER (ORDER BY c.id))::int %% 3], now(),
    ARRAY[]::varchar[], ARRAY[]::varchar[], true
FROM quartiere_area AS c
WHERE c.level = 2
ORDER BY c.id;

DROP TABLE IF EXISTS pg_temp.bench_points;
CREATE TEMP TABLE bench_points ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY q.id, p.path) AS n, q.id AS quartier_id, q.parent_id AS city_id, p.geom
FROM quartiere_area AS q
CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(q.geom, %(per_quartier)s, 20210126)) AS p
WHERE q.level = 3;

DROP TABLE IF EXISTS pg_temp.bench_draw;
CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
SELECT b.n, b.geom, b.city_id, u[1] AS status, u[2] AS category, u[3] AS origin, u[4] AS person, u[5] AS len,
    u[6] AS age, u[7] AS supports
FROM bench_points AS b
CROSS JOIN LATERAL (
    SELECT array_agg((hashint8(b.n * 16 + salt)::float8 + 2147483648) / 4294967296 ORDER BY salt) AS u
    FROM generate_series(1, 7) AS salt
) AS r;

INSERT INTO participation_contribution (id, consultation_id, city_id, geom, text, category, origin, pseudonym,
    email, status, reject_reason, version, delete_token_hash, created_at, updated_at)
SELECT d.n, k.id, d.city_id, d.geom,
    'Bench-Beitrag ' || d.n || ': ' || repeat('Mehr Bäume, Bänke und sichere Radwege hier. ', 1 + floor(d.len * 6)::int),
    (ARRAY['idea', 'problem', 'praise', 'question'])[1 + floor(d.category * 4)::int],
    CASE WHEN d.origin < 0.9 THEN 'civil_society' WHEN d.origin < 0.95 THEN 'council' ELSE 'administration' END,
    CASE WHEN d.person < 0.3 THEN 'Nachbar ' || d.n ELSE '' END,
    CASE WHEN d.person < 0.4 THEN 'bench-' || d.n || '@example.org' ELSE '' END,
    CASE WHEN d.status < 0.83 THEN 'published' WHEN d.status < 0.93 THEN 'pending'
         WHEN d.status < 0.97 THEN 'rejected' ELSE 'hidden' END,
    CASE WHEN d.status >= 0.93 AND d.status < 0.97 THEN 'Bench: nicht zum Thema' ELSE '' END,
    1, '', now() - d.age * interval '90 days', now() - d.age * interval '90 days'
FROM bench_draw AS d
JOIN participation_consultation AS k ON k.city_id = d.city_id
ORDER BY d.n;
SELECT setval(pg_get_serial_sequence('participation_contribution', 'id'), (SELECT max(n) FROM bench_draw));

INSERT INTO participation_support (contribution_id, user_id, browser, created_at)
SELECT d.n, NULL, 'bench-' || d.n || '-' || s, now()
FROM bench_draw AS d
JOIN participation_contribution AS c ON c.id = d.n AND c.status = 'published'
CROSS JOIN LATERAL generate_series(1, floor(d.supports * 7)::int) AS s;

INSERT INTO participation_response (contribution_id, text, unit, date, outcome, measure_id, author_id, updated_at)
SELECT c.id, 'Bench-Stellungnahme: Wir prüfen den Vorschlag.', 'Stadtplanungsamt', current_date,
    (ARRAY['considered', 'not_feasible', 'done'])[1 + c.id::int %% 3], NULL, NULL, now()
FROM participation_contribution AS c
WHERE c.status = 'published' AND c.id %% 20 = 0;
