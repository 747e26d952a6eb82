-- The regional measures of a region (docs/region.md): published measures owned by the region
-- (Measure.city = the region) or touching several of its municipalities (links at level city,
-- share > 0), each with the municipalities it touches and its share in each (largest first) and the
-- sum of its budget lines (EUR). A region-wide programme (declared scope: the region) touches every
-- municipality without a place, so it lists none. At most %(limit)s measures; `total` counts them all.
WITH city AS (
    SELECT a.id, a.code, a.name
    FROM quartiere_area AS a
    WHERE a.level = 2 AND a.parent_id = %(region)s::bigint
),
link AS (
    SELECT l.measure_id, l.area_id, l.share
    FROM measures_measurearea AS l
    WHERE l.area_id = ANY (ARRAY(SELECT id FROM city)) AND l.level = 2 AND l.share > 0
),
chosen AS (
    SELECT l.measure_id FROM link AS l GROUP BY l.measure_id HAVING count(*) > 1
    UNION
    SELECT m.id FROM measures_measure AS m WHERE m.city_id = %(region)s::bigint
),
measure AS (
    SELECT m.id, m.title, m.status, o.id AS owner_id, o.name AS owner, o.level AS owner_level,
           coalesce(sc.level = 1, false) AS region_wide
    FROM chosen AS ch
    JOIN measures_measure AS m ON m.id = ch.measure_id AND m.published
    JOIN quartiere_area AS o ON o.id = m.city_id
    LEFT JOIN quartiere_area AS sc ON sc.id = m.scope_id
)
SELECT (SELECT count(*) FROM measure)::int AS total,
       coalesce(json_agg(json_build_object(
           'id', x.id, 'title', x.title, 'status', x.status, 'owner', x.owner, 'owner_id', x.owner_id,
           'by_region', x.owner_level = 1, 'region_wide', x.region_wide,
           'budget', x.budget, 'cities', x.cities) ORDER BY x.owner_level, x.title, x.id), '[]')::text AS measures
FROM (
    SELECT m.*,
           (SELECT round(sum(b.amount), 2) FROM measures_budgetline AS b WHERE b.measure_id = m.id) AS budget,
           (SELECT coalesce(json_agg(json_build_object('id', c.id, 'code', c.code, 'name', c.name,
                                                       'share', round(l.share::numeric, 3))
                                     ORDER BY l.share DESC, c.name), '[]')
            FROM link AS l JOIN city AS c ON c.id = l.area_id
            WHERE l.measure_id = m.id) AS cities
    FROM measure AS m
    ORDER BY m.owner_level, m.title, m.id
    LIMIT %(limit)s
) AS x
