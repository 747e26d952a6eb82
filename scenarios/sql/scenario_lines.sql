-- The effective budget lines of each variant (composed into supply_scenario.sql and
-- comparison_budget.sql at {lines}); needs the CTEs `scn_variant` (variant: a scenario id, 0 for the
-- baseline — no change and no proposed measure has scenario 0, so it keeps the published lines as they
-- are) and `scn_measures` (id: the published measures to consider). One row per line and variant:
--   variant, measure_id (negative: -proposed_measure_id), fiscal_year, amount (EUR), kind, funding.
-- The rules are the adoption's (scenarios.services._apply, docs/scenarios.md "The decision"): first the
-- line changes — `change` replaces the year, amount, kind or funding it names, `remove` drops the line,
-- `add` is a new (planned) line of a published measure —; then the measure changes, on the lines from
-- the scenario's budget year on: a dropped measure loses its planned ones, a measure postponed by N
-- years has them moved N years later. A proposed measure brings its own lines, never moved.
scn_lines AS (
    SELECT x.variant, x.measure_id,
           x.fiscal_year + CASE WHEN x.fiscal_year >= x.budget_year THEN coalesce(x.postpone, 0) ELSE 0 END
               AS fiscal_year,
           x.amount, x.kind, x.funding
    FROM (
        SELECT v.variant, b.measure_id, s.budget_year, mc.action AS measure_action, mc.years AS postpone,
               coalesce(ch.fiscal_year, b.fiscal_year) AS fiscal_year,
               coalesce(ch.amount, b.amount) AS amount,
               coalesce(nullif(ch.kind, ''), b.kind) AS kind,
               coalesce(nullif(ch.funding, ''), b.funding) AS funding,
               b.status
        FROM scn_variant AS v
        CROSS JOIN measures_budgetline AS b
        LEFT JOIN scenarios_scenario AS s ON s.id = v.variant
        LEFT JOIN scenarios_measurechange AS mc ON mc.scenario_id = v.variant AND mc.measure_id = b.measure_id
        LEFT JOIN scenarios_budgetlinechange AS ch ON ch.scenario_id = v.variant AND ch.budget_line_id = b.id
        WHERE b.measure_id = ANY (ARRAY(SELECT id FROM scn_measures))
          AND ch.action IS DISTINCT FROM 'remove'
        UNION ALL
        SELECT a.scenario_id, a.measure_id, s.budget_year, mc.action, mc.years,
               coalesce(a.fiscal_year, s.budget_year), coalesce(a.amount, 0),
               a.kind, coalesce(nullif(a.funding, ''), 'own'), 'planned'
        FROM scenarios_budgetlinechange AS a
        JOIN scenarios_scenario AS s ON s.id = a.scenario_id
        LEFT JOIN scenarios_measurechange AS mc ON mc.scenario_id = a.scenario_id AND mc.measure_id = a.measure_id
        WHERE a.scenario_id IN (SELECT variant FROM scn_variant) AND a.action = 'add'
          AND a.measure_id = ANY (ARRAY(SELECT id FROM scn_measures))
    ) AS x
    -- a dropped measure keeps what is approved or spent, and the years before the budget year
    WHERE NOT (x.measure_action IS NOT DISTINCT FROM 'drop' AND x.status = 'planned'
               AND x.fiscal_year >= x.budget_year)
    UNION ALL
    SELECT p.scenario_id, -p.id, pl.fiscal_year, pl.amount, pl.kind, pl.funding
    FROM scenarios_proposedmeasure AS p
    JOIN scenarios_proposedbudgetline AS pl ON pl.proposed_measure_id = p.id
    WHERE p.scenario_id IN (SELECT variant FROM scn_variant)
)
