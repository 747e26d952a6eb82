-- A scenario's planned supply for the priority index (spliced into planning/sql/priorities.sql at
-- {supply}, in place of planning/sql/supply_published.sql): the CTEs `located` (area_id, measure_id,
-- share, dimensions) and `money` (measure_id, amount). The scenario's set of measures is the published
-- one minus the measures it drops, plus its proposed measures (ids negated: -proposed_measure_id, so
-- they never meet a published measure's id); their money is every effective budget line
-- (scenario_lines.sql, composed in below). Parameter: %(scenario_id)s.
scn_change AS (
    SELECT c.measure_id, c.action, c.years
    FROM scenarios_measurechange AS c
    WHERE c.scenario_id = %(scenario_id)s::bigint
),
located AS (
    SELECT l.area_id, l.measure_id, l.share, m.dimensions
    FROM measures_measurearea AS l
    JOIN measures_measure AS m ON m.id = l.measure_id AND m.published AND m.status <> 'stopped'
    LEFT JOIN scn_change AS c ON c.measure_id = l.measure_id
    WHERE l.area_id = ANY ((SELECT ids FROM quartier_ids)::bigint[]) AND l.level = 3 AND l.share > 0
      AND c.action IS DISTINCT FROM 'drop'
    UNION ALL
    SELECT l.area_id, -p.id, l.share, p.dimensions
    FROM scenarios_proposedmeasure AS p
    JOIN scenarios_proposedmeasurearea AS l ON l.proposed_measure_id = p.id
    WHERE p.scenario_id = %(scenario_id)s::bigint
      AND l.area_id = ANY ((SELECT ids FROM quartier_ids)::bigint[]) AND l.level = 3 AND l.share > 0
),
scn_variant AS (
    SELECT %(scenario_id)s::bigint AS variant
),
scn_measures AS (
    SELECT DISTINCT measure_id AS id FROM located WHERE measure_id > 0
),
{lines},
money AS (
    SELECT b.measure_id, sum(b.amount) AS amount
    FROM scn_lines AS b
    GROUP BY b.measure_id
)
