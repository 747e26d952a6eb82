-- Synthetic measures for bench/measures.py, set-based, over the tiled Quartiere of bench.synth:
-- %(n)s measures of mixed geometry around random Quartiere (EPSG:25832, metres): 40 per cent points,
-- 5 multipoints of 3, 25 lines of 3 vertices (legs up to ±1.5 km: they cross Quartiere and
-- sometimes leave the tiling), 15 rectangles of 100–900 m (often across boundaries), 10 scoped to
-- the Quartier's city, 5 to the region; with a small strategy tree, dimensions, principles, goals,
-- master plans, 90 per cent published, and 0–5 budget lines per measure in the fiscal years 2022–2026.
-- Deterministic: the pseudo-random numbers are hashes of the row number (as in tiling_corners.sql).
TRUNCATE measures_actionfield, measures_masterplan, measures_measure RESTART IDENTITY CASCADE;

INSERT INTO measures_actionfield (name, slug, description, position)
SELECT 'Bench-Handlungsfeld ' || i, 'bench-handlungsfeld-' || i, '', i
FROM generate_series(1, 5) AS i;

INSERT INTO measures_strategicgoal (action_field_id, number, title, text)
SELECT f.id, g, 'Bench-Ziel ' || f.position || '.' || g, ''
FROM measures_actionfield AS f
CROSS JOIN generate_series(1, 5) AS g;

INSERT INTO measures_masterplan (title, version, status)
SELECT 'Bench-Masterplan ' || i, '1', 'adopted'
FROM generate_series(1, 5) AS i;

INSERT INTO measures_masterplan_action_fields (masterplan_id, actionfield_id)
SELECT p.id, f.id
FROM measures_masterplan AS p
JOIN measures_actionfield AS f ON f.position IN (p.id, mod(p.id, 5) + 1);

DROP TABLE IF EXISTS pg_temp.bench_quartier;
CREATE TEMP TABLE bench_quartier ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY a.id) - 1 AS k, a.id, a.parent_id AS city_id, c.parent_id AS region_id,
       ST_PointOnSurface(a.geom) AS centre
FROM quartiere_area AS a
JOIN quartiere_area AS c ON c.id = a.parent_id
WHERE a.level = 3;
CREATE UNIQUE INDEX ON bench_quartier (k);
ANALYZE bench_quartier;

DROP TABLE IF EXISTS pg_temp.bench_draw;
CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
SELECT i, u[1] AS kind, u[2] AS place, u[3] AS a, u[4] AS b, u[5] AS c, u[6] AS d, u[7] AS e, u[8] AS f
FROM generate_series(1, %(n)s::int) AS i
CROSS JOIN LATERAL (
    SELECT array_agg((hashint8(i::bigint * 16 + salt)::float8 + 2147483648) / 4294967296 ORDER BY salt) AS u
    FROM generate_series(1, 8) AS salt
) AS r;

INSERT INTO measures_measure (
    city_id, title, description, rationale, tags, status, responsible_unit, principles, dimensions,
    master_plan_id, geom, scope_id, published, version, created_at, updated_at
)
SELECT q.city_id,
       'Bench-Maßnahme ' || r.i,
       '',
       '',
       ARRAY[]::varchar[],
       (ARRAY['idea', 'planned', 'decided', 'in_progress', 'done', 'stopped'])[1 + floor(r.a * 6)::int],
       '',
       ARRAY(SELECT p FROM unnest(ARRAY['common_good', 'integrated', 'participation', 'multi_level',
                                        'place_based']) WITH ORDINALITY AS x (p, o)
             WHERE (floor(r.b * 32)::int >> (o::int - 1)) & 1 = 1)::varchar[],
       ARRAY(SELECT dim FROM unnest(ARRAY['just', 'green', 'productive']) WITH ORDINALITY AS x (dim, o)
             WHERE (floor(r.c * 8)::int >> (o::int - 1)) & 1 = 1)::varchar[],
       CASE WHEN r.d < 0.3 THEN 1 + floor(r.e * 5)::int END,
       CASE
           WHEN r.kind < 0.40 THEN ST_Translate(q.centre, (r.d - 0.5) * 600, (r.e - 0.5) * 600)
           WHEN r.kind < 0.45 THEN ST_Collect(ARRAY[
               ST_Translate(q.centre, (r.d - 0.5) * 2000, (r.e - 0.5) * 2000),
               ST_Translate(q.centre, (r.e - 0.5) * 2000, (r.f - 0.5) * 2000),
               ST_Translate(q.centre, (r.f - 0.5) * 2000, (r.d - 0.5) * 2000)])
           WHEN r.kind < 0.70 THEN ST_MakeLine(ARRAY[
               q.centre,
               ST_Translate(q.centre, (r.d - 0.5) * 3000, (r.e - 0.5) * 3000),
               ST_Translate(q.centre, (r.d - 0.5) * 3000 + (r.f - 0.5) * 3000, (r.e - 0.5) * 3000)])
           WHEN r.kind < 0.85 THEN ST_Expand(q.centre, 50 + r.d * 400, 50 + r.e * 400)
       END,
       CASE WHEN r.kind >= 0.95 THEN q.region_id WHEN r.kind >= 0.85 THEN q.city_id END,
       r.f < 0.9,
       1,
       now(),
       now()
FROM bench_draw AS r
JOIN bench_quartier AS q ON q.k = floor(r.place * (SELECT count(*) FROM bench_quartier))::bigint
ORDER BY r.i;

INSERT INTO measures_measure_strategic_goals (measure_id, strategicgoal_id)
SELECT m.id, 1 + floor(r.b * 25)::int
FROM measures_measure AS m
JOIN bench_draw AS r ON r.i = m.id
WHERE r.a < 0.5
UNION
SELECT m.id, 1 + floor(r.c * 25)::int
FROM measures_measure AS m
JOIN bench_draw AS r ON r.i = m.id
WHERE r.a < 0.1;

INSERT INTO measures_budgetline (measure_id, fiscal_year, amount, kind, funding, status, note, version)
SELECT m.id,
       y,
       round((1000 + u.amount * 500000)::numeric, 2),
       (ARRAY['investment', 'maintenance', 'operating'])[1 + floor(u.kind * 3)::int],
       (ARRAY['own', 'own', 'grant', 'complementary'])[1 + floor(u.funding * 4)::int],
       CASE WHEN y <= 2024 THEN 'spent' WHEN y = 2025 THEN 'approved' ELSE 'planned' END,
       '',
       1
FROM measures_measure AS m
CROSS JOIN generate_series(2022, 2026) AS y
CROSS JOIN LATERAL (
    SELECT (hashint8(m.id * 64 + y * 4 + 1)::float8 + 2147483648) / 4294967296 AS amount,
           (hashint8(m.id * 64 + y * 4 + 2)::float8 + 2147483648) / 4294967296 AS kind,
           (hashint8(m.id * 64 + y * 4 + 3)::float8 + 2147483648) / 4294967296 AS funding,
           (hashint8(m.id * 64 + y * 4 + 4)::float8 + 2147483648) / 4294967296 AS present
) AS u
WHERE u.present < 0.8;
