-- The budget side of a comparison (scenarios.comparison.selectors.budget_comparison): the baseline and
-- each scenario of one city side by side, one statement. Parameters: %(city)s, %(variants)s (bigint[]:
-- 0 for the baseline first, then scenario ids of that city), %(budget_year)s (goal 3 is also given for
-- that one fiscal year). Amounts in EUR. Each table row carries one amount per variant, in the order of
-- %(variants)s; differences are amount − baseline (done by the caller, exact decimals).
--   year:      per fiscal year (the years any variant has);
--   dimension: per Charter dimension of the measure (a measure of two dimensions counts in both;
--              'none' for measures without a dimension, shown only when there are some);
--   funding:   own / grant / complementary;
--   quartier:  per Quartier of the city, each line times the measure's share in the Quartier (as the
--              priority index counts it); 'outside' is what no Quartier holds (city-wide programmes);
--   goal3:     the field of action's goal 3 — total, maintenance, grant, complementary — over all years
--              and in %(budget_year)s, with shares of the total.
WITH scn_variant AS (
    SELECT v.variant, v.ord
    FROM unnest(%(variants)s::bigint[]) WITH ORDINALITY AS v (variant, ord)
),
scn_measures AS (
    SELECT m.id, m.dimensions
    FROM measures_measure AS m
    WHERE m.city_id = %(city)s::bigint AND m.published
),
{lines},
dims AS (
    SELECT m.id, m.dimensions FROM scn_measures AS m
    UNION ALL
    SELECT -p.id, p.dimensions
    FROM scenarios_proposedmeasure AS p
    WHERE p.scenario_id IN (SELECT variant FROM scn_variant)
),
quartier AS (
    SELECT a.id, a.name
    FROM quartiere_area AS a
    WHERE a.level = 3 AND a.parent_id = %(city)s::bigint
),
located AS (
    SELECT l.measure_id, l.area_id, l.share
    FROM measures_measurearea AS l
    WHERE l.area_id = ANY (ARRAY(SELECT id FROM quartier)) AND l.level = 3 AND l.share > 0
      AND l.measure_id = ANY (ARRAY(SELECT id FROM scn_measures))
    UNION ALL
    SELECT -p.id, l.area_id, l.share
    FROM scenarios_proposedmeasure AS p
    JOIN scenarios_proposedmeasurearea AS l ON l.proposed_measure_id = p.id
    WHERE p.scenario_id IN (SELECT variant FROM scn_variant)
      AND l.level = 3 AND l.share > 0 AND l.area_id = ANY (ARRAY(SELECT id FROM quartier))
),
totals AS (
    SELECT l.variant, sum(l.amount) AS amount FROM scn_lines AS l GROUP BY l.variant
),
in_quartier AS (
    SELECT l.variant, x.area_id, round(sum(l.amount * x.share::numeric), 2) AS amount
    FROM scn_lines AS l
    JOIN located AS x ON x.measure_id = l.measure_id
    GROUP BY l.variant, x.area_id
),
cells AS (
    SELECT 'year' AS tab, l.fiscal_year::text AS key, l.variant, sum(l.amount) AS amount
    FROM scn_lines AS l GROUP BY l.fiscal_year, l.variant
    UNION ALL
    SELECT 'dimension', d.dimension, l.variant, sum(l.amount)
    FROM scn_lines AS l
    JOIN dims ON dims.id = l.measure_id
    CROSS JOIN LATERAL unnest(CASE WHEN cardinality(dims.dimensions) > 0 THEN dims.dimensions
                                   ELSE ARRAY['none'] END) AS d (dimension)
    GROUP BY d.dimension, l.variant
    UNION ALL
    SELECT 'funding', l.funding, l.variant, sum(l.amount) FROM scn_lines AS l GROUP BY l.funding, l.variant
    UNION ALL
    SELECT 'quartier', q.area_id::text, q.variant, q.amount FROM in_quartier AS q
    UNION ALL
    SELECT 'quartier', 'outside', t.variant,
           t.amount - coalesce((SELECT sum(q.amount) FROM in_quartier AS q WHERE q.variant = t.variant), 0)
    FROM totals AS t
    UNION ALL
    SELECT 'goal3', g.key, l.variant, sum(l.amount) FILTER (WHERE g.applies)
    FROM scn_lines AS l
    CROSS JOIN LATERAL (VALUES
        ('total', true),
        ('maintenance', l.kind = 'maintenance'),
        ('grant', l.funding = 'grant'),
        ('complementary', l.funding = 'complementary'),
        ('grant_complementary', l.funding IN ('grant', 'complementary')),
        ('year_total', l.fiscal_year = %(budget_year)s::int),
        ('year_maintenance', l.fiscal_year = %(budget_year)s::int AND l.kind = 'maintenance'),
        ('year_grant', l.fiscal_year = %(budget_year)s::int AND l.funding = 'grant'),
        ('year_complementary', l.fiscal_year = %(budget_year)s::int AND l.funding = 'complementary'),
        ('year_grant_complementary',
         l.fiscal_year = %(budget_year)s::int AND l.funding IN ('grant', 'complementary'))
    ) AS g (key, applies)
    GROUP BY g.key, l.variant
),
-- every row the tables show, also where all variants are 0: the fixed keys and whatever occurs
row_keys AS (
    SELECT DISTINCT tab, key FROM cells
    UNION
    SELECT 'dimension', d FROM unnest(ARRAY['just', 'green', 'productive']) AS d
    UNION
    SELECT 'funding', f FROM unnest(ARRAY['own', 'grant', 'complementary']) AS f
    UNION
    SELECT 'quartier', q.id::text FROM quartier AS q
    UNION
    SELECT 'goal3', g FROM unnest(ARRAY['total', 'maintenance', 'grant', 'complementary', 'grant_complementary',
        'year_total', 'year_maintenance', 'year_grant', 'year_complementary', 'year_grant_complementary']) AS g
),
pivot AS (
    SELECT k.tab, k.key, q.name AS label,
           array_agg(coalesce(c.amount, 0) ORDER BY v.ord) AS amounts
    FROM row_keys AS k
    CROSS JOIN scn_variant AS v
    LEFT JOIN cells AS c ON c.tab = k.tab AND c.key = k.key AND c.variant = v.variant
    LEFT JOIN quartier AS q ON k.tab = 'quartier' AND q.id::text = k.key
    GROUP BY k.tab, k.key, q.name
)
SELECT coalesce(json_agg(json_build_object('table', p.tab, 'key', p.key, 'label', p.label,
                                           'amounts', p.amounts)
                         ORDER BY p.tab, p.key = 'outside', p.label, p.key), '[]'::json)::text
FROM pivot AS p
