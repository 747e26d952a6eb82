-- The priority index (planning/sql/priorities.sql, composed in below) as the JSON of
-- GET /api/priorities/: the rows ordered by dimension and rank, and the gaps by size. One statement.
-- The sensitivity placeholder below is the CTE `sensitivity` (quartier_id, dimension, best, worst, moved_by): the ranks under
-- each weight moved by ±20 per cent (sql/priorities_sensitivity.sql), or an empty one.
WITH p AS (
{core}
),
{sensitivity},
shaped AS (
    SELECT p.dimension, p.rank, p.name, p.quartier_id, p.gap, p.gap_size,
        json_build_object(
            'quartier', json_build_object('id', p.quartier_id, 'name', p.name, 'slug', p.slug,
                                          'population', p.population),
            'dimension', p.dimension,
            'score', round(p.score::numeric, 4),
            'rank', p.rank,
            'gap', p.gap,
            'missing', to_json(p.missing),
            'sensitivity', CASE WHEN se.quartier_id IS NOT NULL THEN json_build_object(
                'best', se.best, 'worst', se.worst, 'moved_by', se.moved_by) END,
            'components', json_build_object(
                'indicators', json_build_object(
                    'need', round(p.need::numeric, 4),
                    'weight', p.w_indicators,
                    'fallback', p.indicator_keys IS NULL,
                    'values', (
                        SELECT coalesce(json_agg(json_build_object(
                                   'key', u.key, 'value', u.value, 'year', u.year, 'weight', u.weight,
                                   'normalised', round(u.need::numeric, 4)) ORDER BY u.ord), '[]'::json)
                        FROM unnest(p.indicator_keys, p.indicator_values, p.indicator_years,
                                    p.indicator_weights, p.indicator_needs)
                             WITH ORDINALITY AS u (key, value, year, weight, need, ord))),
                'demand', json_build_object(
                    'contributions', round(p.contributions::numeric, 2),
                    'weighted_contributions', round(p.weighted_contributions::numeric, 2),
                    'per_1000', round(p.demand::numeric, 3),
                    'normalised', round(p.demand_norm::numeric, 4)),
                'supply', json_build_object(
                    'measures', round(p.measures::numeric, 3),
                    'measures_per_1000', round(p.measures_per_1000::numeric, 3),
                    'budget_eur', round(p.budget::numeric, 2),
                    'budget_per_inhabitant', round(p.budget_per_inhabitant::numeric, 2),
                    'measures_normalised', round(p.measures_norm::numeric, 4),
                    'budget_normalised', round(p.budget_norm::numeric, 4),
                    'normalised', round(p.supply_norm::numeric, 4)),
                'coverage', json_build_object(
                    'share', round(p.coverage::numeric, 4),
                    'normalised', round(p.coverage_norm::numeric, 4))
            )
        ) AS item
    FROM p
    LEFT JOIN sensitivity AS se ON se.quartier_id = p.quartier_id AND se.dimension = p.dimension
)
SELECT
    coalesce(json_agg(item ORDER BY array_position(ARRAY['all', 'just', 'green', 'productive'], dimension),
                      rank NULLS LAST, name, quartier_id), '[]'::json)::text AS results,
    coalesce(json_agg(item ORDER BY gap_size DESC, dimension, name, quartier_id) FILTER (WHERE gap),
             '[]'::json)::text AS gaps
FROM shaped
