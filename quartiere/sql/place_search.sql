-- The offline place search: cities, Quartiere and addresses whose search form (qa_place_key) starts
-- with the query's, has a word starting with it, or resembles it (pg_trgm word similarity, the
-- trigram index on quartiere_address.key). Ranked: tier (0 whole words from the start, 1 prefix,
-- 2 a later word, 3 similar), areas before addresses, similarity, then street and house number in
-- numeric order. Points are in EPSG:4326 (areas: a point on their surface, with their bounding box).
WITH q AS (SELECT qa_place_key(%(q)s) AS key),
areas AS (
    SELECT a.id, CASE a.level WHEN 2 THEN 'city' ELSE 'quartier' END AS kind, a.name,
        CASE WHEN p.id IS NOT NULL AND a.level = 3 THEN a.name || ', ' || p.name ELSE a.name END AS label,
        qa_place_key(a.name) AS key, ST_PointOnSurface(a.geom) AS point,
        ST_Transform(a.geom, 4326)::box2d AS box, 0 AS kind_order, '' AS street, 0 AS num
    FROM quartiere_area AS a LEFT JOIN quartiere_area AS p ON p.id = a.parent_id
    WHERE a.level IN (2, 3)
),
found_areas AS (
    SELECT c.* FROM areas AS c, q
    WHERE c.key LIKE q.key || '%%' OR c.key LIKE '%% ' || q.key || '%%' OR q.key <%% c.key
),
found_addresses AS (
    SELECT a.id, 'address' AS kind, a.street || ' ' || a.number AS name,
        a.street || ' ' || a.number || ', ' || btrim(a.postcode || ' ' || coalesce(nullif(a.place, ''), c.name)) AS label,
        a.key, a.point, NULL::box2d AS box, 1 AS kind_order, a.street,
        coalesce(substring(a.number FROM '^[0-9]{1,9}')::int, 0) AS num
    FROM quartiere_address AS a JOIN quartiere_area AS c ON c.id = a.city_id, q
    WHERE a.key LIKE q.key || '%%' OR a.key LIKE '%% ' || q.key || '%%' OR q.key <%% a.key
),
ranked AS (
    SELECT f.*,
        CASE WHEN f.key = q.key OR f.key LIKE q.key || ' %%' THEN 0
             WHEN f.key LIKE q.key || '%%' THEN 1
             WHEN f.key LIKE '%% ' || q.key || '%%' THEN 2
             ELSE 3 END AS tier,
        word_similarity(q.key, f.key) AS similarity
    FROM (SELECT * FROM found_areas UNION ALL SELECT * FROM found_addresses) AS f, q
)
SELECT r.kind, r.id, r.name, r.label,
    round(ST_X(ST_Transform(r.point, 4326))::numeric, 7)::float8 AS lon,
    round(ST_Y(ST_Transform(r.point, 4326))::numeric, 7)::float8 AS lat,
    CASE WHEN r.box IS NOT NULL THEN ARRAY[
        round(ST_XMin(r.box)::numeric, 7)::float8, round(ST_YMin(r.box)::numeric, 7)::float8,
        round(ST_XMax(r.box)::numeric, 7)::float8, round(ST_YMax(r.box)::numeric, 7)::float8] END AS bbox
FROM ranked AS r
ORDER BY r.tier, r.kind_order, r.similarity DESC, r.street, r.num, r.name, r.id
LIMIT %(limit)s
