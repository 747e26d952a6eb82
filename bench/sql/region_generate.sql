-- Synthetic region for bench/region.py over a tiling of bench.synth (the region, its cities, their
-- Quartiere), set-based (generate_series, ST_GeneratePoints; no loops). Every row is keyed by global
-- numbers (the Quartier's cell %(first_q)s + k, the measure's number i, the contribution's number), never
-- by the rows present, so that a database of one city (%(only_city)s not NULL) gets exactly that city's
-- rows of the full region, with the same ids, and the region's own rows (regional measures); the other
-- cities and their Quartiere are deleted at the end.
--
-- * a consultation per city (id = the city's id, its area the city), open;
-- * %(per_quartier)s contributions at random points inside each Quartier (id = k × per_quartier + j):
--   83 per cent published, 10 pending, 4 rejected, 3 hidden; four categories; mostly civil society;
--   created over the last 90 days; linked directly to their Quartier, city and region (a point lies in
--   the cell it was generated in: share 1, as quartiere.linking gives it);
-- * %(measures)s measures (id = i) around random Quartiere: 40 per cent points, 5 multipoints, 25 lines,
--   15 rectangles, 8 city-wide (scope = the city), all owned by the Quartier's city; 2 region-wide and
--   5 regional with a geometry (cycle routes of 8–20 km, parks of 1–4 km, stops), owned by the region;
--   90 per cent published; 0–5 budget lines each (2022–2026), strategic goals for half of them.
-- A city's measures lie within the city (clipped to it, 1 m inside; a point that would fall outside stays at its
-- Quartier's centre): a city plans inside its boundaries, and the one-city database then has every
-- measure that touches the city. Deterministic: the pseudo-random numbers are hashes of those keys (as in
-- tiling_corners.sql), the timestamps fixed (both databases give the same answers).
TRUNCATE participation_consultation, measures_actionfield, measures_masterplan, measures_measure
    RESTART IDENTITY CASCADE;

INSERT INTO measures_actionfield (name, slug, description, position)
SELECT 'Bench-Handlungsfeld ' || i, 'bench-handlungsfeld-' || i, '', i
FROM generate_series(1, 5) AS i;

INSERT INTO measures_strategicgoal (action_field_id, number, title, text)
SELECT f.id, g, 'Bench-Ziel ' || f.position || '.' || g, ''
FROM measures_actionfield AS f
CROSS JOIN generate_series(1, 5) AS g
ORDER BY f.id, g;

INSERT INTO measures_masterplan (title, version, status)
SELECT 'Bench-Masterplan ' || i, '1', 'adopted'
FROM generate_series(1, 5) AS i;

-- a city's measures are clipped to its outline shrunk by 1 m: touching the neighbour's boundary, they
-- would be linked to its areas with a share of 0
DROP TABLE IF EXISTS pg_temp.bench_city_inside;
CREATE TEMP TABLE bench_city_inside ON COMMIT DROP AS
SELECT id, ST_Buffer(geom, -1) AS geom FROM quartiere_area WHERE level = 2;

DROP TABLE IF EXISTS pg_temp.bench_q;
CREATE TEMP TABLE bench_q ON COMMIT DROP AS
SELECT a.id - %(first_q)s::bigint AS k, a.id, a.parent_id AS city_id, a.geom, ST_PointOnSurface(a.geom) AS centre,
    c.geom AS city_geom
FROM quartiere_area AS a
JOIN bench_city_inside AS c ON c.id = a.parent_id
WHERE a.level = 3;
CREATE UNIQUE INDEX ON bench_q (k);
ANALYZE bench_q;

INSERT INTO participation_consultation (id, title, slug, description, city_id, area_id, geom, opens_at,
    closes_at, categories, moderation, allow_anonymous, generalise_m, created_at, themes, target_groups, pins)
SELECT c.id, 'Bench-Beteiligung ' || c.name, 'bench-region-' || c.id, '', c.id, c.id, NULL,
    timestamptz '2026-08-01 08:00+00', timestamptz '2031-01-01 00:00+00', ARRAY['idea', 'problem', 'praise', 'question'],
    'pre', true, 0, timestamptz '2026-07-01 08:00+00', ARRAY[]::varchar[], ARRAY[]::varchar[], true
FROM quartiere_area AS c
WHERE c.level = 2 AND (%(only_city)s::bigint IS NULL OR c.id = %(only_city)s::bigint)
ORDER BY c.id;
SELECT setval(pg_get_serial_sequence('participation_consultation', 'id'),
    (SELECT coalesce(max(id), 1) FROM participation_consultation));

-- contributions: the points of every present Quartier, each with its global number
DROP TABLE IF EXISTS pg_temp.bench_point;
CREATE TEMP TABLE bench_point ON COMMIT DROP AS
SELECT q.k * %(per_quartier)s::bigint + p.path[1] AS n, q.id AS quartier_id, q.city_id, p.geom
FROM bench_q AS q
CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(q.geom, %(per_quartier)s, 20210126)) AS p
WHERE %(only_city)s::bigint IS NULL OR q.city_id = %(only_city)s::bigint;

INSERT INTO participation_contribution (id, consultation_id, city_id, geom, text, category, origin, pseudonym,
    email, status, reject_reason, version, delete_token_hash, created_at, updated_at)
SELECT b.n, b.city_id, b.city_id, b.geom,
    'Bench-Beitrag ' || b.n || ': ' || repeat('Mehr Bäume, Bänke und sichere Radwege hier. ', 1 + floor(u.len * 6)::int),
    (ARRAY['idea', 'problem', 'praise', 'question'])[1 + floor(u.category * 4)::int],
    CASE WHEN u.origin < 0.9 THEN 'civil_society' WHEN u.origin < 0.95 THEN 'council' ELSE 'administration' END,
    CASE WHEN u.person < 0.3 THEN 'Nachbar ' || b.n ELSE '' END,
    CASE WHEN u.person < 0.4 THEN 'bench-' || b.n || '@example.org' ELSE '' END,
    CASE WHEN u.status < 0.83 THEN 'published' WHEN u.status < 0.93 THEN 'pending'
         WHEN u.status < 0.97 THEN 'rejected' ELSE 'hidden' END,
    CASE WHEN u.status >= 0.93 AND u.status < 0.97 THEN 'Bench: nicht zum Thema' ELSE '' END,
    1, '', timestamptz '2026-11-30 12:00+00' - u.age * interval '90 days',
    timestamptz '2026-11-30 12:00+00' - u.age * interval '90 days'
FROM bench_point AS b
CROSS JOIN LATERAL (
    SELECT (hashint8(b.n * 8 + 1)::float8 + 2147483648) / 4294967296 AS status,
           (hashint8(b.n * 8 + 2)::float8 + 2147483648) / 4294967296 AS category,
           (hashint8(b.n * 8 + 3)::float8 + 2147483648) / 4294967296 AS origin,
           (hashint8(b.n * 8 + 4)::float8 + 2147483648) / 4294967296 AS person,
           (hashint8(b.n * 8 + 5)::float8 + 2147483648) / 4294967296 AS len,
           (hashint8(b.n * 8 + 6)::float8 + 2147483648) / 4294967296 AS age
) AS u
ORDER BY b.n;
SELECT setval(pg_get_serial_sequence('participation_contribution', 'id'),
    (SELECT coalesce(max(n), 1) FROM bench_point));

INSERT INTO participation_contributionarea (contribution_id, area_id, level, share, kind)
SELECT b.n, b.quartier_id, 3, 1.0, 'geometry' FROM bench_point AS b
UNION ALL
SELECT b.n, b.city_id, 2, 1.0, 'geometry' FROM bench_point AS b
UNION ALL
SELECT b.n, %(region_id)s, 1, 1.0, 'geometry' FROM bench_point AS b;

-- measures: every number i draws its Quartier among all n of the full region; kept when its owner is here
DROP TABLE IF EXISTS pg_temp.bench_draw;
CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
SELECT i, u[1] AS kind, u[2] AS place, u[3] AS a, u[4] AS b, u[5] AS c, u[6] AS d, u[7] AS e, u[8] AS f
FROM generate_series(1, %(measures)s::int) AS i
CROSS JOIN LATERAL (
    SELECT array_agg((hashint8(i::bigint * 16 + salt)::float8 + 2147483648) / 4294967296 ORDER BY salt) AS u
    FROM generate_series(1, 8) AS salt
) AS r;

INSERT INTO measures_measure (
    id, city_id, title, description, rationale, tags, status, responsible_unit, principles, dimensions,
    master_plan_id, geom, scope_id, published, version, created_at, updated_at
)
SELECT r.i,
       CASE WHEN r.kind >= 0.93 THEN %(region_id)s ELSE q.city_id END,
       CASE WHEN r.kind >= 0.93 THEN 'Bench-Regionalmaßnahme ' ELSE 'Bench-Maßnahme ' END || r.i,
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
       CASE WHEN ST_IsEmpty(clipped.geom) THEN q.centre ELSE clipped.geom END,
       CASE WHEN r.kind >= 0.93 AND r.kind < 0.95 THEN %(region_id)s
            WHEN r.kind >= 0.85 AND r.kind < 0.93 THEN q.city_id END,
       r.f < 0.9,
       1,
       timestamptz '2026-06-01 08:00+00',
       timestamptz '2026-06-01 08:00+00'
FROM bench_draw AS r
JOIN bench_q AS q ON q.k = floor(r.place * %(n)s)::bigint
CROSS JOIN LATERAL (
    SELECT CASE
           WHEN r.kind < 0.40 THEN ST_Translate(q.centre, (r.d - 0.5) * 500, (r.e - 0.5) * 500)
           WHEN r.kind < 0.45 THEN ST_Collect(ARRAY[
               ST_Translate(q.centre, (r.d - 0.5) * 1500, (r.e - 0.5) * 1500),
               ST_Translate(q.centre, (r.e - 0.5) * 1500, (r.f - 0.5) * 1500),
               ST_Translate(q.centre, (r.f - 0.5) * 1500, (r.d - 0.5) * 1500)])
           WHEN r.kind < 0.70 THEN ST_MakeLine(ARRAY[
               q.centre,
               ST_Translate(q.centre, (r.d - 0.5) * 2000, (r.e - 0.5) * 2000),
               ST_Translate(q.centre, (r.d - 0.5) * 2000 + (r.f - 0.5) * 2000, (r.e - 0.5) * 2000)])
           WHEN r.kind < 0.85 THEN ST_Expand(q.centre, 40 + r.d * 300, 40 + r.e * 300)
           WHEN r.kind < 0.95 THEN NULL
           -- regional: a cycle route across several cities, a landscape park, a stop
           WHEN r.b < 0.4 THEN ST_MakeLine(ARRAY[
               q.centre,
               ST_Translate(q.centre, (r.d - 0.5) * 16000, (r.e - 0.5) * 16000),
               ST_Translate(q.centre, (r.d - 0.5) * 16000 + (r.f - 0.5) * 12000, (r.e - 0.5) * 20000)])
           WHEN r.b < 0.7 THEN ST_Expand(q.centre, 500 + r.d * 1500, 500 + r.e * 1500)
           ELSE ST_Translate(q.centre, (r.d - 0.5) * 300, (r.e - 0.5) * 300)
    END AS geom
) AS g
CROSS JOIN LATERAL (
    SELECT CASE WHEN r.kind >= 0.93 OR g.geom IS NULL THEN g.geom
                ELSE ST_CollectionExtract(ST_Intersection(g.geom, q.city_geom), ST_Dimension(g.geom) + 1) END AS geom
) AS clipped
WHERE %(only_city)s::bigint IS NULL OR r.kind >= 0.93 OR q.city_id = %(only_city)s::bigint
ORDER BY r.i;
SELECT setval(pg_get_serial_sequence('measures_measure', 'id'), (SELECT coalesce(max(id), 1) FROM measures_measure));

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
WHERE u.present < 0.8
ORDER BY m.id, y;

-- one city: the other cities and their Quartiere go (nothing refers to them any more)
DELETE FROM quartiere_area
WHERE %(only_city)s::bigint IS NOT NULL
  AND ((level = 3 AND parent_id <> %(only_city)s::bigint) OR (level = 2 AND id <> %(only_city)s::bigint));
