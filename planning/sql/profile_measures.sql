-- The published measures located in one Quartier (by geometry with their share, or by a declared
-- Quartier scope) with status and budget (EUR: the measure's total and the Quartier's share of it),
-- and the budget per fiscal year and dimension of that share (a measure counts fully in each of its
-- dimensions, 'none' without). Two JSON arrays, one statement.
WITH located AS (
    SELECT m.id, m.title, m.status, m.dimensions, m.start_date, m.end_date, l.share
    FROM measures_measurearea AS l JOIN measures_measure AS m ON m.id = l.measure_id AND m.published
    WHERE l.area_id = %(quartier)s AND l.level = 3 AND l.share > 0
),
money AS (
    SELECT b.measure_id, b.fiscal_year, sum(b.amount) AS amount
    FROM measures_budgetline AS b WHERE b.measure_id IN (SELECT id FROM located)
    GROUP BY b.measure_id, b.fiscal_year
),
per_measure AS (
    SELECT x.*, coalesce((SELECT sum(amount) FROM money WHERE money.measure_id = x.id), 0) AS budget
    FROM located AS x
),
per_year AS (
    SELECT mo.fiscal_year, coalesce(d.dimension, 'none') AS dimension, sum(mo.amount * x.share::numeric) AS amount
    FROM money AS mo
    JOIN located AS x ON x.id = mo.measure_id
    LEFT JOIN LATERAL unnest(x.dimensions) AS d (dimension) ON true
    GROUP BY 1, 2
)
SELECT
    (SELECT coalesce(json_agg(json_build_object(
        'id', id, 'title', title, 'status', status, 'dimensions', dimensions, 'start_date', start_date,
        'end_date', end_date, 'share', round(share::numeric, 4), 'budget', round(budget, 2),
        'budget_here', round(budget * share::numeric, 2)) ORDER BY budget * share::numeric DESC, title, id), '[]')
     FROM per_measure)::text AS measures,
    (SELECT coalesce(json_agg(json_build_object('year', fiscal_year, 'dimension', dimension,
        'amount', round(amount, 2)) ORDER BY fiscal_year, dimension), '[]') FROM per_year)::text AS budget
