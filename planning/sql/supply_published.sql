-- The measures the priority index counts as planned supply (spliced into priorities.sql at {supply}):
-- CTEs `located` (area_id, measure_id, share, dimensions) and `money` (measure_id, amount). This is
-- the baseline: the published measures and all their budget lines. A scenario provides the same two
-- CTEs for its own set of measures (scenarios/sql/), so the index and the gaps are computed one way.
-- planned supply: published measures located in the Quartier (by geometry, with their share, or by a
-- declared Quartier scope, share 1) and their budget (all lines, EUR) times that share
located AS (
    SELECT l.area_id, l.measure_id, l.share, m.dimensions
    FROM measures_measurearea AS l
    JOIN measures_measure AS m ON m.id = l.measure_id AND m.published AND m.status <> 'stopped'
    WHERE l.area_id = ANY ((SELECT ids FROM quartier_ids)::bigint[]) AND l.level = 3 AND l.share > 0
),
money AS (
    SELECT b.measure_id, sum(b.amount) AS amount
    FROM measures_budgetline AS b
    WHERE b.measure_id IN (SELECT measure_id FROM located)
    GROUP BY b.measure_id
)
