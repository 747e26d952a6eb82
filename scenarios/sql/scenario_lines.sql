-- The effective budget lines of each variant (composed into supply_scenario.sql and
-- comparison_budget.sql at {lines}); needs the CTEs `scn_variant` (variant: a scenario id, 0 for the
-- baseline — no change and no proposed measure has scenario 0, so it keeps the published lines as they
-- are) and `scn_measures` (id: the published measures to consider). One row per line and variant:
--   variant, measure_id (negative: -proposed_measure_id), fiscal_year, amount (EUR), kind, funding.
-- The rules (docs/scenarios.md, "Comparison"): a dropped measure loses every line; `remove` drops one
-- line; `change` replaces the year, amount, kind or funding it names; `add` is a new line of a
-- published measure; postponing a measure by N years moves all of its lines (changed and added ones
-- too) N years later; a proposed measure brings its own lines, never moved.
scn_lines AS (
    SELECT v.variant, b.measure_id,
           coalesce(ch.fiscal_year, b.fiscal_year) + coalesce(mc.years, 0) AS fiscal_year,
           coalesce(ch.amount, b.amount) AS amount,
           coalesce(nullif(ch.kind, ''), b.kind) AS kind,
           coalesce(nullif(ch.funding, ''), b.funding) AS funding
    FROM scn_variant AS v
    CROSS JOIN measures_budgetline AS b
    LEFT JOIN scenarios_measurechange AS mc ON mc.scenario_id = v.variant AND mc.measure_id = b.measure_id
    LEFT JOIN scenarios_budgetlinechange AS ch ON ch.scenario_id = v.variant AND ch.budget_line_id = b.id
    WHERE b.measure_id = ANY (ARRAY(SELECT id FROM scn_measures))
      AND mc.action IS DISTINCT FROM 'drop' AND ch.action IS DISTINCT FROM 'remove'
    UNION ALL
    SELECT a.scenario_id, a.measure_id, a.fiscal_year + coalesce(mc.years, 0), coalesce(a.amount, 0),
           a.kind, coalesce(nullif(a.funding, ''), 'own')
    FROM scenarios_budgetlinechange AS a
    LEFT JOIN scenarios_measurechange AS mc ON mc.scenario_id = a.scenario_id AND mc.measure_id = a.measure_id
    WHERE a.scenario_id IN (SELECT variant FROM scn_variant) AND a.action = 'add'
      AND a.measure_id = ANY (ARRAY(SELECT id FROM scn_measures))
      AND mc.action IS DISTINCT FROM 'drop'
    UNION ALL
    SELECT p.scenario_id, -p.id, pl.fiscal_year, pl.amount, pl.kind, pl.funding
    FROM scenarios_proposedmeasure AS p
    JOIN scenarios_proposedbudgetline AS pl ON pl.proposed_measure_id = p.id
    WHERE p.scenario_id IN (SELECT variant FROM scn_variant)
)
