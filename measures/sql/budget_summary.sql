-- Budget sums (EUR) of published measures for GET /api/budget/: one row per group and one total row
-- (is_total). The rule, explained in docs/budget.md:
--   * a measure located by geometry is split over the Quartiere by its MeasureArea share at the
--     Quartier level; the part of it outside every Quartier (1 - the sum of its shares) is its own
--     row ("outside"), and so is a located measure in no Quartier at all;
--   * a measure with a declared scope counts fully in its scope area's own row (city-wide,
--     region-wide; a Quartier as scope is "located" there), never spread over Quartiere;
--   * grouped by dimension or action field, a measure counts fully in each of its groups, so the groups
--     may add up to more than the total, which is then summed separately.
-- Every parameter is a constant of the request (bound client-side): the planner folds the
-- %(group_by)s tests and never runs the branches another grouping needs. The budget lines stream
-- into one hash aggregate with a single sum per (group, kind, funding); the breakdowns and the total
-- are pivoted from that handful of rows.
WITH candidate AS NOT MATERIALIZED (
    SELECT m.id, m.city_id, m.scope_id, m.dimensions, m.master_plan_id
    FROM measures_measure AS m
    WHERE m.published
      AND (%(city)s::bigint IS NULL OR m.city_id = %(city)s::bigint)
      -- a region: its own (regional) measures and those of its cities
      AND (%(region)s::bigint IS NULL
           OR m.city_id IN (SELECT r.id FROM quartiere_area AS r
                            WHERE r.id = %(region)s::bigint OR r.parent_id = %(region)s::bigint))
      AND (%(dimension)s::text IS NULL OR %(dimension)s::varchar = ANY (m.dimensions))
      AND (%(action_field)s::bigint IS NULL
           OR m.id IN (SELECT mg.measure_id
                       FROM measures_measure_strategic_goals AS mg
                       JOIN measures_strategicgoal AS g ON g.id = mg.strategicgoal_id
                       WHERE g.action_field_id = %(action_field)s::bigint)
           OR m.master_plan_id IN (SELECT mf.masterplan_id
                                   FROM measures_masterplan_action_fields AS mf
                                   WHERE mf.actionfield_id = %(action_field)s::bigint))
),
-- with a Quartier: the measures linked to it by geometry or declared scope. Two branches rather than
-- "area IS NULL OR id IN (…)": an OR keeps the planner from turning IN into a semi-join on the index.
measure AS NOT MATERIALIZED (
    SELECT c.* FROM candidate AS c WHERE %(area)s::bigint IS NULL
    UNION ALL
    SELECT c.*
    FROM candidate AS c
    WHERE c.id IN (SELECT l.measure_id FROM measures_measurearea AS l WHERE l.area_id = %(area)s::bigint)
),
-- where a measure's money goes (only when grouping by area or summing one Quartier): its Quartier
-- shares, the part outside them, or its scope area. Weights are numeric with 9 decimals, and the
-- rounding residue goes to a measure's largest part, so that its weights add up to exactly 1: the
-- groups then add up to the total of the lines, to the cent before rounding.
share AS (
    SELECT l.measure_id, l.area_id, round(l.share::numeric, 9) AS weight,
           sum(round(l.share::numeric, 9)) OVER (PARTITION BY l.measure_id) AS weight_sum,
           row_number() OVER (PARTITION BY l.measure_id ORDER BY l.share DESC, l.area_id) AS rank
    FROM (
        -- a city's or a Quartier's measures: their links by index (as for the lines below)
        SELECT q.measure_id, q.area_id, q.share
        FROM measure AS m
        CROSS JOIN LATERAL (
            SELECT l.measure_id, l.area_id, l.share
            FROM measures_measurearea AS l
            WHERE l.measure_id = m.id
              AND l.level = %(quartier_level)s AND l.kind = %(by_geometry)s AND l.share > 0
            OFFSET 0
        ) AS q
        WHERE m.scope_id IS NULL AND (%(city)s::bigint IS NOT NULL OR %(area)s::bigint IS NOT NULL)
        UNION ALL
        SELECT l.measure_id, l.area_id, l.share
        FROM measures_measurearea AS l
        JOIN measure AS m ON m.id = l.measure_id AND m.scope_id IS NULL
        WHERE %(city)s::bigint IS NULL AND %(area)s::bigint IS NULL
          AND l.level = %(quartier_level)s AND l.kind = %(by_geometry)s AND l.share > 0
    ) AS l
),
place AS NOT MATERIALIZED (
    SELECT s.measure_id, s.area_id, 'located' AS applies,
           CASE WHEN s.rank = 1 AND s.weight_sum > 1 - 1e-6 THEN s.weight + 1 - s.weight_sum
                ELSE s.weight END AS weight
    FROM share AS s
    UNION ALL
    -- the part of a measure outside every Quartier: the rest of its shares
    SELECT s.measure_id, NULL, 'outside', 1 - s.weight_sum
    FROM share AS s
    WHERE s.rank = 1 AND s.weight_sum <= 1 - 1e-6 AND %(area)s::bigint IS NULL
    UNION ALL
    -- a located measure in no Quartier at all
    SELECT m.id, NULL, 'outside', 1
    FROM measure AS m
    WHERE m.scope_id IS NULL AND %(area)s::bigint IS NULL
      AND NOT EXISTS (SELECT 1 FROM share AS s WHERE s.measure_id = m.id)
    UNION ALL
    SELECT m.id, m.scope_id,
           CASE a.level WHEN %(region_level)s THEN 'region' WHEN %(city_level)s THEN 'city' ELSE 'located' END,
           1
    FROM measure AS m
    JOIN quartiere_area AS a ON a.id = m.scope_id
),
-- the budget lines of the measures: for a city or a Quartier (a few thousand measures) looked up by
-- index, measure by measure (OFFSET 0 keeps the planner from turning that back into a hash of all
-- lines, which it prefers with the default random_page_cost); for everything one scan of all lines
line AS NOT MATERIALIZED (
    SELECT m.id AS measure_id, m.city_id, b.fiscal_year, b.kind, b.funding, b.amount, m.dimensions
    FROM measure AS m
    CROSS JOIN LATERAL (
        SELECT b.fiscal_year, b.kind, b.funding, b.amount
        FROM measures_budgetline AS b
        WHERE b.measure_id = m.id
          AND (%(year)s::int IS NULL OR b.fiscal_year = %(year)s::int)
          AND (%(status)s::text IS NULL OR b.status = %(status)s::text)
        OFFSET 0
    ) AS b
    WHERE %(city)s::bigint IS NOT NULL OR %(area)s::bigint IS NOT NULL
    UNION ALL
    SELECT b.measure_id, m.city_id, b.fiscal_year, b.kind, b.funding, b.amount, m.dimensions
    FROM measures_budgetline AS b
    JOIN measure AS m ON m.id = b.measure_id
    WHERE %(city)s::bigint IS NULL AND %(area)s::bigint IS NULL
      AND (%(year)s::int IS NULL OR b.fiscal_year = %(year)s::int)
      AND (%(status)s::text IS NULL OR b.status = %(status)s::text)
),
-- each line's money where it goes: weighted when placing, else the line as it is
flow AS NOT MATERIALIZED (
    SELECT l.measure_id, l.city_id, l.fiscal_year, l.kind, l.funding, l.dimensions, p.area_id, p.applies,
           l.amount * p.weight AS money
    FROM line AS l
    JOIN place AS p ON p.measure_id = l.measure_id
    WHERE (%(group_by)s = 'area' OR %(area)s::bigint IS NOT NULL)
      AND (%(area)s::bigint IS NULL OR p.area_id = %(area)s::bigint)
    UNION ALL
    SELECT l.measure_id, l.city_id, l.fiscal_year, l.kind, l.funding, l.dimensions, NULL, NULL, l.amount
    FROM line AS l
    WHERE NOT (%(group_by)s = 'area' OR %(area)s::bigint IS NOT NULL)
),
-- the groups of a flow: one key for area, year, funding and city (the measure's owner: a city, or the
-- region for its own measures); each dimension or action field of the
-- measure for the overlapping groupings ('none' / NULL when it has none)
keyed AS NOT MATERIALIZED (
    SELECT CASE %(group_by)s WHEN 'area' THEN f.area_id WHEN 'year' THEN f.fiscal_year
                             WHEN 'city' THEN f.city_id END AS key_id,
           CASE %(group_by)s WHEN 'area' THEN f.applies WHEN 'funding' THEN f.funding END AS key_code,
           f.kind, f.funding, f.money
    FROM flow AS f
    WHERE %(group_by)s IN ('none', 'area', 'year', 'funding', 'city')
    UNION ALL
    -- a fixed list rather than unnest(): the planner then knows there are four groups, not millions
    SELECT NULL, d.dimension, f.kind, f.funding, f.money
    FROM flow AS f
    JOIN (VALUES ('just'), ('green'), ('productive'), ('none')) AS d (dimension)
        ON CASE d.dimension WHEN 'none' THEN cardinality(f.dimensions) = 0
                            ELSE d.dimension = ANY (f.dimensions) END
    WHERE %(group_by)s = 'dimension'
    UNION ALL
    SELECT t.action_field_id, NULL, f.kind, f.funding, f.money
    FROM flow AS f
    LEFT JOIN (
        SELECT m.id AS measure_id, g.action_field_id
        FROM measure AS m
        JOIN measures_measure_strategic_goals AS mg ON mg.measure_id = m.id
        JOIN measures_strategicgoal AS g ON g.id = mg.strategicgoal_id
        UNION
        SELECT m.id, mf.actionfield_id
        FROM measure AS m
        JOIN measures_masterplan_action_fields AS mf ON mf.masterplan_id = m.master_plan_id
    ) AS t ON t.measure_id = f.measure_id
    WHERE %(group_by)s = 'action_field'
),
-- the only pass over the flows: one sum per group, kind and funding (a handful of rows per group)
cell AS (
    SELECT false AS is_total, k.key_id, k.key_code, k.kind, k.funding, sum(k.money) AS money
    FROM keyed AS k
    GROUP BY k.key_id, k.key_code, k.kind, k.funding
    UNION ALL
    -- overlapping groups: the total comes from the flows themselves, each counted once
    SELECT true, NULL, NULL, f.kind, f.funding, sum(f.money)
    FROM flow AS f
    WHERE %(group_by)s IN ('dimension', 'action_field')
    GROUP BY f.kind, f.funding
),
grouped AS (
    SELECT GROUPING(c.key_id, c.key_code) = 3 AS is_total, c.key_id, c.key_code,
           sum(c.money) AS total,
           sum(c.money) FILTER (WHERE c.kind = 'investment') AS investment,
           sum(c.money) FILTER (WHERE c.kind = 'maintenance') AS maintenance,
           sum(c.money) FILTER (WHERE c.kind = 'operating') AS operating,
           sum(c.money) FILTER (WHERE c.funding = 'own') AS own,
           sum(c.money) FILTER (WHERE c.funding = 'grant') AS grant_,
           sum(c.money) FILTER (WHERE c.funding = 'complementary') AS complementary
    FROM cell AS c
    WHERE NOT c.is_total
    GROUP BY GROUPING SETS ((c.key_id, c.key_code), ())
    -- the empty grouping set is the total, except for overlapping groups (a row even without input)
    HAVING CASE WHEN GROUPING(c.key_id, c.key_code) = 3
                THEN %(group_by)s NOT IN ('dimension', 'action_field')
                ELSE %(group_by)s <> 'none' END
    UNION ALL
    SELECT true, NULL, NULL,
           sum(c.money),
           sum(c.money) FILTER (WHERE c.kind = 'investment'),
           sum(c.money) FILTER (WHERE c.kind = 'maintenance'),
           sum(c.money) FILTER (WHERE c.kind = 'operating'),
           sum(c.money) FILTER (WHERE c.funding = 'own'),
           sum(c.money) FILTER (WHERE c.funding = 'grant'),
           sum(c.money) FILTER (WHERE c.funding = 'complementary')
    FROM cell AS c
    WHERE c.is_total
    -- an aggregate without GROUP BY returns a row even when WHERE is false; HAVING does not
    HAVING %(group_by)s IN ('dimension', 'action_field')
)
SELECT g.is_total, g.key_id, g.key_code,
       a.name AS area_name, a.level AS area_level, af.name AS field_name, af.slug AS field_slug,
       round(coalesce(g.total, 0), 2) AS total,
       round(coalesce(g.investment, 0), 2) AS investment,
       round(coalesce(g.maintenance, 0), 2) AS maintenance,
       round(coalesce(g.operating, 0), 2) AS operating,
       round(coalesce(g.own, 0), 2) AS own,
       round(coalesce(g.grant_, 0), 2) AS grant_,
       round(coalesce(g.complementary, 0), 2) AS complementary,
       -- strategic goal 3 (generational fairness)
       round(coalesce(g.maintenance, 0) / nullif(coalesce(g.maintenance, 0) + coalesce(g.investment, 0), 0), 4)::float8
           AS maintenance_share,
       round((coalesce(g.grant_, 0) + coalesce(g.complementary, 0)) / nullif(g.total, 0), 4)::float8
           AS external_funding_share
FROM grouped AS g
LEFT JOIN quartiere_area AS a ON %(group_by)s IN ('area', 'city') AND a.id = g.key_id
LEFT JOIN measures_actionfield AS af ON %(group_by)s = 'action_field' AND af.id = g.key_id
ORDER BY g.is_total DESC,
         array_position(ARRAY['located', 'outside', 'city', 'region'], g.key_code),
         array_position(ARRAY['just', 'green', 'productive', 'own', 'grant', 'complementary', 'none'], g.key_code),
         af.position, a.level DESC, a.name, g.key_id
